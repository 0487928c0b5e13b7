package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.QuerySnapshot;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.log.Log;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.ports.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Jobs in Firestore, and the rules of their state: each change is a transaction that checks where
 * the job stands. The transaction that ends a job also makes its notice due ({@link NoticeStore}):
 * an end is never left untold, whatever stops after it.
 */
public final class JobStore {

  /** A job's reason is read by people and stored in its document: bounded, whatever it quotes. */
  private static final int MAX_REASON_CHARS = 2000;

  /** Told of each job this store ended, right after the transaction that ended it. */
  @FunctionalInterface
  public interface EndListener {
    void ended(Job job) throws Exception;
  }

  private static final Log LOG = Log.of(JobStore.class);

  private final FirestoreLayout layout;
  private final Clock clock;
  private volatile EndListener endListener = job -> {};

  public JobStore(FirestoreLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  /**
   * {@code listener} is told of each job this store ends from now on (the notices, sent at once):
   * best effort, as the notice the ending transaction made due is sent by the next sweep anyway.
   */
  public void onEnd(EndListener listener) {
    this.endListener = listener;
  }

  private void ended(Job job) {
    try {
      endListener.ended(job);
    } catch (Exception | LinkageError e) {
      LOG.warn(
          "job end not told at once: the next sweep tells it",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "error",
          String.valueOf(e));
    }
  }

  public Optional<Job> get(String appId, String jobId) throws StoreException {
    DocumentSnapshot snapshot = StoreException.await(layout.job(appId, jobId).get());
    return snapshot.exists() ? Optional.of(JobDocuments.job(snapshot)) : Optional.empty();
  }

  /** Creates {@code job} unless a job with its id exists; answers the job as stored. */
  public Job createIfAbsent(Job job) throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    return StoreException.await(
        layout
            .db()
            .runTransaction(
                tx -> {
                  DocumentSnapshot existing = tx.get(ref).get();
                  if (existing.exists()) {
                    return JobDocuments.job(existing);
                  }
                  tx.create(ref, JobDocuments.of(job));
                  return job;
                }));
  }

  /**
   * The file was read whole and found importable: the job runs, with the limits its chunks are cut
   * by from now on, partitions sized for its rows, recorded so that every later invocation cuts the
   * same chunks.
   */
  public Job markChecked(Job job, ChunkLimits limits, long rowsInFile) throws StoreException {
    // A job cancelled while its file was checked stays cancelled.
    updateIf(
        job,
        state -> state == JobState.PENDING,
        Map.of(
            "checked",
            true,
            "state",
            JobState.RUNNING.name(),
            "startedAt",
            now(),
            "limits",
            JobDocuments.limits(limits),
            "rowsInFile",
            rowsInFile));
    return get(job.appId(), job.jobId()).orElseThrow();
  }

  /** The job's last attempt failed and will be retried: say why, for getMultiResults. */
  public void noteWaiting(Job job, String reason) throws StoreException {
    update(job, Map.of("waiting", Excerpt.of(reason, MAX_REASON_CHARS)));
  }

  /**
   * Since when the job's progress has stood at {@code mark} (rows read, segments published, rows
   * applied): the time it was last seen different, or {@code now} when it differs now. The
   * watchdog's measure of a job without progress.
   */
  public Instant progressSince(Job job, String mark, Instant now) throws StoreException {
    DocumentSnapshot doc = StoreException.await(layout.job(job.appId(), job.jobId()).get());
    Timestamp since = doc.getTimestamp("progressAt");
    if (mark.equals(doc.getString("progressMark")) && since != null) {
      return FirestoreValues.instant(since);
    }
    update(job, Map.of("progressMark", mark, "progressAt", timestamp(now)));
    return now;
  }

  /**
   * Jobs of every app that have not ended, oldest first, after the job {@code after} when given:
   * what the watchdog looks at. (A collection-group query on {@code state}: Terraform enables its
   * index.)
   */
  public List<Job> unended(int limit, Job after) throws StoreException {
    Query query =
        layout
            .db()
            .collectionGroup("jobs")
            .whereIn(
                "state",
                List.of(
                    JobState.PENDING.name(), JobState.RUNNING.name(), JobState.CANCELLING.name()))
            .orderBy("createdAt")
            .orderBy("jobId")
            .limit(limit);
    if (after != null) {
      query = query.startAfter(timestamp(after.createdAt()), after.jobId());
    }
    List<Job> found = new ArrayList<>();
    for (QueryDocumentSnapshot doc : StoreException.await(query.get()).getDocuments()) {
      found.add(JobDocuments.job(doc));
    }
    return found;
  }

  /** Every chunk is published; the job ends when they are all applied. */
  public void completeFanOut(Job job, int[] chunksPerPartition, long rows, int segments)
      throws StoreException {
    List<Long> counts = new ArrayList<>();
    for (int count : chunksPerPartition) {
      counts.add((long) count);
    }
    Map<String, Object> fields = new HashMap<>();
    fields.put("chunksPerPartition", counts);
    fields.put("rowsRead", rows);
    fields.put("segmentsPublished", segments);
    fields.put("waiting", null);
    update(job, fields);
  }

  /** The job failed as a whole, unless it already ended. */
  public void fail(Job job, String reason) throws StoreException {
    boolean failed =
        updateIf(
            job,
            state -> state.mayBecome(JobState.FAILED),
            Map.of(
                "state",
                JobState.FAILED.name(),
                "failure",
                Excerpt.of(reason, MAX_REASON_CHARS),
                "finishedAt",
                now(),
                JobDocuments.NOTICE_DUE,
                now()));
    if (failed) {
      ended(job);
    }
  }

  /**
   * Ends a running job as FINISHED with its counts and files ({@code failedRowsFile} null when it
   * has none); answers false when it had already ended, so it finishes exactly once.
   */
  public boolean finish(
      Job job,
      long successes,
      long failures,
      long skipped,
      String resultsFile,
      String failedRowsFile)
      throws StoreException {
    Map<String, Object> finished = new HashMap<>();
    finished.put("state", JobState.FINISHED.name());
    finished.put("successesCount", successes);
    finished.put("failuresCount", failures);
    finished.put("skippedCount", skipped);
    finished.put("resultsFile", resultsFile);
    finished.put("failedRowsFile", failedRowsFile);
    finished.put("finishedAt", now());
    finished.put(JobDocuments.NOTICE_DUE, now());
    boolean done = updateIf(job, state -> state.mayBecome(JobState.FINISHED), finished);
    if (done) {
      ended(job);
    }
    return done;
  }

  /**
   * What a cancel's first step left: the job as it stands, whether it may end CANCELLED now (no
   * chunk is part-applied) and how many rows of what it applied failed.
   */
  public record Stopping(Job job, boolean mayEnd, long failures) {}

  /**
   * The first step of a cancel: stops a job that has not ended, in one transaction with its
   * partitions' cursors ({@link FirestorePartitions#stop}), so that from its commit on no chunk is
   * applied but the rest of one part-applied. The job is CANCELLING until {@link #endCancelled}
   * ends it with its files; its fan-out lease is cleared, so a fan-out at work stops at its next
   * renewal. A job that has ended is left as it is: a cancel racing the job's end either wins, or
   * loses and changes nothing. Stopping again is harmless.
   */
  public Stopping stop(Job job) throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    FirestorePartitions.Stopped stopped =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      Job current = JobDocuments.job(tx.get(ref).get());
                      if (current.state().ended()) {
                        return null;
                      }
                      FirestorePartitions.Stopped found =
                          FirestorePartitions.stop(layout, tx, current);
                      Map<String, Object> fields = new HashMap<>();
                      fields.put(JobDocuments.LEASE_OWNER, null);
                      fields.put(JobDocuments.LEASE_UNTIL, null);
                      fields.put("waiting", null);
                      fields.put("state", JobState.CANCELLING.name());
                      tx.update(ref, fields);
                      return found;
                    }));
    Job after = get(job.appId(), job.jobId()).orElseThrow();
    return stopped == null
        ? new Stopping(after, false, 0)
        : new Stopping(after, !stopped.chunkInProgress(), stopped.totals().failures());
  }

  /**
   * The last step of a cancel: ends a CANCELLING job in which no chunk is part-applied as
   * CANCELLED, with the counts of what its partitions applied and its files ({@code failedRowsFile}
   * null when it has none); answers false when it was not CANCELLING, so it ends exactly once.
   */
  public boolean endCancelled(Job job, String resultsFile, String failedRowsFile)
      throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    boolean ended =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      Job current = JobDocuments.job(tx.get(ref).get());
                      if (current.state() != JobState.CANCELLING) {
                        return false;
                      }
                      FirestorePartitions.Stopped stopped =
                          FirestorePartitions.stop(layout, tx, current);
                      if (stopped.chunkInProgress()) {
                        return false;
                      }
                      Map<String, Object> fields = new HashMap<>();
                      fields.put("state", JobState.CANCELLED.name());
                      fields.put("successesCount", stopped.totals().successes());
                      fields.put("failuresCount", stopped.totals().failures());
                      fields.put("skippedCount", stopped.totals().skipped());
                      fields.put("resultsFile", resultsFile);
                      fields.put("failedRowsFile", failedRowsFile);
                      fields.put("finishedAt", now());
                      fields.put(JobDocuments.NOTICE_DUE, now());
                      tx.update(ref, fields);
                      return true;
                    }));
    if (ended) {
      ended(job);
    }
    return ended;
  }

  /** What one fan-out invocation did that is billed, added to the job's {@code fanOutOps}. */
  public void countFanOut(Job job, Map<String, Long> operations) throws StoreException {
    Map<String, Object> increments = new HashMap<>();
    operations.forEach(
        (name, count) -> increments.put("fanOutOps." + name, FieldValue.increment(count)));
    update(job, increments);
  }

  /**
   * The job's billable operations so far: the fan-out's ({@code fanOut.*}: invocations, millis,
   * Pub/Sub messages and bytes, job-document reads and writes) and, from its partitions' {@code
   * totals}, the applying transactions' ({@code apply.*}).
   */
  public Map<String, Long> operations(Job job, PartitionTotals totals) throws StoreException {
    Map<String, Long> operations = new TreeMap<>();
    Object fanOut =
        StoreException.await(layout.job(job.appId(), job.jobId()).get()).get("fanOutOps");
    if (fanOut instanceof Map<?, ?> map) {
      map.forEach((name, count) -> operations.put("fanOut." + name, ((Number) count).longValue()));
    }
    totals.operations().forEach((name, count) -> operations.put("apply." + name, count));
    return operations;
  }

  /** The app's jobs, newest first, after the job {@code afterJobId} when given. */
  public List<Job> list(String appId, int limit, String afterJobId) throws StoreException {
    Query query =
        layout
            .jobs(appId)
            .orderBy("createdAt", Query.Direction.DESCENDING)
            .orderBy("jobId", Query.Direction.DESCENDING)
            .limit(limit);
    if (afterJobId != null) {
      DocumentSnapshot after = StoreException.await(layout.job(appId, afterJobId).get());
      if (!after.exists()) {
        return List.of();
      }
      query = query.startAfter(after);
    }
    List<Job> jobs = new ArrayList<>();
    for (QueryDocumentSnapshot doc : StoreException.await(query.get()).getDocuments()) {
      jobs.add(JobDocuments.job(doc));
    }
    return jobs;
  }

  /** The newest job of an object in the app, if any. */
  public Optional<Job> newestOf(String appId, String object) throws StoreException {
    QuerySnapshot found =
        StoreException.await(layout.jobs(appId).whereEqualTo("object", object).get());
    return found.getDocuments().stream()
        .map(JobDocuments::job)
        .max((a, b) -> a.createdAt().compareTo(b.createdAt()));
  }

  /**
   * Writes {@code fields} to the job in one transaction that passes only while its stored state is
   * {@code allowed}: the way every state change checks where the job stands. Answers whether it
   * wrote.
   */
  private boolean updateIf(Job job, Predicate<JobState> allowed, Map<String, Object> fields)
      throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    return StoreException.await(
        layout
            .db()
            .runTransaction(
                tx -> {
                  if (!allowed.test(JobState.valueOf(tx.get(ref).get().getString("state")))) {
                    return false;
                  }
                  tx.update(ref, fields);
                  return true;
                }));
  }

  private void update(Job job, Map<String, Object> fields) throws StoreException {
    StoreException.await(layout.job(job.appId(), job.jobId()).update(fields));
  }

  private Timestamp now() {
    return timestamp(clock.instant());
  }
}
