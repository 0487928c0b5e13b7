package dev.csvimport.functions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireJsonTest {

  /** A fixture's body (after its blank line), its {@code ${name}}s filled in. */
  private static byte[] fixtureBody(String file, Map<String, String> values) throws IOException {
    String request = Files.readString(Path.of("../test-data/wire", file));
    String body = request.substring(request.indexOf("\n\n") + 2);
    for (Map.Entry<String, String> value : values.entrySet()) {
      body = body.replace("${" + value.getKey() + "}", value.getValue());
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theStorageObjectOfGooglesFinalizeEventIsRead() throws IOException {
    WireJson.StorageObject object =
        WireJson.storageObject(
            WireJson.body(
                fixtureBody(
                    "storage-finalized.http",
                    Map.of(
                        "bucket", "inbox-a",
                        "object", "imports/users.csv",
                        "objectEscaped", "imports%2Fusers.csv",
                        "generation", "1733393742208123",
                        "size", "120"))));
    assertEquals("inbox-a", object.bucket());
    assertEquals("imports/users.csv", object.name());
    assertEquals(1733393742208123L, object.generation());
    assertEquals(Map.of("uploadedBy", "ops@example.com"), object.metadata());
  }

  @Test
  void aGenerationGivenAsANumberAndAnObjectWithoutMetadataAreRead() {
    WireJson.StorageObject object =
        WireJson.storageObject(
            WireJson.body(
                "{\"bucket\":\"b\",\"name\":\"n.csv\",\"generation\":7}"
                    .getBytes(StandardCharsets.UTF_8)));
    assertEquals(7, object.generation());
    assertEquals(Map.of(), object.metadata());
  }

  @Test
  void aStorageObjectLackingWhatTheTriggerNeedsIsRefusedSayingWhat() {
    assertEquals(
        "name is missing",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    WireJson.storageObject(
                        WireJson.body(
                            "{\"bucket\":\"b\",\"generation\":\"1\"}"
                                .getBytes(StandardCharsets.UTF_8))))
            .getMessage());
    assertEquals(
        "generation is missing or not a number",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    WireJson.storageObject(
                        WireJson.body(
                            "{\"bucket\":\"b\",\"name\":\"n\",\"generation\":\"one\"}"
                                .getBytes(StandardCharsets.UTF_8))))
            .getMessage());
    assertEquals(
        "metadata.n is not a string",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    WireJson.storageObject(
                        WireJson.body(
                            "{\"bucket\":\"b\",\"name\":\"n\",\"generation\":\"1\",\"metadata\":{\"n\":1}}"
                                .getBytes(StandardCharsets.UTF_8))))
            .getMessage());
    assertEquals(
        "the body is not JSON",
        assertThrows(
                IllegalArgumentException.class,
                () -> WireJson.body("{".getBytes(StandardCharsets.UTF_8)))
            .getMessage());
    assertEquals(
        "the body is empty",
        assertThrows(IllegalArgumentException.class, () -> WireJson.body(null)).getMessage());
  }

  @Test
  void theMessageOfGooglesMessagePublishedEventAndPushEnvelopeIsRead() throws IOException {
    WireJson.PubSubMessage published =
        WireJson.message(
            WireJson.body(
                fixtureBody(
                    "pubsub-message-published.http",
                    Map.of("data", base64("{\"appId\":\"a\"}"), "messageId", "1234"))));
    assertArrayEquals("{\"appId\":\"a\"}".getBytes(StandardCharsets.UTF_8), published.data());
    assertEquals("1234", published.messageId());
    assertEquals(Map.of(), published.attributes());

    WireJson.PubSubMessage pushed =
        WireJson.message(
            WireJson.body(
                fixtureBody(
                    "pubsub-push.http",
                    Map.of(
                        "appId", "app-a",
                        "jobId", "job-1",
                        "partition", "0",
                        "sequence", "3",
                        "data", base64("chunk"),
                        "messageId", "99",
                        "orderingKey", "job-1/0",
                        "deliveryAttempt", "2"))));
    assertArrayEquals("chunk".getBytes(StandardCharsets.UTF_8), pushed.data());
    assertEquals("99", pushed.messageId());
    assertEquals("app-a", pushed.attributes().get("appId"));
    assertEquals("3", pushed.attributes().get("sequence"));
  }

  @Test
  void aMessageIdSpeltAsMessage_idIsRead_andNoIdIsAnEmptyOne() {
    assertEquals(
        "m",
        WireJson.message(
                WireJson.body(
                    "{\"message\":{\"data\":\"e30=\",\"message_id\":\"m\"}}"
                        .getBytes(StandardCharsets.UTF_8)))
            .messageId());
    assertEquals(
        "",
        WireJson.message(
                WireJson.body("{\"message\":{\"data\":\"e30=\"}}".getBytes(StandardCharsets.UTF_8)))
            .messageId());
    assertEquals(
        "message.data is missing or not base64",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    WireJson.message(
                        WireJson.body(
                            "{\"message\":{\"data\":\"not base64!\"}}"
                                .getBytes(StandardCharsets.UTF_8))))
            .getMessage());
  }
}
