package dev.csvimport.functions;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.csvimport.fanout.FanOut;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class FanOutWorkerTest {

  private final FanOut fanOut = mock(FanOut.class);
  private final FanOutWorker worker = new FanOutWorker(fanOut);

  /**
   * A messagePublished event as Eventarc delivers it, with both spellings of the push fields
   * Pub/Sub sends.
   */
  private static CloudEvent published(String request) {
    String data =
        "{\"message\":{\"data\":\""
            + Base64.getEncoder().encodeToString(request.getBytes(StandardCharsets.UTF_8))
            + "\",\"messageId\":\"m-1\",\"message_id\":\"m-1\","
            + "\"publishTime\":\"2026-11-23T12:00:00Z\",\"publish_time\":\"2026-11-23T12:00:00Z\"},"
            + "\"subscription\":\"projects/p/subscriptions/s\"}";
    return CloudEventBuilder.v1()
        .withId("m-1")
        .withSource(URI.create("//pubsub"))
        .withType(FanOutWorker.MESSAGE_PUBLISHED)
        .withData("application/json", data.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void aFanOutRequestResumesItsJobWhateverSpellingOfThePushFieldsItCarries() throws Exception {
    worker.accept(published("{\"appId\":\"app-a\",\"jobId\":\"job-9\"}"));
    verify(fanOut).resume("app-a", "job-9", "m-1");
  }

  @Test
  void aMessageThatIsNoRequestIsAcknowledgedWithoutWork() throws Exception {
    worker.accept(published("not json"));
    worker.accept(published("{\"appId\":\"app-a\"}"));
    worker.accept(published("{\"appId\":\"app-a\",\"jobId\":7}"));
    worker.accept(
        CloudEventBuilder.v1()
            .withId("x")
            .withSource(URI.create("//x"))
            .withType("something.else")
            .build());
    verify(fanOut, never()).resume(any(), any(), any());
  }
}
