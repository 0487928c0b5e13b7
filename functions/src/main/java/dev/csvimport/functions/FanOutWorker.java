package dev.csvimport.functions;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
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
    MessagePublishedData published = decodePublished(event);
    String text = published.getMessage().getData().toString(StandardCharsets.UTF_8);
    PubSubFanOutRequests.Request request;
    try {
      request = PubSubFanOutRequests.decode(text);
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
    fanOut.resume(request.appId(), request.jobId(), published.getMessage().getMessageId());
  }

  /**
   * Pub/Sub's JSON repeats {@code messageId} and {@code publishTime} as {@code message_id} and
   * {@code publish_time}, which the protobuf parser refuses as fields set twice: keep the camelCase
   * ones.
   */
  private static MessagePublishedData decodePublished(CloudEvent event)
      throws InvalidProtocolBufferException {
    if (event.getData() == null) {
      throw new InvalidProtocolBufferException("the event has no data");
    }
    JsonElement parsed;
    try {
      parsed =
          JsonParser.parseString(new String(event.getData().toBytes(), StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw new InvalidProtocolBufferException("the event's data is not JSON");
    }
    if (!parsed.isJsonObject()) {
      throw new InvalidProtocolBufferException("the event's data is not a JSON object");
    }
    JsonObject data = parsed.getAsJsonObject();
    if (data.has("message") && data.get("message").isJsonObject()) {
      JsonObject message = data.getAsJsonObject("message");
      message.remove("message_id");
      message.remove("publish_time");
    }
    MessagePublishedData.Builder builder = MessagePublishedData.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(data.toString(), builder);
    return builder.build();
  }
}
