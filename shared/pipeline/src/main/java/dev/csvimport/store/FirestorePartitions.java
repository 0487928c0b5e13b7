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
 * A partition's documents: the cursor {@code partitions/{p}} ({@code nextSequence} and the counts of rows, successes
 * and failures applied so far), {@code parked/{sequence}} ({@code payload}, the chunk's bytes) and
 * {@code results/{sequence}} (the failed and warned rows of one chunk). All of them expire with their job.
 */
public final class FirestorePartitions implements Partitions {

  private final FirestoreLayout layout;

  public FirestorePartitions(FirestoreLayout layout) {
    this.layout = layout;
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
    public void applyAtCursor(Chunk chunk) throws Exception {
      long next = nextSequence();
      ChunkWrites.Applied applied = new ChunkWrites(layout, job).apply(tx, chunk);
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("partition", partition);
      counts.put("nextSequence", next + 1);
      counts.put("rows", countOf("rows") + chunk.rows().size());
      counts.put("successes", countOf("successes") + applied.successes());
      counts.put("failures", countOf("failures") + chunk.rows().size() - applied.successes());
      counts.put("expireAt", timestamp(job.expireAt()));
      tx.set(cursorRef, counts);
      if (!applied.results().isEmpty()) {
        tx.set(layout.results(job.appId(), job.jobId(), partition)
                .document(FirestoreLayout.sequenceId(chunk.sequence())),
            Map.of("rows", applied.results(), "expireAt", timestamp(job.expireAt())));
      }
    }

    private long countOf(String field) {
      Long value = cursor.exists() ? cursor.getLong(field) : null;
      return value == null ? 0 : value;
    }
  }
}
