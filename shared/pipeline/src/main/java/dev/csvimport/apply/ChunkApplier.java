package dev.csvimport.apply;

import dev.csvimport.complete.JobCompletion;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.job.Job;
import dev.csvimport.log.Log;
import dev.csvimport.ports.PartitionStore;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.JobStore;
import dev.csvimport.store.Slices;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies chunks so that the outcome is as if every row were applied once, in file order:
 *
 * <ul>
 *   <li>each partition of a job has a cursor, the sequence of the chunk it expects next; a chunk is
 *       applied in the same transaction that moves the cursor on, so a chunk delivered again is
 *       recognised and changes nothing;
 *   <li>a chunk that arrives before its predecessor is parked, and applied as soon as the
 *       predecessor is;
 *   <li>the transaction reads the profiles it changes, so concurrent chunks (other partitions,
 *       other jobs) lose no update;
 *   <li>a row that cannot apply (e.g. a profile over Firestore's 1 MiB) fails alone; the rest of
 *       its chunk goes on.
 * </ul>
 *
 * Where the cursor, parked chunks and profiles are kept is {@link PartitionStore}' business.
 */
public final class ChunkApplier {

  /** What became of a delivered chunk. */
  public enum Outcome {
    /** Applied now (and any chunks parked behind it). */
    APPLIED,
    /** Applied before, or its job has ended: nothing to do. */
    DUPLICATE,
    /** Arrived before its predecessor: kept, and applied after it. */
    PARKED,
    /** Its job was cancelled before the chunk's turn came: nothing applied, nothing kept. */
    CANCELLED
  }

  /**
   * A chunk as it arrives: which job it belongs to, and its bytes as {@link ChunkCodec} wrote them.
   */
  public record Delivery(String appId, String jobId, byte[] payload) {}

  private static final Log LOG = Log.of(ChunkApplier.class);

  private final JobStore jobs;
  private final PartitionStore partitions;
  private final JobCompletion completion;

  public ChunkApplier(JobStore jobs, PartitionStore partitions, JobCompletion completion) {
    this.jobs = jobs;
    this.partitions = partitions;
    this.completion = completion;
  }

  /**
   * A delivery that is not a chunk of its job: unreadable, or a partition or sequence its job never
   * had.
   */
  public static final class ChunkRefused extends Exception {
    ChunkRefused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @throws ChunkRefused before anything is written, when the delivery is not a chunk of its job
   */
  public Outcome apply(Delivery delivery) throws StoreException, ChunkRefused {
    Optional<Job> found = jobs.get(delivery.appId(), delivery.jobId());
    if (found.isEmpty() || found.get().state().ended()) {
      LOG.warn(
          "chunk for a job that is unknown or ended: ignored",
          "appId",
          delivery.appId(),
          "jobId",
          delivery.jobId());
      return Outcome.DUPLICATE;
    }
    Job job = found.get();
    Chunk chunk = checked(job, delivery.payload());
    Step step = applyOrPark(job, chunk, delivery.payload(), false);
    afterAcknowledged(job, chunk, step);
    return step.outcome();
  }

  /**
   * Records every row of a chunk that could not be applied, after its last delivery attempt, as
   * failed with {@code reason}, so that its job still finishes and the rows show in its results.
   */
  public Outcome recordFailure(Delivery delivery, String reason)
      throws StoreException, ChunkRefused {
    Optional<Job> found = jobs.get(delivery.appId(), delivery.jobId());
    if (found.isEmpty() || found.get().state().ended()) {
      return Outcome.DUPLICATE;
    }
    Job job = found.get();
    Chunk chunk = checked(job, delivery.payload());
    List<RowResult> failed = new ArrayList<>();
    for (RowResult row : chunk.rows()) {
      failed.add(
          row.succeeded()
              ? RowResult.failure(
                  row.row(),
                  row.line(),
                  row.userId(),
                  RowProblem.ofRow("the row could not be saved: " + reason + "; import it again"))
              : row);
    }
    Chunk failedChunk = new Chunk(chunk.partition(), chunk.sequence(), chunk.segment(), failed);
    Step step = applyOrPark(job, failedChunk, delivery.payload(), false);
    if (step.outcome() == Outcome.APPLIED) {
      LOG.error(
          "chunk recorded as failed after its last delivery attempt",
          null,
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "partition",
          chunk.partition(),
          "sequence",
          chunk.sequence(),
          "reason",
          reason);
    }
    afterAcknowledged(job, chunk, step);
    return step.outcome();
  }

  /**
   * Whatever a delivery's outcome, applies the chunks parked at the partition's cursor, then
   * finishes the job if the partition is done. A duplicate or a parked chunk drains too: the
   * delivery that applied the predecessor may have failed after its commit (a crash, a timeout, an
   * aborted commit while draining), and its redelivery is then a duplicate; nothing else would
   * apply what waits but the watchdog.
   */
  private void afterAcknowledged(Job job, Chunk delivered, Step step) throws StoreException {
    Outcome outcome = step.outcome();
    if (step.cancelling()) {
      // The job is being cancelled: nothing more is applied, and the job ends CANCELLED once no
      // chunk is part-applied, which this delivery may just have brought about (should this call
      // fail, the watchdog ends it).
      if (outcome == Outcome.APPLIED && step.chunkDone()) {
        completion.cancel(job);
      }
      return;
    }
    int partition = delivered.partition();
    int next =
        outcome == Outcome.APPLIED
            ? delivered.sequence() + 1
            : (int) partitions.nextSequence(job, partition);
    int drainedTo = drainFrom(job, partition, next);
    if (outcome == Outcome.DUPLICATE && drainedTo == next) {
      // The delivery that applied it may have failed to finish the job after its commit: finish it
      // now.
      completion.tryFinish(current(job));
      return;
    }
    finishIfDone(job, partition, drainedTo);
  }

  /**
   * Applies what is parked at a partition's cursor and finishes the job if that was its last work:
   * the watchdog's way to move a partition whose deliveries all ended without draining it. Answers
   * whether anything was applied.
   */
  public boolean drain(Job job, int partition) throws StoreException {
    int next = (int) partitions.nextSequence(job, partition);
    int drainedTo = drainFrom(job, partition, next);
    finishIfDone(job, partition, drainedTo);
    return drainedTo > next;
  }

  /**
   * Applies the parked chunks from {@code next} on, in order; answers the sequence after the last
   * one applied.
   */
  private int drainFrom(Job job, int partition, int next) throws StoreException {
    while (true) {
      Optional<byte[]> payload = partitions.parked(job, partition, next);
      if (payload.isEmpty()) {
        return next;
      }
      Chunk chunk = ChunkCodec.decode(payload.get());
      if (applyOrPark(job, chunk, payload.get(), true).outcome() != Outcome.APPLIED) {
        return next; // another delivery applied it, and drains from there
      }
      next++;
    }
  }

  private void finishIfDone(Job job, int partition, int next) throws StoreException {
    Job current = current(job);
    if (current.fanOutComplete() && next >= current.chunksPerPartition().get(partition)) {
      completion.tryFinish(current);
    }
  }

  /**
   * The job as this delivery read it, once its fan-out is complete (its chunk counts never change
   * again); read again only while the fan-out ran when the delivery began, for it may have
   * completed since, and the chunk just applied may be the job's last.
   */
  private Job current(Job job) throws StoreException {
    return job.fanOutComplete() ? job : jobs.get(job.appId(), job.jobId()).orElse(job);
  }

  /**
   * The chunk, if it fits the limits its job recorded: a forged or corrupt delivery writes nothing.
   */
  private static Chunk checked(Job job, byte[] payload) throws ChunkRefused {
    Chunk chunk;
    try {
      chunk = ChunkCodec.decode(payload);
    } catch (RuntimeException e) {
      throw new ChunkRefused("not a chunk: " + Excerpt.of(e.getMessage()));
    }
    int partitions = job.limits().partitions();
    if (chunk.partition() < 0 || chunk.partition() >= partitions) {
      throw new ChunkRefused(
          "partition "
              + chunk.partition()
              + " is outside job "
              + job.jobId()
              + "'s "
              + partitions
              + " partitions");
    }
    int chunks =
        job.fanOutComplete() ? job.chunksPerPartition().get(chunk.partition()) : Integer.MAX_VALUE;
    if (chunk.sequence() < 0 || chunk.sequence() >= chunks) {
      throw new ChunkRefused(
          "sequence "
              + chunk.sequence()
              + " is outside partition "
              + chunk.partition()
              + " of job "
              + job.jobId()
              + " ("
              + chunks
              + " chunks)");
    }
    if (chunk.rows().size() > job.limits().maxRows()) {
      throw new ChunkRefused(
          "the chunk has "
              + chunk.rows().size()
              + " rows; job "
              + job.jobId()
              + "'s chunks have"
              + " at most "
              + job.limits().maxRows());
    }
    return chunk;
  }

  /**
   * What one transaction did with a chunk: its outcome, whether every row of an applied chunk is
   * done, and whether it found the job cancelled.
   */
  private record Step(Outcome outcome, boolean chunkDone, boolean cancelling) {}

  /**
   * Applies, parks or recognises a chunk, in as many transactions as its rows need: a slice of rows
   * is applied per transaction, as many as one commit may hold. When the store refuses a slice as
   * invalid, the slice is halved until the refused row stands alone; that row is recorded as failed
   * with the store's reason, and the rest applies.
   */
  private Step applyOrPark(Job job, Chunk chunk, byte[] payload, boolean wasParked)
      throws StoreException {
    return Slices.run(
        chunk.rows().size(),
        (maxRows, refused) -> {
          String reason = null;
          if (refused != null) {
            LOG.warn(
                "a row refused at commit is recorded as failed",
                "appId",
                job.appId(),
                "jobId",
                job.jobId(),
                "partition",
                chunk.partition(),
                "sequence",
                chunk.sequence(),
                "error",
                refused.getMessage());
            reason =
                "the store refused this row ("
                    + Excerpt.of(refused.getMessage())
                    + "): correct it and import it"
                    + " again";
          }
          String refusal = reason;
          return partitions.transact(
              job, chunk.partition(), tx -> step(tx, chunk, payload, wasParked, maxRows, refusal));
        },
        step -> step.outcome() != Outcome.APPLIED || step.chunkDone());
  }

  /**
   * The protocol, inside one transaction: behind the cursor is a duplicate, ahead of it waits, at
   * it applies from the cursor's row. With {@code refusal}, the row at the cursor is recorded as
   * failed with it instead of applied. Once the job is cancelled, only the rest of a part-applied
   * chunk at the cursor applies; anything else is dropped.
   */
  private static Step step(
      PartitionStore.Partition tx,
      Chunk chunk,
      byte[] payload,
      boolean wasParked,
      int maxRows,
      String refusal)
      throws Exception {
    long next = tx.nextSequence();
    if (chunk.sequence() < next) {
      if (wasParked) {
        tx.unpark(chunk.sequence());
      }
      return new Step(Outcome.DUPLICATE, true, tx.cancelled());
    }
    int from = tx.nextRow();
    boolean cancelled = tx.cancelled();
    if (cancelled && (chunk.sequence() > next || from == 0)) {
      if (wasParked) {
        tx.unpark(chunk.sequence());
      }
      return new Step(Outcome.CANCELLED, true, true);
    }
    if (chunk.sequence() > next) {
      tx.park(chunk.sequence(), payload);
      return new Step(Outcome.PARKED, true, false);
    }
    Chunk rows = refusal == null ? chunk : withRowFailed(chunk, from, refusal);
    boolean done = from + tx.applyAtCursor(rows, maxRows) >= chunk.rows().size();
    if (done && wasParked) {
      tx.unpark(chunk.sequence());
    }
    return new Step(Outcome.APPLIED, done, cancelled);
  }

  private static Chunk withRowFailed(Chunk chunk, int index, String reason) {
    List<RowResult> rows = new ArrayList<>(chunk.rows());
    RowResult row = rows.get(index);
    rows.set(
        index, RowResult.failure(row.row(), row.line(), row.userId(), RowProblem.ofRow(reason)));
    return new Chunk(chunk.partition(), chunk.sequence(), chunk.segment(), rows);
  }
}
