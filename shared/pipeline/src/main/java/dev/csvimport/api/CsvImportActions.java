package dev.csvimport.api;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.gson.JsonObject;
import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.fanout.NewJobs;
import dev.csvimport.job.Job;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.JobStore;
import java.time.Clock;
import java.util.Base64;

/**
 * The actions of a CSV import: multi with createJob (import an object of one of the app's buckets)
 * and preview (a file's first rows through the engine, before any upload).
 */
public final class CsvImportActions {

  private final AppStore apps;
  private final JobStore jobs;
  private final NewJobs newJobs;
  private final FanOutRequests fanOutRequests;
  private final Storage storage;
  private final Clock clock;

  /**
   * @param storage where the app's buckets are read (multi looks its object up)
   * @param fanOutRequests how an import's fan-out is started
   */
  public CsvImportActions(
      AppStore apps,
      JobStore jobs,
      NewJobs newJobs,
      FanOutRequests fanOutRequests,
      Storage storage,
      Clock clock) {
    this.apps = apps;
    this.jobs = jobs;
    this.newJobs = newJobs;
    this.fanOutRequests = fanOutRequests;
    this.storage = storage;
    this.clock = clock;
  }

  /** multi with createJob: a CSV import of an object in one of the app's buckets. */
  public ApiAnswer createJob(Caller caller, Params params) throws ApiError, StoreException {
    String bucket = params.required("gcsBucket");
    String file = params.required("file");
    String defaultAction = params.defaultAction();
    Delimiter delimiter = params.delimiter();
    String createDisposition = params.createDisposition();
    boolean dryRun = params.dryRun();
    String mapping = params.mapping();
    caller.requireDevelopmentKey("CSV imports");
    if (!apps.owns(caller.appId(), bucket)) {
      throw new ApiError(403, "bucket " + bucket + " does not belong to this app");
    }
    Blob object = storage.get(BlobId.of(bucket, file));
    if (object == null) {
      throw new ApiError(404, "no object " + file + " in bucket " + bucket);
    }
    long generation = object.getGeneration() == null ? 0 : object.getGeneration();
    Job job =
        jobs.createIfAbsent(
            newJobs.forRequest(
                new NewImport(
                    caller.appId(),
                    bucket,
                    file,
                    generation,
                    defaultAction,
                    params.getOr("name", file.substring(file.lastIndexOf('/') + 1)),
                    params.getOr("uploadedBy", "api"),
                    delimiter == null ? null : delimiter.word(),
                    createDisposition,
                    dryRun,
                    mapping),
                params.getOr("requestId", params.callId())));
    try {
      fanOutRequests.request(job.appId(), job.jobId());
    } catch (Exception e) {
      throw new StoreException("the import could not be started: " + e.getMessage(), e);
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("jobId", job.jobId());
    return ApiAnswer.ok(answer);
  }

  /**
   * preview: the first part of a file (base64 in {@code csv}), checked by the engine, before any
   * upload.
   */
  public ApiAnswer preview(Caller caller, Params params) throws ApiError {
    byte[] csv;
    try {
      csv = Base64.getDecoder().decode(params.required("csv"));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "csv must be the file's first bytes in base64");
    }
    if (csv.length > FilePreview.MAX_BYTES) {
      throw new ApiError(
          413,
          "preview takes at most the first " + FilePreview.MAX_BYTES / 1024 + " KiB of a file");
    }
    return ApiAnswer.ok(
        FilePreview.answer(
            csv,
            params.flag("partial"),
            params.defaultAction(),
            params.delimiter(),
            ColumnMapping.fromJson(params.mapping()),
            clock.instant()));
  }
}
