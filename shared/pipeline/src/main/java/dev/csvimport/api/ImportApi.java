package dev.csvimport.api;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.check.ItemChecker;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.fanout.NewJobs;
import dev.csvimport.job.Job;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.ProfileStore;
import dev.csvimport.store.StoreException;
import dev.csvimport.store.WriteRequests;
import dev.csvimport.write.ItemAnswer;
import dev.csvimport.write.WriteCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The API's actions, Leanplum-compatible: getMultiResults, multi (a CSV import with createJob, else
 * a batch of write items), the write actions setUserAttributes, setDeviceAttributes, track and
 * deleteUser, exportUser, and listJobs; and for the uploads page: preview (a file's first rows
 * through the engine), uploadUrl (where to upload it) and results (a page of a job's results file).
 * Every call names its app and one of the app's keys; nothing of another app is ever read or
 * written.
 */
public final class ImportApi {

  public static final String API_VERSION = "1.0.6";
  public static final List<String> ACTIONS =
      List.of(
          "getMultiResults",
          "multi",
          "exportUser",
          "listJobs",
          "preview",
          "uploadUrl",
          "results",
          "setUserAttributes",
          "setDeviceAttributes",
          "track",
          "deleteUser");

  /**
   * A single write call's parameters that are the call's, not the item's: left out of its
   * fingerprint.
   */
  private static final List<String> CALL_PARAMETERS =
      List.of("appId", "clientKey", "apiVersion", "requestId", "devMode");

  /** Lines of a results file per page of the results action. */
  private static final int MAX_RESULT_LINES = 500;

  private static final String INVALID_KEY = "Invalid access key";
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 1000;

  private final AppStore apps;
  private final JobStore jobs;
  private final ProfileStore profiles;
  private final NewJobs newJobs;
  private final FanOutRequests fanOutRequests;
  private final Storage storage;
  private final Answers answers;
  private final UploadUrls uploads;
  private final WriteRequests writes;
  private final String inboxPrefix;
  private final Clock clock;

  /**
   * @param storage where the app's buckets are read (multi looks its object up)
   * @param fanOutRequests how a multi import's fan-out is started
   * @param uploads where the uploads page sends a file
   * @param inboxPrefix where new files are picked up in an app's bucket
   */
  public ImportApi(
      AppStore apps,
      JobStore jobs,
      ProfileStore profiles,
      NewJobs newJobs,
      FanOutRequests fanOutRequests,
      Storage storage,
      Answers answers,
      UploadUrls uploads,
      WriteRequests writes,
      String inboxPrefix,
      Clock clock) {
    this.apps = apps;
    this.jobs = jobs;
    this.profiles = profiles;
    this.newJobs = newJobs;
    this.fanOutRequests = fanOutRequests;
    this.storage = storage;
    this.answers = answers;
    this.uploads = uploads;
    this.writes = writes;
    this.inboxPrefix = inboxPrefix;
    this.clock = clock;
  }

  /** Answers a call; errors a caller can fix are answers too, with their status. */
  public ApiAnswer handle(ApiRequest request) throws StoreException {
    try {
      return dispatch(request);
    } catch (ApiError e) {
      return ApiAnswer.error(e.status(), e.getMessage());
    }
  }

  private ApiAnswer dispatch(ApiRequest request) throws ApiError, StoreException {
    String action = request.required("action");
    if (!ACTIONS.contains(action)) {
      throw new ApiError(
          400,
          "unknown action '"
              + action
              + "': the supported actions are "
              + String.join(", ", ACTIONS));
    }
    String version = request.parameter("apiVersion");
    if (version != null && !version.equals(API_VERSION)) {
      throw new ApiError(400, "unsupported apiVersion '" + version + "': use " + API_VERSION);
    }
    String appId = request.required("appId");
    String clientKey = request.required("clientKey");
    AppStore.KeyKind key =
        apps.authenticate(appId, clientKey).orElseThrow(() -> new ApiError(401, INVALID_KEY));
    if (WriteCalls.ACTIONS.contains(action)) {
      return single(appId, request);
    }
    switch (action) {
      case "getMultiResults":
        return ApiAnswer.ok(multiResults(appId, request));
      case "multi":
        return "true".equalsIgnoreCase(request.parameter("createJob"))
            ? ApiAnswer.ok(multi(appId, key, request))
            : batch(appId, request);
      case "exportUser":
        return exportUser(appId, request.required("userId"));
      case "preview":
        return ApiAnswer.ok(preview(request));
      case "uploadUrl":
        return ApiAnswer.ok(uploadUrl(appId, key, request));
      case "results":
        return ApiAnswer.ok(results(appId, request));
      default:
        return ApiAnswer.ok(listJobs(appId, request));
    }
  }

  /**
   * multi without createJob: Leanplum's batch, its items in {@code data} (a JSON array), each
   * answered in order; the status is 200 whenever the batch itself is valid, whatever became of its
   * items. Either key may write.
   */
  private ApiAnswer batch(String appId, ApiRequest request) throws ApiError, StoreException {
    String data = request.parameter("data");
    if (data == null) {
      throw new ApiError(
          400,
          "missing parameter data: a batch sends its items as {\"data\":[{\"action\":"
              + "\"track\", ...}, ...]}; a CSV import sends createJob=true");
    }
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(data);
    } catch (JsonParseException e) {
      throw new ApiError(400, "data is not valid JSON: it must be an array of items");
    }
    if (!parsed.isJsonArray() || parsed.getAsJsonArray().isEmpty()) {
      throw new ApiError(
          400, "data must be a JSON array of 1 to " + WriteCalls.MAX_ITEMS + " items");
    }
    JsonArray items = parsed.getAsJsonArray();
    if (items.size() > WriteCalls.MAX_ITEMS) {
      throw new ApiError(
          400,
          "data has "
              + items.size()
              + " items; a batch may have at most "
              + WriteCalls.MAX_ITEMS
              + ": split it");
    }
    List<JsonObject> elements = new ArrayList<>();
    for (ItemAnswer answer : write(appId, request, items.asList(), items.toString())) {
      elements.add(element(answer));
    }
    return new ApiAnswer(200, elements);
  }

  /** A write action called alone: the item is the call's parameters; a failed item answers 400. */
  private ApiAnswer single(String appId, ApiRequest request) throws ApiError, StoreException {
    Map<String, String> parameters = new LinkedHashMap<>(request.parameters());
    CALL_PARAMETERS.forEach(parameters::remove);
    JsonObject item = ItemChecker.itemOf(parameters);
    // Clients stamp each call with the time it was sent; only a track's time is the item's (its
    // event's).
    JsonObject asked = item.deepCopy();
    if (!"track".equals(parameters.get("action"))) {
      asked.remove("time");
    }
    ItemAnswer answer = write(appId, request, List.of(item), asked.toString()).get(0);
    return new ApiAnswer(answer.success() ? 200 : 400, List.of(element(answer)));
  }

  private List<ItemAnswer> write(
      String appId, ApiRequest request, List<JsonElement> items, String fingerprint)
      throws ApiError, StoreException {
    try {
      return writes.apply(
          appId,
          request.parameter("requestId"),
          fingerprint,
          WriteCalls.items(items, clock.instant()));
    } catch (WriteRequests.RequestKeyReused reused) {
      throw new ApiError(409, reused.getMessage());
    }
  }

  private static JsonObject element(ItemAnswer answer) {
    if (!answer.success()) {
      return ApiAnswer.errorElement(answer.error());
    }
    if (answer.warning() != null) {
      return ApiAnswer.warningElement(answer.warning());
    }
    JsonObject success = new JsonObject();
    success.addProperty("success", true);
    return success;
  }

  /**
   * preview: the first part of a file (base64 in {@code csv}), checked by the engine, before any
   * upload.
   */
  private JsonObject preview(ApiRequest request) throws ApiError {
    byte[] csv;
    try {
      csv = Base64.getDecoder().decode(request.required("csv"));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "csv must be the file's first bytes in base64");
    }
    if (csv.length > FilePreview.MAX_BYTES) {
      throw new ApiError(
          413,
          "preview takes at most the first " + FilePreview.MAX_BYTES / 1024 + " KiB of a file");
    }
    String defaultAction = request.parameter("defaultAction");
    if (defaultAction != null && Action.fromApiName(defaultAction).isEmpty()) {
      throw new ApiError(
          400, "unknown defaultAction '" + defaultAction + "': use " + Action.supportedNames());
    }
    return FilePreview.answer(
        csv, "true".equalsIgnoreCase(request.parameter("partial")), defaultAction, clock.instant());
  }

  /**
   * uploadUrl: where the browser uploads a file into the app's bucket, under the inbox, as a new
   * object whose name the server chooses; its import's name, uploader and default action are fixed
   * in the upload's signature.
   */
  private JsonObject uploadUrl(String appId, AppStore.KeyKind key, ApiRequest request)
      throws ApiError, StoreException {
    if (key != AppStore.KeyKind.DEVELOPMENT) {
      throw new ApiError(403, "uploads need the app's development key; this is its production key");
    }
    String defaultAction = request.parameter("defaultAction");
    if (defaultAction != null && Action.fromApiName(defaultAction).isEmpty()) {
      throw new ApiError(
          400, "unknown defaultAction '" + defaultAction + "': use " + Action.supportedNames());
    }
    String bucket = ownedBucket(appId);
    String fileName = Optional.ofNullable(request.parameter("fileName")).orElse("upload.csv");
    String object =
        inboxPrefix
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(clock.instant())
            + "-"
            + UUID.randomUUID().toString().substring(0, 8)
            + "-"
            + safeName(fileName);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("encoding", "url");
    metadata.put(
        "name",
        URLEncoder.encode(
            Optional.ofNullable(request.parameter("name")).orElse(fileName),
            StandardCharsets.UTF_8));
    metadata.put(
        "uploadedBy",
        URLEncoder.encode(
            Optional.ofNullable(request.parameter("uploadedBy")).orElse("ui"),
            StandardCharsets.UTF_8));
    if (defaultAction != null) {
      metadata.put("action", defaultAction);
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
    return answer;
  }

  /** The app's inbox bucket: the first it lists that it owns. */
  private String ownedBucket(String appId) throws ApiError, StoreException {
    for (String bucket : apps.get(appId).map(AppStore.App::buckets).orElse(List.of())) {
      if (apps.ownerOf(bucket).map(appId::equals).orElse(false)) {
        return bucket;
      }
    }
    throw new ApiError(409, "this app has no bucket of its own to upload into");
  }

  /**
   * A file name as part of an object name: letters, digits, dot, dash and underscore; ends in .csv.
   */
  static String safeName(String fileName) {
    String base =
        fileName
            .substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
            .replaceAll("[^A-Za-z0-9._-]", "_");
    base = base.length() > 100 ? base.substring(base.length() - 100) : base;
    return base.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? base : base + ".csv";
  }

  /** results: a page of a finished job's results file, from line {@code offset} on. */
  private JsonObject results(String appId, ApiRequest request) throws ApiError, StoreException {
    Job job =
        jobs.get(appId, request.required("jobId"))
            .orElseThrow(() -> new ApiError(404, "job not found"));
    if (job.resultsFile() == null) {
      throw new ApiError(409, "the job has no results file yet: it is " + job.state());
    }
    int offset = wholeNumber(request.parameter("offset"), 0, 0, Integer.MAX_VALUE, "offset");
    int limit = wholeNumber(request.parameter("limit"), 100, 1, MAX_RESULT_LINES, "limit");
    JsonArray lines = new JsonArray();
    int next = -1;
    try (BufferedReader reader =
        new BufferedReader(
            Channels.newReader(
                storage.reader(BlobId.of(job.bucket(), job.resultsFile())),
                StandardCharsets.UTF_8))) {
      String line;
      int index = 0;
      while ((line = reader.readLine()) != null) {
        if (index >= offset + limit) {
          next = index;
          break;
        }
        if (index >= offset && !line.isEmpty()) {
          lines.add(JsonParser.parseString(line));
        }
        index++;
      }
    } catch (IOException | RuntimeException e) {
      throw new StoreException("the results file could not be read: " + e.getMessage(), e);
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("jobId", job.jobId());
    answer.add("lines", lines);
    if (next >= 0) {
      answer.addProperty("nextOffset", next);
    }
    return answer;
  }

  private static int wholeNumber(String text, int otherwise, int min, int max, String name)
      throws ApiError {
    if (text == null) {
      return otherwise;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Refused below.
    }
    throw new ApiError(400, name + " must be a whole number from " + min + " to " + max);
  }

  private JsonObject multiResults(String appId, ApiRequest request)
      throws ApiError, StoreException {
    String jobId = request.parameter("jobId");
    Optional<Job> job;
    if (jobId != null) {
      job = jobs.get(appId, jobId);
    } else {
      String file = request.parameter("file");
      if (file == null) {
        throw new ApiError(400, "missing parameter jobId (or file)");
      }
      job = jobs.newestOf(appId, file);
    }
    Job found = job.orElseThrow(() -> new ApiError(404, "job not found"));
    JobStore.Totals totals =
        found.state().ended() ? new JobStore.Totals(0, 0, 0, true) : jobs.totals(found);
    return answers.multiResults(found, totals);
  }

  /** multi with createJob: a CSV import of an object in one of the app's buckets. */
  private JsonObject multi(String appId, AppStore.KeyKind key, ApiRequest request)
      throws ApiError, StoreException {
    String bucket = request.required("gcsBucket");
    String file = request.required("file");
    String defaultAction = request.parameter("defaultAction");
    if (defaultAction != null && Action.fromApiName(defaultAction).isEmpty()) {
      throw new ApiError(
          400, "unknown defaultAction '" + defaultAction + "': use " + Action.supportedNames());
    }
    if (key != AppStore.KeyKind.DEVELOPMENT) {
      throw new ApiError(
          403, "CSV imports need the app's development key; this is its production key");
    }
    List<String> buckets = apps.get(appId).map(AppStore.App::buckets).orElse(List.of());
    if (!buckets.contains(bucket) || !apps.ownerOf(bucket).map(appId::equals).orElse(false)) {
      throw new ApiError(403, "bucket " + bucket + " does not belong to this app");
    }
    Blob object = storage.get(BlobId.of(bucket, file));
    if (object == null) {
      throw new ApiError(404, "no object " + file + " in bucket " + bucket);
    }
    long generation = object.getGeneration() == null ? 0 : object.getGeneration();
    String name =
        Optional.ofNullable(request.parameter("name"))
            .orElse(file.substring(file.lastIndexOf('/') + 1));
    Job job =
        jobs.createIfAbsent(
            newJobs.forRequest(
                new NewImport(
                    appId,
                    bucket,
                    file,
                    generation,
                    defaultAction,
                    name,
                    Optional.ofNullable(request.parameter("uploadedBy")).orElse("api")),
                Optional.ofNullable(request.parameter("requestId")).orElse(request.requestId())));
    try {
      fanOutRequests.request(job.appId(), job.jobId());
    } catch (Exception e) {
      throw new StoreException("the import could not be started: " + e.getMessage(), e);
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("jobId", job.jobId());
    return answer;
  }

  /** exportUser: the profile; for an unknown user Leanplum's 200 with a warning. */
  private ApiAnswer exportUser(String appId, String userId) throws StoreException {
    Optional<Profile> profile = profiles.profile(appId, userId);
    if (profile.isEmpty()) {
      return ApiAnswer.ok(ApiAnswer.warningElement(ItemAnswer.USER_NOT_FOUND));
    }
    return ApiAnswer.ok(answers.exportUser(profile.get(), profiles.devices(appId, userId)));
  }

  private JsonObject listJobs(String appId, ApiRequest request) throws ApiError, StoreException {
    int limit = DEFAULT_PAGE;
    String limitText = request.parameter("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        throw new ApiError(400, "limit must be a whole number from 1 to " + MAX_PAGE);
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw new ApiError(400, "limit must be a whole number from 1 to " + MAX_PAGE);
      }
    }
    List<Job> page = jobs.list(appId, limit + 1, request.parameter("pageToken"));
    JsonArray rows = new JsonArray();
    page.stream().limit(limit).forEach(job -> rows.add(answers.jobRow(job)));
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.add("jobs", rows);
    if (page.size() > limit) {
      answer.addProperty("nextPageToken", page.get(limit - 1).jobId());
    }
    return answer;
  }
}
