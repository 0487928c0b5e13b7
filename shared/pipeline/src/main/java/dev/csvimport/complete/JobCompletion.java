package dev.csvimport.complete;

import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.StoreException;
import java.util.Optional;

/**
 * Ends a job when its fan-out is complete and every chunk is applied: writes its results file, then
 * makes it FINISHED with its counts, and logs them with the job's billable operations ({@link
 * JobStore#operations}). Any number of callers may try at once; the job finishes exactly once.
 */
public final class JobCompletion {

  private static final Log LOG = Log.of(JobCompletion.class);

  private final JobStore jobs;
  private final ResultsFile resultsFile;

  public JobCompletion(JobStore jobs, ResultsFile resultsFile) {
    this.jobs = jobs;
    this.resultsFile = resultsFile;
  }

  public void tryFinish(String appId, String jobId) throws StoreException {
    Optional<Job> found = jobs.get(appId, jobId);
    if (found.isEmpty() || found.get().state().ended() || !found.get().fanOutComplete()) {
      return;
    }
    Job job = found.get();
    JobStore.Totals totals = jobs.totals(job);
    if (!totals.allApplied()) {
      return;
    }
    if (totals.rows() != job.rowsRead()
        || totals.successes() + totals.failures() != totals.rows()) {
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
          totals.failures());
    }
    String results = resultsFile.write(job);
    if (jobs.finish(job, totals.successes(), totals.failures(), results)) {
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
          "resultsFile",
          results,
          "operations",
          jobs.operations(job, totals));
    }
  }
}
