package dev.csvimport.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.complete.FailedRowsFile;
import dev.csvimport.complete.JobCompletion;
import dev.csvimport.complete.ResultsFile;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.JobStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The actions on jobs: getMultiResults, listJobs, results, failedRows and cancelJob. */
public final class JobActions {

  /** Bytes of a failed-rows file per part of the failedRows action. */
  static final int FAILED_ROWS_PART_BYTES = 1 << 20;

  /** Lines of a results file per page of the results action. */
  private static final int MAX_RESULT_LINES = 500;

  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 1000;

  private final JobStore jobs;
  private final PartitionStore partitions;
  private final ResultsFile resultsFile;
  private final FailedRowsFile failedRowsFile;
  private final JobCompletion completion;
  private final Answers answers;

  public JobActions(
      JobStore jobs,
      PartitionStore partitions,
      ResultsFile resultsFile,
      FailedRowsFile failedRowsFile,
      JobCompletion completion,
      Answers answers) {
    this.jobs = jobs;
    this.completion = completion;
    this.partitions = partitions;
    this.resultsFile = resultsFile;
    this.failedRowsFile = failedRowsFile;
    this.answers = answers;
  }

  /** getMultiResults: one job, named by its id or (its newest job) by its file. */
  public ApiAnswer multiResults(Caller caller, Params params) throws ApiError, StoreException {
    String jobId = params.get("jobId");
    Optional<Job> job;
    if (jobId != null) {
      job = jobs.get(caller.appId(), jobId);
    } else {
      String file = params.get("file");
      if (file == null) {
        throw new ApiError(400, "missing parameter jobId (or file)");
      }
      job = jobs.newestOf(caller.appId(), file);
    }
    Job found = job.orElseThrow(() -> new ApiError(404, "job not found"));
    return ApiAnswer.ok(answers.multiResults(found, totalsOf(List.of(found)).get(0)));
  }

  /**
   * cancelJob: stops a job that has not ended at a chunk boundary (development key); answers it as
   * getMultiResults does, CANCELLED with the counts and the results files of what was applied (or
   * CANCELLING while a chunk applied in slices is finished, or its files could not be written). A
   * job that ended first, before or during the call, is a 409 that says how it ended.
   */
  public ApiAnswer cancel(Caller caller, Params params) throws ApiError, StoreException {
    caller.requireDevelopmentKey("cancels");
    String jobId = params.required("jobId");
    Job job = jobs.get(caller.appId(), jobId).orElseThrow(() -> new ApiError(404, "job not found"));
    Job after = job.state().ended() ? job : completion.cancel(job);
    if (job.state().ended()
        || (after.state() != JobState.CANCELLED && after.state() != JobState.CANCELLING)) {
      throw new ApiError(
          409,
          "job "
              + jobId
              + " already ended "
              + after.state().name()
              + (job.state().ended() ? "" : " before the cancel")
              + ": there is nothing to cancel");
    }
    return ApiAnswer.ok(answers.multiResults(after, totalsOf(List.of(after)).get(0)));
  }

  /**
   * listJobs: a page of the app's jobs, newest first, each with its state and its reason or
   * progress, so that one call refreshes the uploads list.
   */
  public ApiAnswer listJobs(Caller caller, Params params) throws ApiError, StoreException {
    int limit = params.wholeNumber("limit", DEFAULT_PAGE, 1, MAX_PAGE);
    List<Job> found = jobs.list(caller.appId(), limit + 1, params.get("pageToken"));
    List<Job> page = found.subList(0, Math.min(limit, found.size()));
    List<PartitionTotals> totals = totalsOf(page);
    JsonArray rows = new JsonArray();
    for (int i = 0; i < page.size(); i++) {
      rows.add(answers.jobRow(page.get(i), totals.get(i)));
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.add("jobs", rows);
    if (found.size() > limit) {
      answer.addProperty("nextPageToken", page.get(limit - 1).jobId());
    }
    return ApiAnswer.ok(answer);
  }

  /** Each job's progress: read from its partitions while it runs, none once it ended. */
  private List<PartitionTotals> totalsOf(List<Job> page) throws StoreException {
    List<Job> unended = page.stream().filter(job -> !job.state().ended()).toList();
    List<PartitionTotals> read = partitions.totals(unended);
    List<PartitionTotals> totals = new ArrayList<>();
    int next = 0;
    for (Job job : page) {
      totals.add(job.state().ended() ? PartitionTotals.NONE : read.get(next++));
    }
    return totals;
  }

  /** results: a page of a finished job's results file, from line {@code offset} on. */
  public ApiAnswer results(Caller caller, Params params) throws ApiError, StoreException {
    Job job =
        jobs.get(caller.appId(), params.required("jobId"))
            .orElseThrow(() -> new ApiError(404, "job not found"));
    if (job.resultsFile() == null) {
      throw new ApiError(409, "the job has no results file yet: it is " + job.state());
    }
    int offset = params.wholeNumber("offset", 0, 0, Integer.MAX_VALUE);
    int limit = params.wholeNumber("limit", 100, 1, MAX_RESULT_LINES);
    ResultsFile.Page page = resultsFile.page(job, offset, limit);
    JsonArray lines = new JsonArray();
    page.lines().forEach(line -> lines.add(JsonParser.parseString(line)));
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("jobId", job.jobId());
    answer.add("lines", lines);
    if (page.nextOffset() >= 0) {
      answer.addProperty("nextOffset", page.nextOffset());
    }
    return ApiAnswer.ok(answer);
  }

  /**
   * failedRows: a part of a finished job's failed-rows CSV, from byte {@code offset} on, in base64:
   * the page joins the parts into the file, whatever its size, without a signed URL.
   */
  public ApiAnswer failedRows(Caller caller, Params params) throws ApiError, StoreException {
    Job job =
        jobs.get(caller.appId(), params.required("jobId"))
            .orElseThrow(() -> new ApiError(404, "job not found"));
    if (job.failedRowsFile() == null) {
      throw new ApiError(
          409,
          job.resultsFile() == null
              ? "the job has no failed-rows file: it is " + job.state()
              : "the job has no failed-rows file: no row failed, or its file was gone when it"
                  + " finished");
    }
    int offset = params.wholeNumber("offset", 0, 0, Integer.MAX_VALUE);
    FailedRowsFile.Part part = failedRowsFile.read(job, offset, FAILED_ROWS_PART_BYTES);
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("jobId", job.jobId());
    answer.addProperty("fileName", job.jobId() + "-failed.csv");
    answer.addProperty("bytes", Base64.getEncoder().encodeToString(part.bytes()));
    if (part.nextOffset() >= 0) {
      answer.addProperty("nextOffset", part.nextOffset());
    }
    return ApiAnswer.ok(answer);
  }
}
