package dev.csvimport.complete;

import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.JobStore;
import java.util.Optional;

/**
 * Ends a job when its fan-out is complete and every chunk is applied: writes its results file and,
 * when rows failed, its failed-rows file, then makes it FINISHED with its counts, and logs them
 * with the job's billable operations ({@link JobStore#operations}). Ends a cancelled job the same
 * way, with the files of what it applied. Any number of callers may try at once; a job ends exactly
 * once.
 */
public final class JobCompletion {

  private static final Log LOG = Log.of(JobCompletion.class);

  private final JobStore jobs;
  private final PartitionStore partitions;
  private final ResultsFile resultsFile;
  private final FailedRowsFile failedRowsFile;

  public JobCompletion(
      JobStore jobs,
      PartitionStore partitions,
      ResultsFile resultsFile,
      FailedRowsFile failedRowsFile) {
    this.jobs = jobs;
    this.partitions = partitions;
    this.resultsFile = resultsFile;
    this.failedRowsFile = failedRowsFile;
  }

  /** Finishes the job if it is done, as it stands now. */
  public void tryFinish(String appId, String jobId) throws StoreException {
    Optional<Job> found = jobs.get(appId, jobId);
    if (found.isPresent()) {
      tryFinish(found.get());
    }
  }

  /**
   * Finishes the job if it is done, {@code job} as the caller read it: a copy read before the job
   * ended at worst writes its results file again, since only {@link JobStore#finish} ends it.
   */
  public void tryFinish(Job job) throws StoreException {
    if (!job.state().fansOut() || !job.fanOutComplete()) {
      return;
    }
    String appId = job.appId();
    String jobId = job.jobId();
    PartitionTotals totals = partitions.totals(job);
    if (!totals.allApplied()) {
      return;
    }
    if (totals.rows() != job.rowsRead()
        || totals.successes() + totals.failures() + totals.skipped() != totals.rows()) {
      LOG.error(
          "counts do not add up",
          null,
          "appId",
          appId,
          "jobId",
          jobId,
          "rowsRead",
          job.rowsRead(),
          "rowsApplied",
          totals.rows(),
          "successes",
          totals.successes(),
          "failures",
          totals.failures(),
          "skipped",
          totals.skipped());
    }
    String results = resultsFile.write(job);
    String failedRows = failedRowsFile(job, results, totals.failures());
    if (jobs.finish(
        job, totals.successes(), totals.failures(), totals.skipped(), results, failedRows)) {
      LOG.info(
          "job finished",
          "appId",
          appId,
          "jobId",
          jobId,
          "rows",
          totals.rows(),
          "successesCount",
          totals.successes(),
          "failuresCount",
          totals.failures(),
          "skippedCount",
          totals.skipped(),
          "resultsFile",
          results,
          "failedRowsFile",
          failedRows,
          "dryRun",
          job.dryRun(),
          "operations",
          jobs.operations(job, totals));
    }
  }

  /**
   * Cancels a job that has not ended ({@link JobStore#stop}) and, once no chunk of it is
   * part-applied, ends it CANCELLED with the results file and failed-rows file of what it applied,
   * written before the end so that its notice names them. Should writing them fail, the job stays
   * CANCELLING and the watchdog's next sweep, which cancels CANCELLING jobs again, ends it. Safe to
   * call again at any point: every step is.
   *
   * @return the job as it stands after
   */
  public Job cancel(Job job) throws StoreException {
    JobStore.Stopping stopping = jobs.stop(job);
    Job stopped = stopping.job();
    if (!stopping.mayEnd()) {
      return stopped;
    }
    String results;
    String failedRows;
    try {
      results = resultsFile.write(stopped);
      failedRows = failedRowsFile(stopped, results, stopping.failures());
    } catch (StoreException e) {
      LOG.warn(
          "cancelled job left CANCELLING: its files could not be written; the next sweep ends it",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "error",
          e.getMessage());
      return stopped;
    }
    if (jobs.endCancelled(stopped, results, failedRows)) {
      LOG.info(
          "job cancelled",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "resultsFile",
          results,
          "failedRowsFile",
          failedRows);
    }
    return jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  private String failedRowsFile(Job job, String results, long failures) throws StoreException {
    return failures > 0 ? failedRowsFile.write(job, results) : null;
  }
}
