package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Transaction;
import dev.csvimport.apply.Partitions;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.job.Job;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A partition's documents: the cursor {@code partitions/{p}} ({@code nextSequence}; {@code nextRow}, the first row of
 * that chunk not yet applied when it is applied in slices; the counts of rows, successes and failures so far), {@code parked/{sequence}} ({@code payload}, the chunk's bytes) and
 * {@code results/{sequence}} (the failed and warned rows of one chunk). All of them expire with their job.
 */
public final class FirestorePartitions implements Partitions {

  private final FirestoreLayout layout;
  private final long maxCommitBytes;

  public FirestorePartitions(FirestoreLayout layout) {
    this(layout, ChunkWrites.MAX_COMMIT_BYTES);
  }

  /** @param maxCommitBytes what one transaction may write, by {@link DocumentSize}'s estimate */
  public FirestorePartitions(FirestoreLayout layout, long maxCommitBytes) {
    this.layout = layout;
    this.maxCommitBytes = maxCommitBytes;
  }

  @Override
  public <T> T transact(Job job, int partition, Work<T> work) throws StoreException {
    return StoreException.await(layout.db().runTransaction(tx -> work.run(new PartitionTransaction(tx, job,
        partition))));
  }

  @Override
  public long nextSequence(Job job, int partition) throws StoreException {
    DocumentSnapshot cursor = StoreException.await(layout.partition(job.appId(), job.jobId(), partition).get());
    Long next = cursor.exists() ? cursor.getLong("nextSequence") : null;
    return next == null ? 0 : next;
  }

  @Override
  public Optional<byte[]> parked(Job job, int partition, int sequence) throws StoreException {
    DocumentSnapshot parked = StoreException.await(
        layout.parked(job.appId(), job.jobId(), partition, sequence).get());
    return parked.exists() ? Optional.of(parked.getBlob("payload").toBytes()) : Optional.empty();
  }

  private final class PartitionTransaction implements Partitions.Partition {
    private final Transaction tx;
    private final Job job;
    private final int partition;
    private final DocumentReference cursorRef;
    private DocumentSnapshot cursor;

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
      }
      return countOf("nextSequence");
    }

    @Override
    public void park(int sequence, byte[] payload) {
      tx.set(layout.parked(job.appId(), job.jobId(), partition, sequence),
          Map.of("payload", Blob.fromBytes(payload), "expireAt", timestamp(job.expireAt())));
    }

    @Override
    public void unpark(int sequence) {
      tx.delete(layout.parked(job.appId(), job.jobId(), partition, sequence));
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
      ChunkWrites.Applied applied = new ChunkWrites(layout, job, maxCommitBytes)
          .apply(tx, chunk, from, maxRows);
      int to = from + applied.rowsTaken();
      boolean done = to >= chunk.rows().size();
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("partition", partition);
      counts.put("nextSequence", done ? next + 1 : next);
      counts.put("nextRow", done ? 0 : to);
      counts.put("rows", countOf("rows") + applied.rowsTaken());
      counts.put("successes", countOf("successes") + applied.successes());
      counts.put("failures", countOf("failures") + applied.rowsTaken() - applied.successes());
      counts.put("expireAt", timestamp(job.expireAt()));
      tx.set(cursorRef, counts);
      if (!applied.results().isEmpty()) {
        // A chunk applied in slices keeps one results document per slice; ids sort in row order either way.
        String id = FirestoreLayout.sequenceId(chunk.sequence()) + (from == 0 ? "" : String.format("-%06d", from));
        tx.set(layout.results(job.appId(), job.jobId(), partition).document(id),
            Map.of("rows", applied.results(), "expireAt", timestamp(job.expireAt())));
      }
      return applied.rowsTaken();
    }

    private long countOf(String field) {
      Long value = cursor.exists() ? cursor.getLong(field) : null;
      return value == null ? 0 : value;
    }
  }
}
