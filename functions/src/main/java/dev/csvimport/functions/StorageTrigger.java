package dev.csvimport.functions;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.csvimport.Pipeline;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.log.Log;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The storage trigger: a new object in an app's inbox becomes an import. Deployed twice from this class: on the
 * bucket's finalize events, and on the fan-out topic, whose messages continue or start a job's fan-out.
 */
public final class StorageTrigger implements CloudEventsFunction {

  public static final String OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized";
  public static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final Log LOG = Log.of(StorageTrigger.class);

  private final Supplier<Pipeline> pipeline;

  public StorageTrigger() {
    this(CloudClients::pipeline);
  }

  public StorageTrigger(Pipeline pipeline) {
    this(() -> pipeline);
  }

  private StorageTrigger(Supplier<Pipeline> pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    switch (event.getType()) {
      case OBJECT_FINALIZED:
        StorageObjectData object = decode(event, StorageObjectData.newBuilder()).build();
        onObject(object, event.getId());
        break;
      case MESSAGE_PUBLISHED:
        MessagePublishedData published = decodePublished(event);
        JsonObject request = JsonParser.parseString(
            published.getMessage().getData().toString(StandardCharsets.UTF_8)).getAsJsonObject();
        pipeline.get().fanOut().resume(request.get("appId").getAsString(), request.get("jobId").getAsString(),
            published.getMessage().getMessageId());
        break;
      default:
        LOG.warn("event of an unexpected type: ignored", "type", event.getType(), "eventId", event.getId());
    }
  }

  private void onObject(StorageObjectData object, String eventId) throws Exception {
    Settings settings = pipeline.get().settings();
    String name = object.getName();
    String prefix = settings.inboxPrefix();
    if (!name.startsWith(prefix) || !name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      LOG.info("object is not a CSV file in the inbox: ignored", "bucket", object.getBucket(), "object", name,
          "inboxPrefix", prefix);
      return;
    }
    String appId = settings.appOfBucket(object.getBucket());
    if (appId == null) {
      LOG.warn("bucket belongs to no app: ignored", "bucket", object.getBucket(), "object", name);
      return;
    }
    Map<String, String> metadata = object.getMetadataMap();
    String action = metadata.getOrDefault("action", actionFromPath(name, prefix));
    String displayName = metadata.getOrDefault("name", name.substring(name.lastIndexOf('/') + 1));
    var job = pipeline.get().fanOut().start(new NewImport(appId, object.getBucket(), name, object.getGeneration(),
        action, displayName, metadata.get("uploadedBy")), eventId);
    LOG.info("object handled", "appId", appId, "jobId", job.jobId(), "object", name, "generation",
        object.getGeneration(), "eventId", eventId);
  }

  /** {@code imports/track/2024.csv} is a track file; {@code imports/2024.csv} names no action. */
  static String actionFromPath(String name, String prefix) {
    String rest = name.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String folder = rest.substring(0, slash);
    return Action.fromApiName(folder).isPresent() ? folder : null;
  }

  /**
   * Pub/Sub's JSON repeats {@code messageId} and {@code publishTime} as {@code message_id} and {@code publish_time},
   * which the protobuf parser refuses as fields set twice: keep the camelCase ones.
   */
  private static MessagePublishedData decodePublished(CloudEvent event) throws InvalidProtocolBufferException {
    if (event.getData() == null) {
      throw new InvalidProtocolBufferException("the event has no data");
    }
    JsonObject data = JsonParser.parseString(new String(event.getData().toBytes(), StandardCharsets.UTF_8))
        .getAsJsonObject();
    if (data.has("message") && data.get("message").isJsonObject()) {
      JsonObject message = data.getAsJsonObject("message");
      message.remove("message_id");
      message.remove("publish_time");
    }
    MessagePublishedData.Builder builder = MessagePublishedData.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(data.toString(), builder);
    return builder.build();
  }

  private static <B extends Message.Builder> B decode(CloudEvent event, B builder)
      throws InvalidProtocolBufferException {
    if (event.getData() == null) {
      throw new InvalidProtocolBufferException("the event has no data");
    }
    JsonFormat.parser().ignoringUnknownFields().merge(new String(event.getData().toBytes(),
        StandardCharsets.UTF_8), builder);
    return builder;
  }
}
