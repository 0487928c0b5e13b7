package dev.csvimport.functions;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.ImportFileNames;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.log.Log;
import io.cloudevents.CloudEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The storage trigger: a new CSV object in an app's inbox becomes an import, fanned out as far as
 * this invocation's time budget allows ({@link FanOutWorker} continues it). Deployed once for every
 * app: each inbox bucket's Eventarc trigger delivers its finalize events to it over HTTP, as
 * CloudEvents in binary mode ({@link #service}); the local runner hands it events directly ({@link
 * #accept}).
 */
public final class StorageTrigger implements CloudEventsFunction, HttpFunction {

  public static final String OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized";
  private static final Log LOG = Log.of(StorageTrigger.class);

  private final Settings settings;
  private final FanOut fanOut;

  public StorageTrigger() {
    this(
        Instance.settings(),
        Instance.stages().fanOut(Instance.chunkPublisher(), Instance.fanOutRequests()));
  }

  /**
   * @param settings which app owns which bucket, and the inbox prefix
   */
  public StorageTrigger(Settings settings, FanOut fanOut) {
    this.settings = settings;
    this.fanOut = fanOut;
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    onEvent(
        event.getType(), event.getId(), event.getData() == null ? null : event.getData().toBytes());
  }

  /**
   * An event as Eventarc delivers it to a Cloud Run service: {@code ce-type} and {@code ce-id}
   * headers, the object as the JSON body. Handled (or ignored) answers 204; a failure throws, the
   * framework answers 500, and Eventarc delivers the event again. A request that is not a
   * CloudEvent is a 400.
   */
  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    String type = request.getFirstHeader("ce-type").orElse(null);
    String id = request.getFirstHeader("ce-id").orElse(null);
    if (type == null || id == null) {
      LOG.warn("request is not a CloudEvent (no ce-type or ce-id header): refused");
      response.setStatusCode(400);
      return;
    }
    onEvent(type, id, request.getInputStream().readAllBytes());
    response.setStatusCode(204);
  }

  private void onEvent(String type, String eventId, byte[] data) throws Exception {
    if (!OBJECT_FINALIZED.equals(type)) {
      LOG.warn("event of an unexpected type: ignored", "type", type, "eventId", eventId);
      return;
    }
    onObject(WireJson.storageObject(WireJson.body(data)), eventId);
  }

  private void onObject(WireJson.StorageObject object, String eventId) throws Exception {
    String name = object.name();
    String prefix = settings.inboxPrefix();
    if (!name.startsWith(prefix) || !ImportFileNames.isImport(name)) {
      LOG.info(
          "object is not a CSV file (.csv or .csv.gz) in the inbox: ignored",
          "bucket",
          object.bucket(),
          "object",
          name,
          "inboxPrefix",
          prefix);
      return;
    }
    String appId = settings.appOfBucket(object.bucket());
    if (appId == null) {
      LOG.warn("bucket belongs to no app: ignored", "bucket", object.bucket(), "object", name);
      return;
    }
    Map<String, String> metadata = metadataOf(object);
    String action = metadata.getOrDefault("action", actionFromPath(name, prefix));
    String displayName = metadata.getOrDefault("name", name.substring(name.lastIndexOf('/') + 1));
    var job =
        fanOut.start(
            new NewImport(
                appId,
                object.bucket(),
                name,
                object.generation(),
                action,
                displayName,
                metadata.get("uploadedBy"),
                metadata.get("delimiter"),
                metadata.get("createDisposition"),
                isDryRun(metadata),
                metadata.get("mapping")),
            eventId);
    LOG.info(
        "object handled",
        "appId",
        appId,
        "jobId",
        job.jobId(),
        "object",
        name,
        "generation",
        object.generation(),
        "eventId",
        eventId);
  }

  /**
   * Whether the object's metadata asks for a dry run: {@code dryRun} with any value but {@code
   * false}, so that a misspelt yes never writes profiles.
   */
  static boolean isDryRun(Map<String, String> metadata) {
    String value = metadata.get("dryRun");
    return value != null && !value.trim().equalsIgnoreCase("false");
  }

  /**
   * The object's metadata by key, whatever case its keys arrived in (an upload through Cloud
   * Storage's XML API lowers them); values the uploads page URL-encoded ({@code encoding=url}, for
   * names that are not ASCII) decoded.
   */
  static Map<String, String> metadataOf(WireJson.StorageObject object) {
    Map<String, String> metadata = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    metadata.putAll(object.metadata());
    if ("url".equals(metadata.get("encoding"))) {
      for (String key : List.of("name", "uploadedBy")) {
        if (metadata.containsKey(key)) {
          try {
            metadata.put(key, URLDecoder.decode(metadata.get(key), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException notEncoded) {
            // Kept as it came.
          }
        }
      }
    }
    return metadata;
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
}
