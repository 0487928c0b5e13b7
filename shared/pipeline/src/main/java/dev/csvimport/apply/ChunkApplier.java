package dev.csvimport.apply;

import dev.csvimport.complete.JobCompletion;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies chunks so that the outcome is as if every row were applied once, in file order:
 * <ul>
 *   <li>each partition of a job has a cursor, the sequence of the chunk it expects next; a chunk is applied in the
 *       same transaction that moves the cursor on, so a chunk delivered again is recognised and changes nothing;</li>
 *   <li>a chunk that arrives before its predecessor is parked, and applied as soon as the predecessor is;</li>
 *   <li>the transaction reads the profiles it changes, so concurrent chunks (other partitions, other jobs) lose no
 *       update;</li>
 *   <li>a row that cannot apply (e.g. a profile over Firestore's 1 MiB) fails alone; the rest of its chunk goes on.</li>
 * </ul>
 * Where the cursor, parked chunks and profiles are kept is {@link Partitions}' business.
 */
public final class ChunkApplier {

  /** What became of a delivered chunk. */
  public enum Outcome {
    /** Applied now (and any chunks parked behind it). */
    APPLIED,
    /** Applied before, or its job has ended: nothing to do. */
    DUPLICATE,
    /** Arrived before its predecessor: kept, and applied after it. */
    PARKED
  }

  /** A chunk as it arrives: which job it belongs to, and its bytes as {@link ChunkCodec} wrote them. */
  public record Delivery(String appId, String jobId, byte[] payload) {}

  private static final Log LOG = Log.of(ChunkApplier.class);

  private final JobStore jobs;
  private final Partitions partitions;
  private final JobCompletion completion;

  public ChunkApplier(JobStore jobs, Partitions partitions, JobCompletion completion) {
    this.jobs = jobs;
    this.partitions = partitions;
    this.completion = completion;
  }

  public Outcome apply(Delivery delivery) throws StoreException {
    Optional<Job> found = jobs.get(delivery.appId(), delivery.jobId());
    if (found.isEmpty() || found.get().state().ended()) {
      LOG.warn("chunk for a job that is unknown or ended: ignored", "appId", delivery.appId(), "jobId",
          delivery.jobId());
      return Outcome.DUPLICATE;
    }
    Job job = found.get();
    Chunk chunk = ChunkCodec.decode(delivery.payload());
    Outcome outcome = partitions.transact(job, chunk.partition(),
        tx -> applyOrPark(tx, chunk, delivery.payload(), false));
    afterAcknowledged(job, chunk, outcome);
    return outcome;
  }

  /**
   * Records every row of a chunk that could not be applied, after its last delivery attempt, as failed with
   * {@code reason}, so that its job still finishes and the rows show in its results.
   */
  public Outcome recordFailure(Delivery delivery, String reason) throws StoreException {
    Optional<Job> found = jobs.get(delivery.appId(), delivery.jobId());
    if (found.isEmpty() || found.get().state().ended()) {
      return Outcome.DUPLICATE;
    }
    Job job = found.get();
    Chunk chunk = ChunkCodec.decode(delivery.payload());
    List<RowResult> failed = new ArrayList<>();
    for (RowResult row : chunk.rows()) {
      failed.add(row.succeeded() ? RowResult.failure(row.row(), row.line(), row.userId(), RowProblem.ofRow(
          "the row could not be saved: " + reason + "; import it again")) : row);
    }
    Chunk failedChunk = new Chunk(chunk.partition(), chunk.sequence(), chunk.segment(), failed);
    Outcome outcome = partitions.transact(job, chunk.partition(),
        tx -> applyOrPark(tx, failedChunk, delivery.payload(), false));
    if (outcome == Outcome.APPLIED) {
      LOG.error("chunk recorded as failed after its last delivery attempt", null, "appId", job.appId(), "jobId",
          job.jobId(), "partition", chunk.partition(), "sequence", chunk.sequence(), "reason", reason);
    }
    afterAcknowledged(job, chunk, outcome);
    return outcome;
  }

  /**
   * Whatever a delivery's outcome, applies the chunks parked at the partition's cursor, then finishes the job if the
   * partition is done. A duplicate or a parked chunk drains too: the delivery that applied the predecessor may have
   * failed after its commit (a crash, a timeout, an aborted commit while draining), and its redelivery is then a
   * duplicate; nothing else would ever apply what waits.
   */
  private void afterAcknowledged(Job job, Chunk delivered, Outcome outcome) throws StoreException {
    int partition = delivered.partition();
    int next = outcome == Outcome.APPLIED ? delivered.sequence() + 1
        : (int) partitions.nextSequence(job, partition);
    boolean drained = false;
    while (true) {
      Optional<byte[]> payload = partitions.parked(job, partition, next);
      if (payload.isEmpty()) {
        break;
      }
      Chunk chunk = ChunkCodec.decode(payload.get());
      Outcome applied = partitions.transact(job, partition, tx -> applyOrPark(tx, chunk, payload.get(), true));
      if (applied != Outcome.APPLIED) {
        break; // another delivery applied it, and drains from there
      }
      drained = true;
      next++;
    }
    if (outcome == Outcome.DUPLICATE && !drained) {
      // The delivery that applied it may have failed to finish the job after its commit: finish it now.
      completion.tryFinish(job.appId(), job.jobId());
      return;
    }
    Job current = job.fanOutComplete() ? job : jobs.get(job.appId(), job.jobId()).orElse(job);
    if (current.fanOutComplete() && next >= current.chunksPerPartition().get(partition)) {
      completion.tryFinish(current.appId(), current.jobId());
    }
  }

  /** The protocol, inside one transaction: behind the cursor is a duplicate, ahead of it waits, at it applies. */
  private static Outcome applyOrPark(Partitions.Partition tx, Chunk chunk, byte[] payload, boolean wasParked)
      throws Exception {
    long next = tx.nextSequence();
    if (chunk.sequence() < next) {
      if (wasParked) {
        tx.unpark(chunk.sequence());
      }
      return Outcome.DUPLICATE;
    }
    if (chunk.sequence() > next) {
      tx.park(chunk.sequence(), payload);
      return Outcome.PARKED;
    }
    tx.applyAtCursor(chunk);
    if (wasParked) {
      tx.unpark(chunk.sequence());
    }
    return Outcome.APPLIED;
  }
}
