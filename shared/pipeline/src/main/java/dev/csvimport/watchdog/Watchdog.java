package dev.csvimport.watchdog;

import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.complete.JobCompletion;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.log.Log;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Finds jobs that stopped moving and moves or ends them, so that no job stays PENDING or RUNNING
 * for ever whatever crashed: run every few minutes (Cloud Scheduler on Google Cloud, a timer in the
 * local runner).
 *
 * <ul>
 *   <li>a fan-out that no invocation holds (its lease expired or was released) and that is older
 *       than the stall time is asked for again on the fan-out topic; it resumes at its checkpoint;
 *   <li>a complete fan-out's partitions get the chunks parked at their cursors applied, and the job
 *       finished if every chunk is applied;
 *   <li>a job whose progress (rows read, segments published, rows applied) has not moved for the
 *       stuck time is logged as {@code job without progress}, each sweep until it moves or ends:
 *       what the stuck-jobs alert counts;
 *   <li>a job older than the deadline is FAILED with how far it got: rows applied stay applied, and
 *       the reason says to import the file again.
 * </ul>
 *
 * Every action is one the pipeline itself takes under retries, so the watchdog running twice at
 * once is harmless.
 */
public final class Watchdog {

  /** What one sweep did. */
  public record Sweep(
      int jobsSeen, int fanOutsResumed, int partitionsDrained, int jobsFailed, int jobsStuck) {}

  /**
   * The message of the stuck-jobs log line, which a log-based metric counts
   * (terraform/monitoring.tf).
   */
  public static final String STUCK = "job without progress";

  private static final Log LOG = Log.of(Watchdog.class);
  private static final int PAGE = 200;

  private final JobStore jobs;
  private final PartitionStore partitions;
  private final ChunkApplier applier;
  private final JobCompletion completion;
  private final FanOutRequests fanOutRequests;
  private final Duration stallAfter;
  private final Duration stuckAfter;
  private final Duration deadline;
  private final Clock clock;

  /**
   * @param stallAfter how long a fan-out may go without an invocation holding it before it is asked
   *     for again
   * @param stuckAfter how long a job may go without progress before it is logged as stuck
   * @param deadline how long a job may take in all before it is failed
   */
  public Watchdog(
      JobStore jobs,
      PartitionStore partitions,
      ChunkApplier applier,
      JobCompletion completion,
      FanOutRequests fanOutRequests,
      Duration stallAfter,
      Duration stuckAfter,
      Duration deadline,
      Clock clock) {
    this.jobs = jobs;
    this.partitions = partitions;
    this.applier = applier;
    this.completion = completion;
    this.fanOutRequests = fanOutRequests;
    this.stallAfter = stallAfter;
    this.stuckAfter = stuckAfter;
    this.deadline = deadline;
    this.clock = clock;
  }

  public Sweep sweep() throws Exception {
    Instant now = clock.instant();
    int seen = 0;
    int resumed = 0;
    int drained = 0;
    int failed = 0;
    int stuck = 0;
    Job after = null;
    while (true) {
      List<Job> page = jobs.unended(PAGE, after);
      for (Job job : page) {
        seen++;
        if (job.state() == JobState.CANCELLING) {
          // Ends it CANCELLED once no chunk is part-applied, whoever finished that chunk, and
          // writes its files if the cancel that stopped it did not.
          completion.cancel(job);
        } else if (job.createdAt().plus(deadline).isBefore(now)) {
          failPastDeadline(job);
          failed++;
        } else if (!job.fanOutComplete()) {
          if (fanOutStalled(job, now)) {
            LOG.warn(
                "fan-out stalled: asking for it again",
                "appId",
                job.appId(),
                "jobId",
                job.jobId(),
                "segmentsPublished",
                job.segmentsPublished());
            fanOutRequests.request(job.appId(), job.jobId());
            resumed++;
          }
        } else {
          drained += drainPartitions(job);
          completion.tryFinish(job.appId(), job.jobId());
        }
        if (!job.createdAt().plus(deadline).isBefore(now) && withoutProgress(job, now)) {
          stuck++;
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      after = page.get(page.size() - 1);
    }
    Sweep sweep = new Sweep(seen, resumed, drained, failed, stuck);
    LOG.info(
        "watchdog sweep",
        "jobsSeen",
        seen,
        "fanOutsResumed",
        resumed,
        "partitionsDrained",
        drained,
        "jobsFailed",
        failed,
        "jobsStuck",
        stuck);
    return sweep;
  }

  /** Whether the job's progress has stood still for the stuck time; logs it when so. */
  private boolean withoutProgress(Job job, Instant now) throws StoreException {
    Job current = jobs.get(job.appId(), job.jobId()).orElse(job);
    if (current.state().ended()) {
      return false;
    }
    long applied = current.fanOutComplete() ? partitions.totals(current).rows() : 0;
    String mark = current.rowsRead() + "/" + current.segmentsPublished() + "/" + applied;
    Instant since = jobs.progressSince(current, mark, now);
    if (since.plus(stuckAfter).isAfter(now)) {
      return false;
    }
    LOG.warn(
        STUCK,
        "appId",
        current.appId(),
        "jobId",
        current.jobId(),
        "state",
        current.state().name(),
        "minutesWithoutProgress",
        Duration.between(since, now).toMinutes(),
        "rowsRead",
        current.rowsRead(),
        "rowsApplied",
        applied,
        "waiting",
        current.waiting());
    return true;
  }

  /**
   * A lease that ran out without being given back is an invocation that died holding the fan-out (a
   * live one renews it, one that ends gives it back): take over at once. With no lease, the fan-out
   * waits for its first invocation or a follow-up already asked for, and is asked for again only
   * once that had the stall time to come.
   */
  private boolean fanOutStalled(Job job, Instant now) {
    if (job.leaseUntil() != null) {
      return !job.leaseUntil().isAfter(now);
    }
    return job.createdAt().plus(stallAfter).isBefore(now);
  }

  private int drainPartitions(Job job) throws StoreException {
    int drained = 0;
    for (int p = 0; p < job.chunksPerPartition().size(); p++) {
      if (applier.drain(job, p)) {
        LOG.warn(
            "partition had parked chunks at its cursor: applied them",
            "appId",
            job.appId(),
            "jobId",
            job.jobId(),
            "partition",
            p);
        drained++;
      }
    }
    return drained;
  }

  private void failPastDeadline(Job job) throws StoreException {
    PartitionTotals totals = partitions.totals(job);
    String reason =
        "the import did not finish within "
            + deadline.toHours()
            + " hours ("
            + totals.rows()
            + " of "
            + (job.fanOutComplete()
                ? job.rowsRead() + " rows"
                : "at least " + job.rowsRead() + " rows read")
            + " applied or failed"
            + (job.waiting() == null ? "" : "; last problem: " + job.waiting())
            + "); rows already applied stay applied: import the file again to apply the rest";
    jobs.fail(job, reason);
    LOG.error(
        "job failed by the watchdog: " + reason, null, "appId", job.appId(), "jobId", job.jobId());
  }
}
