package dev.csvimport.ports;

import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.job.Job;
import java.util.List;
import java.util.Optional;

/**
 * Where a job's partitions keep their ordered state, as the applier's protocol sees it: the cursor
 * (the sequence it expects next), the chunks parked above it, and the application of the chunk at
 * the cursor, each change inside one transaction; and what the cursors have counted so far.
 */
public interface PartitionStore {

  /**
   * Runs {@code work} in one transaction on the partition; retried as a whole when the store asks
   * for it.
   */
  <T> T transact(Job job, int partition, Work<T> work) throws StoreException;

  /** The sequence the partition expects next, read outside any transaction. */
  long nextSequence(Job job, int partition) throws StoreException;

  /** The payload of a chunk parked at {@code sequence}, read outside any transaction. */
  Optional<byte[]> parked(Job job, int partition, int sequence) throws StoreException;

  /** What the job's partitions have applied so far. */
  default PartitionTotals totals(Job job) throws StoreException {
    return totals(List.of(job)).get(0);
  }

  /** The totals of each of {@code jobs}, in order, read in one batch. */
  List<PartitionTotals> totals(List<Job> jobs) throws StoreException;

  /** What a transaction does on one partition. */
  @FunctionalInterface
  interface Work<T> {
    T run(Partition partition) throws Exception;
  }

  /** One partition inside one transaction: reads first, then writes. */
  interface Partition {

    /** The sequence of the chunk the partition expects next (0 for a new partition). */
    long nextSequence() throws Exception;

    /** Keeps a chunk that arrived before its predecessor. */
    void park(int sequence, byte[] payload);

    /** Forgets a parked chunk (applied now, or before). */
    void unpark(int sequence);

    /**
     * Whether the partition's job was cancelled: no chunk is applied from the cursor on, but the
     * rest of a chunk that is part-applied (applied in slices).
     */
    boolean cancelled() throws Exception;

    /**
     * The first row of the chunk at the cursor not yet applied: 0, unless the chunk is being
     * applied in slices.
     */
    int nextRow() throws Exception;

    /**
     * Applies the rows of the chunk at the cursor from {@link #nextRow()}: at most {@code maxRows},
     * fewer where their writes would pass what one commit may hold, at least one. Records their
     * failed and warned rows and counts, and moves the cursor past them (to the next chunk when
     * none is left).
     *
     * @return the rows applied
     */
    int applyAtCursor(Chunk chunk, int maxRows) throws Exception;
  }
}
