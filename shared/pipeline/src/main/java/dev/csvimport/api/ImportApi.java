package dev.csvimport.api;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.fanout.NewJobs;
import dev.csvimport.job.Job;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.ProfileStore;
import dev.csvimport.store.StoreException;
import java.util.List;
import java.util.Optional;

/**
 * The API's actions, Leanplum-compatible: getMultiResults, multi (a CSV import), exportUser, and listJobs. Every call
 * names its app and one of the app's keys; nothing of another app is ever read or started.
 */
public final class ImportApi {

  public static final String API_VERSION = "1.0.6";
  public static final List<String> ACTIONS = List.of("getMultiResults", "multi", "exportUser", "listJobs");
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

  /**
   * @param storage where the app's buckets are read (multi looks its object up)
   * @param fanOutRequests how a multi import's fan-out is started
   */
  public ImportApi(AppStore apps, JobStore jobs, ProfileStore profiles, NewJobs newJobs,
      FanOutRequests fanOutRequests, Storage storage, Answers answers) {
    this.apps = apps;
    this.jobs = jobs;
    this.profiles = profiles;
    this.newJobs = newJobs;
    this.fanOutRequests = fanOutRequests;
    this.storage = storage;
    this.answers = answers;
  }

  /** Answers a call; errors a caller can fix are answers too, with their status. */
  public ApiAnswer handle(ApiRequest request) throws StoreException {
    try {
      return ApiAnswer.ok(dispatch(request));
    } catch (ApiError e) {
      return ApiAnswer.error(e.status(), e.getMessage());
    }
  }

  private JsonObject dispatch(ApiRequest request) throws ApiError, StoreException {
    String action = request.required("action");
    if (!ACTIONS.contains(action)) {
      throw new ApiError(400, "unknown action '" + action + "': the supported actions are "
          + String.join(", ", ACTIONS));
    }
    String version = request.parameter("apiVersion");
    if (version != null && !version.equals(API_VERSION)) {
      throw new ApiError(400, "unsupported apiVersion '" + version + "': use " + API_VERSION);
    }
    String appId = request.required("appId");
    String clientKey = request.required("clientKey");
    AppStore.KeyKind key = apps.authenticate(appId, clientKey)
        .orElseThrow(() -> new ApiError(401, INVALID_KEY));
    switch (action) {
      case "getMultiResults":
        return multiResults(appId, request);
      case "multi":
        return multi(appId, key, request);
      case "exportUser":
        return exportUser(appId, request.required("userId"));
      default:
        return listJobs(appId, request);
    }
  }

  private JsonObject multiResults(String appId, ApiRequest request) throws ApiError, StoreException {
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
    JobStore.Totals totals = found.state().ended() ? new JobStore.Totals(0, 0, 0, true) : jobs.totals(found);
    return answers.multiResults(found, totals);
  }

  private JsonObject multi(String appId, AppStore.KeyKind key, ApiRequest request) throws ApiError, StoreException {
    if (!"true".equalsIgnoreCase(request.parameter("createJob"))) {
      throw new ApiError(400, "only CSV imports are supported here: send createJob=true with gcsBucket, file and"
          + " defaultAction");
    }
    String bucket = request.required("gcsBucket");
    String file = request.required("file");
    String defaultAction = request.parameter("defaultAction");
    if (defaultAction != null && Action.fromApiName(defaultAction).isEmpty()) {
      throw new ApiError(400, "unknown defaultAction '" + defaultAction + "': use " + Action.supportedNames());
    }
    if (key != AppStore.KeyKind.DEVELOPMENT) {
      throw new ApiError(403, "CSV imports need the app's development key; this is its production key");
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
    String name = Optional.ofNullable(request.parameter("name")).orElse(file.substring(file.lastIndexOf('/') + 1));
    Job job = jobs.createIfAbsent(newJobs.forRequest(new NewImport(appId, bucket, file, generation, defaultAction,
        name, Optional.ofNullable(request.parameter("uploadedBy")).orElse("api")), request.requestId()));
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

  private JsonObject exportUser(String appId, String userId) throws ApiError, StoreException {
    Profile profile = profiles.profile(appId, userId)
        .orElseThrow(() -> new ApiError(404, "user not found"));
    return answers.exportUser(profile, profiles.devices(appId, userId));
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
