package dev.csvimport.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class StorageTriggerTest {

  private final FanOut fanOut = mock(FanOut.class);
  private final StorageTrigger trigger =
      new StorageTrigger(
          new Settings(Map.of(Settings.BUCKET_APPS, "inbox-a=app-a, inbox-b=app-b")), fanOut);

  @BeforeEach
  void wire() throws Exception {
    when(fanOut.start(any(), any()))
        .thenReturn(
            Job.create(
                "app",
                "job-1",
                "b",
                "o",
                42,
                null,
                "o",
                null,
                Instant.EPOCH,
                ChunkLimits.DEFAULT,
                Instant.EPOCH));
  }

  private static CloudEvent finalized(String bucket, String name, Map<String, String> metadata)
      throws Exception {
    // As Google sends it (test-data/wire/storage-finalized.http): int64s as strings.
    JsonObject object = new JsonObject();
    object.addProperty("kind", "storage#object");
    object.addProperty("bucket", bucket);
    object.addProperty("name", name);
    object.addProperty("generation", "42");
    object.addProperty("size", "10");
    JsonObject meta = new JsonObject();
    metadata.forEach(meta::addProperty);
    object.add("metadata", meta);
    String data = object.toString();
    return CloudEventBuilder.v1()
        .withId("event-1")
        .withSource(URI.create("//storage.googleapis.com/b"))
        .withType(StorageTrigger.OBJECT_FINALIZED)
        .withData("application/json", data.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private NewImport startedImport() throws Exception {
    ArgumentCaptor<NewImport> captured = ArgumentCaptor.forClass(NewImport.class);
    verify(fanOut).start(captured.capture(), eq("event-1"));
    return captured.getValue();
  }

  @Test
  void aCsvInTheInboxStartsAnImportOfTheBucketsApp() throws Exception {
    trigger.accept(finalized("inbox-b", "imports/track/2024/events.CSV", Map.of()));
    NewImport started = startedImport();
    assertEquals("app-b", started.appId());
    assertEquals("track", started.action());
    assertEquals("events.CSV", started.name());
    assertEquals(42, started.generation());
    assertNull(started.uploadedBy());
  }

  /**
   * Eventarc delivers to the one deployed trigger service over HTTP: a CloudEvent in binary mode.
   */
  @Test
  void anEventarcDeliveryOverHttpStartsTheSameImport() throws Exception {
    CloudEvent event =
        finalized("inbox-a", "imports/setUserAttributes/users.csv", Map.of("uploadedBy", "bo"));
    HttpRequest request = mock(HttpRequest.class);
    when(request.getFirstHeader("ce-type")).thenReturn(Optional.of(event.getType()));
    when(request.getFirstHeader("ce-id")).thenReturn(Optional.of(event.getId()));
    when(request.getInputStream()).thenReturn(new ByteArrayInputStream(event.getData().toBytes()));
    HttpResponse response = mock(HttpResponse.class);
    trigger.service(request, response);
    verify(response).setStatusCode(204);
    NewImport started = startedImport();
    assertEquals("app-a", started.appId());
    assertEquals("setUserAttributes", started.action());
    assertEquals("bo", started.uploadedBy());

    HttpRequest notAnEvent = mock(HttpRequest.class);
    when(notAnEvent.getFirstHeader(any())).thenReturn(Optional.empty());
    HttpResponse refused = mock(HttpResponse.class);
    trigger.service(notAnEvent, refused);
    verify(refused).setStatusCode(400);
  }

  @Test
  void metadataGivesTheActionNameAndUploader() throws Exception {
    trigger.accept(
        finalized(
            "inbox-a",
            "imports/track/users.csv",
            Map.of(
                "action",
                "setUserAttributes",
                "name",
                "Spring users",
                "uploadedBy",
                "ann@example.com")));
    NewImport started = startedImport();
    assertEquals("setUserAttributes", started.action(), "metadata wins over the folder");
    assertEquals("Spring users", started.name());
    assertEquals("ann@example.com", started.uploadedBy());
  }

  /** Any dryRun value but false makes a dry run, so that a misspelt yes never writes profiles. */
  @Test
  void dryRunMetadataMakesADryRunUnlessItSaysFalse() throws Exception {
    trigger.accept(
        finalized("inbox-a", "imports/setUserAttributes/a.csv", Map.of("DryRun", "TRUE")));
    assertEquals(true, startedImport().dryRun(), "the XML API lowers keys; any case is read");
    assertEquals(true, StorageTrigger.isDryRun(Map.of("dryRun", "yes")));
    assertEquals(false, StorageTrigger.isDryRun(Map.of("dryRun", " false ")));
    assertEquals(false, StorageTrigger.isDryRun(Map.of()));
  }

  @Test
  void aFolderThatIsNoActionGivesNone() {
    assertNull(StorageTrigger.actionFromPath("imports/2024/users.csv", "imports/"));
    assertNull(StorageTrigger.actionFromPath("imports/users.csv", "imports/"));
    assertEquals(
        "setDeviceAttributes",
        StorageTrigger.actionFromPath("imports/setDeviceAttributes/x.csv", "imports/"));
  }

  @Test
  void everythingElseIsIgnored() throws Exception {
    trigger.accept(finalized("inbox-a", "results/abc.jsonl", Map.of()));
    trigger.accept(finalized("inbox-a", "imports/readme.txt", Map.of()));
    trigger.accept(finalized("inbox-a", "exports/users.csv", Map.of()));
    trigger.accept(finalized("someone-elses-bucket", "imports/users.csv", Map.of()));
    trigger.accept(
        CloudEventBuilder.v1()
            .withId("x")
            .withSource(URI.create("//x"))
            .withType("something.else")
            .build());
    verify(fanOut, never()).start(any(), any());
  }
}
