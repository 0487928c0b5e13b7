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
 * with the job's billable operations ({@link JobStore#operations}). Any number of callers may try
 * at once; the job finishes exactly once.
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
    if (job.state().ended() || !job.fanOutComplete()) {
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
    String failedRows = totals.failures() > 0 ? failedRowsFile.write(job, results) : null;
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
}
