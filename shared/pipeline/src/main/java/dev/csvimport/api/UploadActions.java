package dev.csvimport.api;

import com.google.gson.JsonObject;
import dev.csvimport.fanout.ImportFileNames;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.AppStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * uploadUrl: where the uploads page sends a file, into the app's bucket, under the inbox, as a new
 * object whose name the server chooses; its import's name, uploader and default action are fixed in
 * the upload's signature.
 */
public final class UploadActions {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final AppStore apps;
  private final UploadUrls uploads;
  private final String inboxPrefix;
  private final Clock clock;

  /**
   * @param uploads how an upload is granted
   * @param inboxPrefix where new files are picked up in an app's bucket
   */
  public UploadActions(AppStore apps, UploadUrls uploads, String inboxPrefix, Clock clock) {
    this.apps = apps;
    this.uploads = uploads;
    this.inboxPrefix = inboxPrefix;
    this.clock = clock;
  }

  public ApiAnswer uploadUrl(Caller caller, Params params) throws ApiError, StoreException {
    caller.requireDevelopmentKey("uploads");
    String defaultAction = params.defaultAction();
    String createDisposition = params.createDisposition();
    boolean dryRun = params.dryRun();
    String mapping = params.mapping();
    String bucket =
        apps.inboxBucket(caller.appId())
            .orElseThrow(
                () -> new ApiError(409, "this app has no bucket of its own to upload into"));
    String fileName = params.getOr("fileName", "upload.csv");
    String object =
        inboxPrefix
            + STAMP.format(clock.instant())
            + "-"
            + UUID.randomUUID().toString().substring(0, 8)
            + "-"
            + safeName(fileName);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("encoding", "url");
    metadata.put("name", URLEncoder.encode(params.getOr("name", fileName), StandardCharsets.UTF_8));
    metadata.put(
        "uploadedBy", URLEncoder.encode(params.getOr("uploadedBy", "ui"), StandardCharsets.UTF_8));
    if (defaultAction != null) {
      metadata.put("action", defaultAction);
    }
    if (createDisposition != null) {
      metadata.put("createDisposition", createDisposition);
    }
    if (dryRun) {
      metadata.put("dryRun", "true");
    }
    if (mapping != null) {
      metadata.put("mapping", mapping);
    }
    UploadUrls.Upload upload;
    try {
      upload = uploads.resumable(bucket, object, metadata);
    } catch (IllegalStateException cannot) {
      throw new ApiError(503, cannot.getMessage());
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("url", upload.url());
    answer.addProperty("object", object);
    JsonObject headers = new JsonObject();
    upload.headers().forEach(headers::addProperty);
    answer.add("headers", headers);
    return ApiAnswer.ok(answer);
  }

  /**
   * A file name as part of an object name: letters, digits, dot, dash and underscore; ends in .csv
   * or .csv.gz.
   */
  static String safeName(String fileName) {
    String base =
        fileName
            .substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
            .replaceAll("[^A-Za-z0-9._-]", "_");
    base = base.length() > 100 ? base.substring(base.length() - 100) : base;
    return ImportFileNames.asImport(base);
  }
}
