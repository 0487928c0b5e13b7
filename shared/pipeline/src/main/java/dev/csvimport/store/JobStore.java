package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.instant;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jobs in Firestore, and the rules of their state: each change is a transaction that checks where
 * the job stands.
 */
public final class JobStore {

  /** A job's reason is read by people and stored in its document: bounded, whatever it quotes. */
  private static final int MAX_REASON_CHARS = 2000;

  private final FirestoreLayout layout;
  private final Clock clock;

  public JobStore(FirestoreLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  public Optional<Job> get(String appId, String jobId) throws StoreException {
    DocumentSnapshot snapshot = StoreException.await(layout.job(appId, jobId).get());
    return snapshot.exists() ? Optional.of(fromDocument(snapshot)) : Optional.empty();
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
                    return fromDocument(existing);
                  }
                  tx.create(ref, toDocument(job));
                  return job;
                }));
  }

  /**
   * A transaction on the job's lease, as billed: each attempt read the job document once (a retry
   * on contention is one more), and it wrote the document once if {@code wrote}.
   *
   * @param wrote for taking the lease, whether it was taken; for giving it back, whether it was
   *     this owner's to give
   */
  public record LeaseTransaction(boolean wrote, int attempts) {}

  /**
   * Takes the right to fan the job out until {@code duration} from now, unless another owner holds
   * it. The same owner (a redelivered event) takes it back at once.
   */
  public LeaseTransaction acquireLease(Job job, String owner, Duration duration)
      throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    Instant now = clock.instant();
    AtomicInteger attempts = new AtomicInteger();
    boolean taken =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      attempts.incrementAndGet();
                      DocumentSnapshot current = tx.get(ref).get();
                      String holder = current.getString("leaseOwner");
                      Instant until = instant(current.getTimestamp("leaseUntil"));
                      if (holder != null
                          && !holder.equals(owner)
                          && until != null
                          && until.isAfter(now)) {
                        return false;
                      }
                      tx.update(
                          ref,
                          Map.of("leaseOwner", owner, "leaseUntil", timestamp(now.plus(duration))));
                      return true;
                    }));
    return new LeaseTransaction(taken, attempts.get());
  }

  /** Gives the job's lease back if {@code owner} holds it. */
  public LeaseTransaction releaseLease(Job job, String owner) throws StoreException {
    return ifOwner(
        job,
        owner,
        () -> {
          Map<String, Object> cleared = new HashMap<>();
          cleared.put("leaseOwner", null);
          cleared.put("leaseUntil", null);
          return cleared;
        });
  }

  /**
   * The file was read whole and found importable: the job runs, with the limits its chunks are cut
   * by from now on, partitions sized for its rows, recorded so that every later invocation cuts the
   * same chunks.
   */
  public Job markChecked(Job job, ChunkLimits limits, long rowsInFile) throws StoreException {
    update(
        job,
        Map.of(
            "checked",
            true,
            "state",
            JobState.RUNNING.name(),
            "startedAt",
            now(),
            "limits",
            limitsDocument(limits),
            "rowsInFile",
            rowsInFile));
    return get(job.appId(), job.jobId()).orElseThrow();
  }

  /**
   * Extends {@code owner}'s lease to {@code duration} from now: a live fan-out's heartbeat. False,
   * changing nothing, when the lease is no longer {@code owner}'s (it ran out and another
   * invocation took the job over).
   */
  public LeaseTransaction renewLease(Job job, String owner, Duration duration)
      throws StoreException {
    return whileLeased(job, owner, duration, Map.of());
  }

  /**
   * Records the fan-out's checkpoint, {@code segments} published and {@code rowsRead}, and extends
   * {@code owner}'s lease, in one transaction that only the lease's holder passes: an invocation
   * that lost the job (presumed dead, then taken over) can never move another's checkpoint.
   *
   * @return whether {@code owner} held the lease, and so wrote the checkpoint
   */
  public LeaseTransaction checkpoint(
      Job job, String owner, int segments, long rowsRead, Duration leaseFor) throws StoreException {
    Map<String, Object> fields = new HashMap<>();
    fields.put("segmentsPublished", segments);
    fields.put("rowsRead", rowsRead);
    fields.put("waiting", null);
    return whileLeased(job, owner, leaseFor, fields);
  }

  private LeaseTransaction whileLeased(
      Job job, String owner, Duration leaseFor, Map<String, Object> fields) throws StoreException {
    return ifOwner(
        job,
        owner,
        () -> {
          Map<String, Object> update = new HashMap<>(fields);
          update.put("leaseUntil", timestamp(clock.instant().plus(leaseFor)));
          return update;
        });
  }

  /**
   * Writes {@code update} to the job in a transaction that passes only while {@code owner} holds
   * its lease.
   */
  private LeaseTransaction ifOwner(
      Job job, String owner, java.util.function.Supplier<Map<String, Object>> update)
      throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    AtomicInteger attempts = new AtomicInteger();
    boolean held =
        StoreException.await(
            layout
                .db()
                .runTransaction(
                    tx -> {
                      attempts.incrementAndGet();
                      if (!owner.equals(tx.get(ref).get().getString("leaseOwner"))) {
                        return false;
                      }
                      tx.update(ref, update.get());
                      return true;
                    }));
    return new LeaseTransaction(held, attempts.get());
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
            .whereIn("state", List.of(JobState.PENDING.name(), JobState.RUNNING.name()))
            .orderBy("createdAt")
            .orderBy("jobId")
            .limit(limit);
    if (after != null) {
      query = query.startAfter(timestamp(after.createdAt()), after.jobId());
    }
    List<Job> found = new ArrayList<>();
    for (QueryDocumentSnapshot doc : StoreException.await(query.get()).getDocuments()) {
      found.add(fromDocument(doc));
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
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    StoreException.await(
        layout
            .db()
            .runTransaction(
                tx -> {
                  if (!JobState.valueOf(tx.get(ref).get().getString("state")).ended()) {
                    tx.update(
                        ref,
                        Map.of(
                            "state",
                            JobState.FAILED.name(),
                            "failure",
                            Excerpt.of(reason, MAX_REASON_CHARS),
                            "finishedAt",
                            now()));
                  }
                  return null;
                }));
  }

  /**
   * Ends a running job as FINISHED; answers false when it had already ended, so it finishes exactly
   * once.
   */
  public boolean finish(Job job, long successes, long failures, String resultsFile)
      throws StoreException {
    DocumentReference ref = layout.job(job.appId(), job.jobId());
    return StoreException.await(
        layout
            .db()
            .runTransaction(
                tx -> {
                  if (JobState.valueOf(tx.get(ref).get().getString("state")).ended()) {
                    return false;
                  }
                  tx.update(
                      ref,
                      Map.of(
                          "state",
                          JobState.FINISHED.name(),
                          "successesCount",
                          successes,
                          "failuresCount",
                          failures,
                          "resultsFile",
                          resultsFile,
                          "finishedAt",
                          now()));
                  return true;
                }));
  }

  /**
   * What the job's partitions have applied so far.
   *
   * @param rows rows applied or failed
   * @param allApplied whether every chunk of a complete fan-out is applied
   * @param operations the billable operations of the transactions that applied them, by {@link
   *     FirestorePartitions#OPERATIONS} name
   */
  public record Totals(
      long rows, long successes, long failures, boolean allApplied, Map<String, Long> operations) {

    /** The totals of a job that ended: its own document holds its counts. */
    public static final Totals NONE = new Totals(0, 0, 0, true);

    public Totals(long rows, long successes, long failures, boolean allApplied) {
      this(rows, successes, failures, allApplied, Map.of());
    }
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
   * Pub/Sub messages and bytes, job-document reads and writes) and the applying transactions'
   * ({@code apply.*}).
   */
  public Map<String, Long> operations(Job job) throws StoreException {
    return operations(job, totals(job));
  }

  /**
   * As {@link #operations(Job)}, with the partitions' totals already read (completion has them).
   */
  public Map<String, Long> operations(Job job, Totals totals) throws StoreException {
    Map<String, Long> operations = new TreeMap<>();
    Object fanOut =
        StoreException.await(layout.job(job.appId(), job.jobId()).get()).get("fanOutOps");
    if (fanOut instanceof Map<?, ?> map) {
      map.forEach((name, count) -> operations.put("fanOut." + name, ((Number) count).longValue()));
    }
    totals.operations().forEach((name, count) -> operations.put("apply." + name, count));
    return operations;
  }

  public Totals totals(Job job) throws StoreException {
    return totals(List.of(job)).get(0);
  }

  /** The totals of each of {@code jobs}, in order, read in one batch. */
  public List<Totals> totals(List<Job> jobs) throws StoreException {
    List<DocumentReference> refs = new ArrayList<>();
    for (Job job : jobs) {
      for (int p = 0; p < job.limits().partitions(); p++) {
        refs.add(layout.partition(job.appId(), job.jobId(), p));
      }
    }
    if (refs.isEmpty()) {
      return List.of();
    }
    List<DocumentSnapshot> cursors =
        StoreException.await(layout.db().getAll(refs.toArray(DocumentReference[]::new)));
    List<Totals> totals = new ArrayList<>();
    int first = 0;
    for (Job job : jobs) {
      totals.add(totals(job, cursors.subList(first, first + job.limits().partitions())));
      first += job.limits().partitions();
    }
    return totals;
  }

  private static Totals totals(Job job, List<DocumentSnapshot> cursors) {
    long rows = 0;
    long successes = 0;
    long failures = 0;
    boolean allApplied = job.fanOutComplete();
    Map<String, Long> operations = new LinkedHashMap<>();
    for (int p = 0; p < cursors.size(); p++) {
      DocumentSnapshot cursor = cursors.get(p);
      if (cursor.exists()) {
        rows += longOf(cursor, "rows");
        successes += longOf(cursor, "successes");
        failures += longOf(cursor, "failures");
        if (cursor.get("ops") instanceof Map<?, ?> ops) {
          ops.forEach(
              (name, count) ->
                  operations.merge(String.valueOf(name), ((Number) count).longValue(), Long::sum));
        }
      }
      long next = cursor.exists() ? longOf(cursor, "nextSequence") : 0;
      allApplied &= job.fanOutComplete() && next >= job.chunksPerPartition().get(p);
    }
    return new Totals(rows, successes, failures, allApplied, operations);
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
      jobs.add(fromDocument(doc));
    }
    return jobs;
  }

  /** The newest job of an object in the app, if any. */
  public Optional<Job> newestOf(String appId, String object) throws StoreException {
    QuerySnapshot found =
        StoreException.await(layout.jobs(appId).whereEqualTo("object", object).get());
    return found.getDocuments().stream()
        .map(JobStore::fromDocument)
        .max((a, b) -> a.createdAt().compareTo(b.createdAt()));
  }

  private void update(Job job, Map<String, Object> fields) throws StoreException {
    StoreException.await(layout.job(job.appId(), job.jobId()).update(fields));
  }

  private Timestamp now() {
    return timestamp(clock.instant());
  }

  private static Map<String, Object> limitsDocument(ChunkLimits limits) {
    return Map.of(
        "partitions",
        limits.partitions(),
        "maxRows",
        limits.maxRows(),
        "maxBytes",
        limits.maxBytes(),
        "segmentRows",
        limits.segmentRows());
  }

  static Map<String, Object> toDocument(Job job) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("appId", job.appId());
    doc.put("jobId", job.jobId());
    doc.put("bucket", job.bucket());
    doc.put("object", job.object());
    doc.put("generation", job.generation());
    doc.put("action", job.action());
    doc.put("name", job.name());
    doc.put("uploadedBy", job.uploadedBy());
    doc.put("state", job.state().name());
    doc.put("createdAt", timestamp(job.createdAt()));
    doc.put("finishedAt", timestamp(job.finishedAt()));
    doc.put("limits", limitsDocument(job.limits()));
    doc.put("checked", job.checked());
    doc.put("segmentsPublished", job.segmentsPublished());
    doc.put("rowsRead", job.rowsRead());
    doc.put(
        "chunksPerPartition", job.chunksPerPartition().stream().map(Integer::longValue).toList());
    doc.put("successesCount", job.successesCount());
    doc.put("failuresCount", job.failuresCount());
    doc.put("failure", job.failure());
    doc.put("resultsFile", job.resultsFile());
    doc.put("expireAt", timestamp(job.expireAt()));
    return doc;
  }

  static Job fromDocument(DocumentSnapshot doc) {
    Map<String, Object> limits = asMap(doc.get("limits"));
    List<Integer> chunks = new ArrayList<>();
    Object stored = doc.get("chunksPerPartition");
    if (stored instanceof List<?> list) {
      list.forEach(n -> chunks.add(((Number) n).intValue()));
    }
    return new Job(
        doc.getString("appId"),
        doc.getString("jobId"),
        doc.getString("bucket"),
        doc.getString("object"),
        longOf(doc, "generation"),
        doc.getString("action"),
        doc.getString("name"),
        doc.getString("uploadedBy"),
        JobState.valueOf(doc.getString("state")),
        instant(doc.getTimestamp("createdAt")),
        instant(doc.getTimestamp("finishedAt")),
        new ChunkLimits(
            intOf(limits, "partitions"),
            intOf(limits, "maxRows"),
            intOf(limits, "maxBytes"),
            intOf(limits, "segmentRows")),
        Boolean.TRUE.equals(doc.getBoolean("checked")),
        (int) longOf(doc, "segmentsPublished"),
        longOf(doc, "rowsRead"),
        chunks,
        longOf(doc, "successesCount"),
        longOf(doc, "failuresCount"),
        doc.getString("failure"),
        doc.getString("resultsFile"),
        instant(doc.getTimestamp("expireAt")),
        instant(doc.getTimestamp("leaseUntil")),
        doc.getString("waiting"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  private static int intOf(Map<String, Object> map, String field) {
    return ((Number) map.get(field)).intValue();
  }

  private static long longOf(DocumentSnapshot doc, String field) {
    Long value = doc.getLong(field);
    return value == null ? 0 : value;
  }
}
