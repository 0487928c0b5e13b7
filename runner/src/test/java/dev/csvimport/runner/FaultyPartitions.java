package dev.csvimport.runner;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.InvalidArgumentException;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.job.Job;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.PartitionTotals;
import dev.csvimport.ports.StoreException;
import io.grpc.Status;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partitions' store with faults a test arms: applying a chosen chunk fails once, as a crash, a
 * timeout or an ABORTED commit at that moment would. Nothing of the failed transaction is written.
 */
final class FaultyPartitions implements PartitionStore {

  private final PartitionStore store;
  private final Set<Integer> failOnceAtSequence = ConcurrentHashMap.newKeySet();

  FaultyPartitions(PartitionStore store) {
    this.store = store;
  }

  /** Rows (by row number) the store refuses as invalid at commit whenever a slice holds them. */
  final Set<Long> refusedRows = ConcurrentHashMap.newKeySet();

  /** The rows applied by each transaction, in order. */
  final List<Integer> slices = new CopyOnWriteArrayList<>();

  /**
   * Chance of a fault at each transaction (half before its commit, half after it) and each read.
   */
  volatile double faultRate;

  /** Faults injected by {@link #faultRate}. */
  final AtomicInteger injected = new AtomicInteger();

  private final Random random = new Random(7);

  /** The next application of the chunk with this sequence (any partition) fails. */
  void failOnceApplying(int sequence) {
    failOnceAtSequence.add(sequence);
  }

  @Override
  public <T> T transact(Job job, int partition, Work<T> work) throws StoreException {
    maybeFail("before a commit");
    T result = transactFaultless(job, partition, work);
    maybeFail("after a commit");
    return result;
  }

  private void maybeFail(String where) throws StoreException {
    if (faultRate > 0 && random.nextDouble() < faultRate / 2) {
      injected.incrementAndGet();
      throw new StoreException("injected fault " + where, null);
    }
  }

  private <T> T transactFaultless(Job job, int partition, Work<T> work) throws StoreException {
    return store.transact(
        job,
        partition,
        tx ->
            work.run(
                new Partition() {
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
                  public boolean cancelled() throws Exception {
                    return tx.cancelled();
                  }

                  @Override
                  public int nextRow() throws Exception {
                    return tx.nextRow();
                  }

                  @Override
                  public int applyAtCursor(Chunk chunk, int maxRows) throws Exception {
                    if (failOnceAtSequence.remove(chunk.sequence())) {
                      throw new IllegalStateException(
                          "injected fault applying chunk " + chunk.sequence());
                    }
                    int from = tx.nextRow();
                    int to = Math.min(chunk.rows().size(), from + maxRows);
                    for (int i = from; i < to; i++) {
                      RowResult row = chunk.rows().get(i);
                      if (row.succeeded() && refusedRows.contains(row.row())) {
                        throw new InvalidArgumentException(
                            new IllegalArgumentException(
                                "injected: the store refuses row " + row.row()),
                            GrpcStatusCode.of(Status.Code.INVALID_ARGUMENT),
                            false);
                      }
                    }
                    int applied = tx.applyAtCursor(chunk, maxRows);
                    slices.add(applied);
                    return applied;
                  }
                }));
  }

  @Override
  public Optional<byte[]> parked(Job job, int partition, int sequence) throws StoreException {
    maybeFail("reading a parked chunk");
    return store.parked(job, partition, sequence);
  }

  @Override
  public long nextSequence(Job job, int partition) throws StoreException {
    maybeFail("reading a cursor");
    return store.nextSequence(job, partition);
  }

  @Override
  public List<PartitionTotals> totals(List<Job> jobs) throws StoreException {
    return store.totals(jobs);
  }
}
