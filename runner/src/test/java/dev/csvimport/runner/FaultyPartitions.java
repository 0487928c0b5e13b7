package dev.csvimport.runner;

import dev.csvimport.apply.Partitions;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.job.Job;
import dev.csvimport.store.StoreException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions' store with faults a test arms: applying a chosen chunk fails once, as a crash, a timeout or an
 * ABORTED commit at that moment would. Nothing of the failed transaction is written.
 */
final class FaultyPartitions implements Partitions {

  private final Partitions store;
  private final Set<Integer> failOnceAtSequence = ConcurrentHashMap.newKeySet();

  FaultyPartitions(Partitions store) {
    this.store = store;
  }

  /** The next application of the chunk with this sequence (any partition) fails. */
  void failOnceApplying(int sequence) {
    failOnceAtSequence.add(sequence);
  }

  @Override
  public <T> T transact(Job job, int partition, Work<T> work) throws StoreException {
    return store.transact(job, partition, tx -> work.run(new Partition() {
      @Override
      public long nextSequence() throws Exception {
        return tx.nextSequence();
      }

      @Override
      public void park(int sequence, byte[] payload) {
        tx.park(sequence, payload);
      }

      @Override
      public void unpark(int sequence) {
        tx.unpark(sequence);
      }

      @Override
      public void applyAtCursor(Chunk chunk) throws Exception {
        if (failOnceAtSequence.remove(chunk.sequence())) {
          throw new IllegalStateException("injected fault applying chunk " + chunk.sequence());
        }
        tx.applyAtCursor(chunk);
      }
    }));
  }

  @Override
  public Optional<byte[]> parked(Job job, int partition, int sequence) throws StoreException {
    return store.parked(job, partition, sequence);
  }

  @Override
  public long nextSequence(Job job, int partition) throws StoreException {
    return store.nextSequence(job, partition);
  }
}
