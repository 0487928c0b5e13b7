package dev.csvimport.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.PubSubFanOutRequests;
import dev.csvimport.log.Log;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;

/**
 * The fan-out worker: each message on the fan-out topic names a job whose fan-out goes on, after a
 * trigger used its time budget, or starts, for an import the API's {@code multi} created. Deployed
 * on the fan-out topic.
 */
public final class FanOutWorker implements CloudEventsFunction {

  public static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final Log LOG = Log.of(FanOutWorker.class);

  private final FanOut fanOut;

  public FanOutWorker() {
    this(Instance.stages().fanOut(Instance.chunkPublisher(), Instance.fanOutRequests()));
  }

  public FanOutWorker(FanOut fanOut) {
    this.fanOut = fanOut;
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    if (!MESSAGE_PUBLISHED.equals(event.getType())) {
      LOG.warn(
          "event of an unexpected type: ignored",
          "type",
          event.getType(),
          "eventId",
          event.getId());
      return;
    }
    WireJson.PubSubMessage message;
    PubSubFanOutRequests.Request request;
    try {
      message =
          WireJson.message(
              WireJson.body(event.getData() == null ? null : event.getData().toBytes()));
      request = PubSubFanOutRequests.decode(new String(message.data(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      // Redelivering a message that can never be read would only repeat this: acknowledge it.
      LOG.error(
          "fan-out message is not a fan-out request: ignored",
          null,
          "eventId",
          event.getId(),
          "error",
          e.getMessage());
      return;
    }
    fanOut.resume(request.appId(), request.jobId(), message.messageId());
  }
}
