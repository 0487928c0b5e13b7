package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.job.Job;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.ports.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A partition's documents, written and read here only: the cursor {@code partitions/{p}} ({@code
 * nextSequence}; {@code nextRow}, the first row of that chunk not yet applied when it is applied in
 * slices; the counts of rows, successes and failures so far; and {@code ops}, the billable
 * operations of the transactions that applied them, see {@link #OPERATIONS}), {@code
 * parked/{sequence}} ({@code payload}, the chunk's bytes) and {@code results/{sequence}} (the
 * failed and warned rows of one chunk). All of them expire with their job. The job's totals are the
 * sums of its cursors. A cancel marks every cursor {@code cancelled}, in the transaction that ends
 * the job ({@link #stop}).
 */
public final class FirestorePartitions implements PartitionStore {

  /**
   * What each cursor counts of the transactions that moved it: document reads, writes (the cursor's
   * own included) and deletes, transactions committed, their attempts (a retry on contention is one
   * more), and the milliseconds from each committed attempt's start to its commit request.
   * Transactions that only park a chunk or recognise a duplicate move no cursor and are not
   * counted.
   */
  public static final List<String> OPERATIONS =
      List.of("reads", "writes", "deletes", "transactions", "attempts", "millis");

  private final FirestoreLayout layout;
  private final long maxCommitBytes;

  /**
   * @param maxCommitBytes what one transaction may write, by {@link DocumentSize}'s estimate
   */
  public FirestorePartitions(FirestoreLayout layout, long maxCommitBytes) {
    this.layout = layout;
    this.maxCommitBytes = maxCommitBytes;
  }

  @Override
  public <T> T transact(Job job, int partition, Work<T> work) throws StoreException {
    AtomicInteger attempts = new AtomicInteger();
    return StoreException.await(
        layout
            .db()
            .runTransaction(
                tx -> {
                  long start = System.nanoTime();
                  PartitionTransaction transaction = new PartitionTransaction(tx, job, partition);
                  T result = work.run(transaction);
                  transaction.writeCursor(
                      attempts.incrementAndGet(), (System.nanoTime() - start) / 1_000_000);
                  return result;
                }));
  }

  @Override
  public long nextSequence(Job job, int partition) throws StoreException {
    DocumentSnapshot cursor =
        StoreException.await(layout.partition(job.appId(), job.jobId(), partition).get());
    Long next = cursor.exists() ? cursor.getLong("nextSequence") : null;
    return next == null ? 0 : next;
  }

  @Override
  public Optional<byte[]> parked(Job job, int partition, int sequence) throws StoreException {
    DocumentSnapshot parked =
        StoreException.await(layout.parked(job.appId(), job.jobId(), partition, sequence).get());
    return parked.exists() ? Optional.of(parked.getBlob("payload").toBytes()) : Optional.empty();
  }

  /** The totals of each of {@code jobs}, in order, read in one batch. */
  @Override
  public List<PartitionTotals> totals(List<Job> jobs) throws StoreException {
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
    List<PartitionTotals> totals = new ArrayList<>();
    int first = 0;
    for (Job job : jobs) {
      totals.add(totals(job, cursors.subList(first, first + job.limits().partitions())));
      first += job.limits().partitions();
    }
    return totals;
  }

  private static PartitionTotals totals(Job job, List<DocumentSnapshot> cursors) {
    long rows = 0;
    long successes = 0;
    long failures = 0;
    long skipped = 0;
    boolean allApplied = job.fanOutComplete();
    Map<String, Long> operations = new LinkedHashMap<>();
    for (int p = 0; p < cursors.size(); p++) {
      DocumentSnapshot cursor = cursors.get(p);
      if (cursor.exists()) {
        rows += longOf(cursor, "rows");
        successes += longOf(cursor, "successes");
        failures += longOf(cursor, "failures");
        skipped += longOf(cursor, "skipped");
        if (cursor.get("ops") instanceof Map<?, ?> ops) {
          ops.forEach(
              (name, count) ->
                  operations.merge(String.valueOf(name), ((Number) count).longValue(), Long::sum));
        }
      }
      long next = cursor.exists() ? longOf(cursor, "nextSequence") : 0;
      allApplied &= job.fanOutComplete() && next >= job.chunksPerPartition().get(p);
    }
    return new PartitionTotals(rows, successes, failures, skipped, allApplied, operations);
  }

  /**
   * What a cancel found of a job's partitions: what they applied, and whether a chunk is
   * part-applied in one of them.
   */
  record Stopped(PartitionTotals totals, boolean chunkInProgress) {}

  /**
   * Inside a cancel's transaction on the job, after its own reads: reads every cursor of the job
   * and marks it cancelled, so that a transaction applying a chunk commits before the cancel (and
   * is counted in its totals) or after it, and then applies nothing more.
   */
  static Stopped stop(FirestoreLayout layout, Transaction tx, Job job) throws Exception {
    int count = job.limits().partitions();
    DocumentReference[] refs = new DocumentReference[count];
    for (int p = 0; p < count; p++) {
      refs[p] = layout.partition(job.appId(), job.jobId(), p);
    }
    List<DocumentSnapshot> cursors = tx.getAll(refs).get();
    boolean inProgress = false;
    for (int p = 0; p < count; p++) {
      inProgress |= cursors.get(p).exists() && longOf(cursors.get(p), "nextRow") > 0;
      Map<String, Object> mark = new LinkedHashMap<>();
      mark.put("partition", p);
      mark.put(CANCELLED, true);
      mark.put("expireAt", timestamp(job.expireAt()));
      tx.set(refs[p], mark, SetOptions.merge());
    }
    return new Stopped(totals(job, cursors), inProgress);
  }

  /** The cursor's mark that its job was cancelled. */
  private static final String CANCELLED = "cancelled";

  private static long longOf(DocumentSnapshot doc, String field) {
    Long value = doc.getLong(field);
    return value == null ? 0 : value;
  }

  private final class PartitionTransaction implements PartitionStore.Partition {
    private final Transaction tx;
    private final Job job;
    private final int partition;
    private final DocumentReference cursorRef;
    private DocumentSnapshot cursor;

    /**
     * The cursor's new fields, once a chunk's rows were applied; written last, with the operations
     * counted.
     */
    private Map<String, Object> movedCursor;

    private long reads;
    private long writes;
    private long deletes;

    PartitionTransaction(Transaction tx, Job job, int partition) {
      this.tx = tx;
      this.job = job;
      this.partition = partition;
      this.cursorRef = layout.partition(job.appId(), job.jobId(), partition);
    }

    @Override
    public long nextSequence() throws Exception {
      if (cursor == null) {
        cursor = tx.get(cursorRef).get();
        reads++;
      }
      return countOf("nextSequence");
    }

    @Override
    public void park(int sequence, byte[] payload) {
      tx.set(
          layout.parked(job.appId(), job.jobId(), partition, sequence),
          Map.of("payload", Blob.fromBytes(payload), "expireAt", timestamp(job.expireAt())));
      writes++;
    }

    @Override
    public void unpark(int sequence) {
      tx.delete(layout.parked(job.appId(), job.jobId(), partition, sequence));
      deletes++;
    }

    @Override
    public boolean cancelled() throws Exception {
      nextSequence();
      return cursor.exists() && Boolean.TRUE.equals(cursor.getBoolean(CANCELLED));
    }

    @Override
    public int nextRow() throws Exception {
      nextSequence();
      return (int) countOf("nextRow");
    }

    @Override
    public int applyAtCursor(Chunk chunk, int maxRows) throws Exception {
      long next = nextSequence();
      int from = nextRow();
      ChunkWrites.Applied applied =
          new ChunkWrites(layout, job, maxCommitBytes).apply(tx, chunk, from, maxRows);
      int to = from + applied.rowsTaken();
      boolean done = to >= chunk.rows().size();
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("partition", partition);
      counts.put("nextSequence", done ? next + 1 : next);
      counts.put("nextRow", done ? 0 : to);
      counts.put("rows", countOf("rows") + applied.rowsTaken());
      counts.put("successes", countOf("successes") + applied.successes());
      counts.put("skipped", countOf("skipped") + applied.skipped());
      counts.put(
          "failures",
          countOf("failures") + applied.rowsTaken() - applied.successes() - applied.skipped());
      counts.put("expireAt", timestamp(job.expireAt()));
      if (cancelled()) {
        counts.put(CANCELLED, true);
      }
      movedCursor = counts;
      reads += applied.documentsRead();
      writes += applied.documentsWritten();
      if (!applied.results().isEmpty()) {
        // A chunk applied in slices keeps one results document per slice; ids sort in row order
        // either way.
        String id =
            FirestoreLayout.sequenceId(chunk.sequence())
                + (from == 0 ? "" : String.format("-%06d", from));
        tx.set(
            layout.results(job.appId(), job.jobId(), partition).document(id),
            Map.of("rows", applied.results(), "expireAt", timestamp(job.expireAt())));
        writes++;
      }
      return applied.rowsTaken();
    }

    /**
     * Writes the moved cursor with this transaction's operations added to the partition's, if it
     * moved.
     */
    void writeCursor(int attempts, long millis) {
      if (movedCursor == null) {
        return;
      }
      Map<String, Long> ops = new LinkedHashMap<>();
      Object before = cursor.exists() ? cursor.get("ops") : null;
      long[] added = {reads, writes + 1, deletes, 1, attempts, millis};
      for (int i = 0; i < OPERATIONS.size(); i++) {
        Object was = before instanceof Map<?, ?> map ? map.get(OPERATIONS.get(i)) : null;
        ops.put(OPERATIONS.get(i), (was instanceof Number n ? n.longValue() : 0) + added[i]);
      }
      movedCursor.put("ops", ops);
      tx.set(cursorRef, movedCursor);
    }

    private long countOf(String field) {
      Long value = cursor.exists() ? cursor.getLong(field) : null;
      return value == null ? 0 : value;
    }
  }
}
