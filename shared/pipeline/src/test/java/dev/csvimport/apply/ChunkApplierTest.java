package dev.csvimport.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.csvimport.apply.ChunkApplier.Delivery;
import dev.csvimport.apply.ChunkApplier.Outcome;
import dev.csvimport.complete.JobCompletion;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.job.TestJobs;
import dev.csvimport.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The applier's ordering protocol over in-memory partitions: every row applied once, in file order
 * per partition, whatever order and however often the chunks arrive; the job read once per delivery
 * and finished by the delivery that applied its last chunk.
 */
class ChunkApplierTest {

  private static final String APP = "app";
  private static final ChunkLimits LIMITS = new ChunkLimits(2, 4, 512 * 1024, 50_000);

  private final InMemoryPartitions partitions = new InMemoryPartitions();
  private final JobStore jobs = mock(JobStore.class);
  private final JobCompletion completion = mock(JobCompletion.class);
  private final ChunkApplier applier = new ChunkApplier(jobs, partitions, completion);

  private static Job job(JobState state, List<Integer> chunksPerPartition) {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");
    Job created =
        Job.create(
            APP,
            "job-1",
            "bucket",
            "imports/events.csv",
            1,
            "track",
            "events.csv",
            "ann",
            now,
            LIMITS,
            now.plus(Duration.ofDays(7)));
    return TestJobs.fannedOut(created, state, 0, chunksPerPartition);
  }

  private void stored(Job job) throws Exception {
    when(jobs.get(APP, job.jobId())).thenReturn(Optional.of(job));
  }

  /**
   * Chunk {@code sequence} of {@code partition}: rows numbered so that file order is sequence
   * order; every third row a failure.
   */
  private static Chunk chunk(int partition, int sequence, int rows) {
    List<RowResult> results = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      long row = 1 + partition * 1000L + sequence * 10L + i;
      String user = "u" + partition;
      results.add(
          row % 3 == 0
              ? RowResult.failure(row, row + 1, user, RowProblem.ofRow("bad row " + row))
              : RowResult.success(
                  row,
                  row + 1,
                  new TrackedEvent(
                      user, "Open", Instant.ofEpochSecond(row), null, null, null, Map.of()),
                  List.of()));
    }
    return new Chunk(partition, sequence, 0, results);
  }

  private static Delivery delivery(Chunk chunk) {
    return new Delivery(APP, "job-1", ChunkCodec.encode(chunk));
  }

  private List<Long> appliedRows(Job job, int partition) {
    return partitions.state(job, partition).applied.stream().map(RowResult::row).toList();
  }

  @Test
  void chunksInOrderApplyAndTheLastFinishesTheJobAsItWasRead() throws Exception {
    Job job = job(JobState.RUNNING, List.of(3, 0));
    stored(job);

    assertEquals(Outcome.APPLIED, applier.apply(delivery(chunk(0, 0, 4))));
    assertEquals(Outcome.APPLIED, applier.apply(delivery(chunk(0, 1, 4))));
    verify(completion, never()).tryFinish(any(Job.class));
    assertEquals(Outcome.APPLIED, applier.apply(delivery(chunk(0, 2, 2))));

    verify(completion, times(1)).tryFinish(job);
    verify(jobs, times(3)).get(APP, "job-1");
    assertEquals(List.of(1L, 2L, 3L, 4L, 11L, 12L, 13L, 14L, 21L, 22L), appliedRows(job, 0));
    assertEquals(new dev.csvimport.ports.PartitionTotals(10, 7, 3, true), partitions.totals(job));
  }

  @Test
  void aChunkAheadOfItsPredecessorIsParkedAndAppliedRightAfterIt() throws Exception {
    Job job = job(JobState.RUNNING, List.of(3, 0));
    stored(job);

    assertEquals(Outcome.PARKED, applier.apply(delivery(chunk(0, 2, 2))));
    assertEquals(Outcome.PARKED, applier.apply(delivery(chunk(0, 1, 4))));
    assertEquals(List.of(), appliedRows(job, 0));
    verify(completion, never()).tryFinish(any(Job.class));

    assertEquals(Outcome.APPLIED, applier.apply(delivery(chunk(0, 0, 4))));
    assertEquals(List.of(1L, 2L, 3L, 4L, 11L, 12L, 13L, 14L, 21L, 22L), appliedRows(job, 0));
    assertTrue(partitions.state(job, 0).parked.isEmpty(), "drained chunks are unparked");
    verify(completion, times(1)).tryFinish(job);
  }

  @Test
  void onceCancelledAPartitionAppliesNoChunkParksNoneAndDropsWhatWasParked() throws Exception {
    Job job = job(JobState.RUNNING, List.of(4, 0));
    stored(job);
    applier.apply(delivery(chunk(0, 0, 4)));
    assertEquals(Outcome.PARKED, applier.apply(delivery(chunk(0, 2, 4))));
    partitions.state(job, 0).cancelled = true;

    assertEquals(Outcome.DUPLICATE, applier.apply(delivery(chunk(0, 0, 4))));
    assertEquals(Outcome.CANCELLED, applier.apply(delivery(chunk(0, 1, 4))));
    assertEquals(Outcome.CANCELLED, applier.apply(delivery(chunk(0, 3, 2))));
    assertEquals(List.of(1L, 2L, 3L, 4L), appliedRows(job, 0), "nothing after the cancel");
    assertTrue(partitions.state(job, 0).parked.containsKey(2), "parked before: left to expire");
    verify(completion, never()).tryFinish(any(Job.class));
    verify(completion, never()).cancel(any(Job.class));
  }

  @Test
  void aChunkPartAppliedWhenCancelledIsFinishedAndThenTheCancelEndsTheJob() throws Exception {
    Job job = job(JobState.CANCELLING, List.of(3, 0));
    stored(job);
    InMemoryPartitions.State state = partitions.state(job, 0);
    state.nextSequence = 1;
    state.nextRow = 2;
    state.cancelled = true;

    assertEquals(Outcome.CANCELLED, applier.apply(delivery(chunk(0, 2, 4))));
    verify(completion, never()).cancel(any(Job.class));
    assertEquals(Outcome.APPLIED, applier.apply(delivery(chunk(0, 1, 4))));
    assertEquals(List.of(13L, 14L), appliedRows(job, 0), "only the rest of the part-applied chunk");
    verify(completion, times(1)).cancel(job);
    verify(completion, never()).tryFinish(any(Job.class));
  }

  @Test
  void aChunkDeliveredAgainChangesNothing() throws Exception {
    Job job = job(JobState.RUNNING, List.of(2, 0));
    stored(job);
    applier.apply(delivery(chunk(0, 0, 4)));

    assertEquals(Outcome.DUPLICATE, applier.apply(delivery(chunk(0, 0, 4))));
    assertEquals(List.of(1L, 2L, 3L, 4L), appliedRows(job, 0));
  }

  /**
   * Generative: for many seeds, every chunk of two partitions delivered in a shuffled order, a
   * third of them twice: each partition ends with each of its rows applied once, in file order, and
   * the job is finished.
   */
  @Test
  void anyOrderWithDuplicatesAppliesEveryRowOnceInFileOrder() throws Exception {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      InMemoryPartitions store = new InMemoryPartitions();
      JobCompletion finisher = mock(JobCompletion.class);
      ChunkApplier applierUnderTest = new ChunkApplier(jobs, store, finisher);
      int[] counts = {1 + random.nextInt(6), 1 + random.nextInt(6)};
      Job job = job(JobState.RUNNING, List.of(counts[0], counts[1]));
      stored(job);
      List<Chunk> deliveries = new ArrayList<>();
      List<List<Long>> expected = List.of(new ArrayList<>(), new ArrayList<>());
      for (int p = 0; p < 2; p++) {
        for (int s = 0; s < counts[p]; s++) {
          Chunk chunk = chunk(p, s, 1 + random.nextInt(4));
          chunk.rows().forEach(row -> expected.get(chunk.partition()).add(row.row()));
          deliveries.add(chunk);
          if (random.nextInt(3) == 0) {
            deliveries.add(chunk);
          }
        }
      }
      Collections.shuffle(deliveries, random);

      for (Chunk chunk : deliveries) {
        applierUnderTest.apply(delivery(chunk));
      }

      for (int p = 0; p < 2; p++) {
        assertEquals(
            expected.get(p),
            store.state(job, p).applied.stream().map(RowResult::row).toList(),
            "seed " + seed + ", partition " + p);
        assertTrue(store.state(job, p).parked.isEmpty(), "seed " + seed);
      }
      assertTrue(store.totals(job).allApplied(), "seed " + seed);
      verify(finisher, org.mockito.Mockito.atLeastOnce()).tryFinish(job);
    }
  }

  @Test
  void aChunkOutsideItsJobIsRefusedBeforeAnythingIsWritten() throws Exception {
    Job job = job(JobState.RUNNING, List.of(2, 1));
    stored(job);

    assertThrows(ChunkApplier.ChunkRefused.class, () -> applier.apply(delivery(chunk(2, 0, 1))));
    assertThrows(ChunkApplier.ChunkRefused.class, () -> applier.apply(delivery(chunk(1, 1, 1))));
    assertThrows(ChunkApplier.ChunkRefused.class, () -> applier.apply(delivery(chunk(0, 0, 5))));
    assertThrows(
        ChunkApplier.ChunkRefused.class,
        () -> applier.apply(new Delivery(APP, "job-1", new byte[] {1, 2, 3})));
    assertEquals(0, partitions.transactions);
  }

  @Test
  void aChunkOfAnEndedOrUnknownJobIsIgnored() throws Exception {
    stored(job(JobState.FAILED, List.of(1, 1)));
    assertEquals(Outcome.DUPLICATE, applier.apply(delivery(chunk(0, 0, 2))));
    when(jobs.get(APP, "job-1")).thenReturn(Optional.empty());
    assertEquals(Outcome.DUPLICATE, applier.apply(delivery(chunk(0, 0, 2))));

    assertEquals(0, partitions.transactions);
    verify(completion, never()).tryFinish(any(Job.class));
  }

  /**
   * A delivery that began while the fan-out ran reads the job again after applying: the fan-out may
   * have completed meanwhile, and this chunk may be the job's last.
   */
  @Test
  void aDeliveryThatBeganDuringTheFanOutReadsTheJobAgainToFinishIt() throws Exception {
    Job running = job(JobState.RUNNING, List.of());
    Job complete = job(JobState.RUNNING, List.of(1, 0));
    when(jobs.get(APP, "job-1")).thenReturn(Optional.of(running), Optional.of(complete));

    assertEquals(Outcome.APPLIED, applier.apply(delivery(chunk(0, 0, 3))));

    verify(jobs, times(2)).get(APP, "job-1");
    verify(completion).tryFinish(complete);
  }

  @Test
  void aChunkPastItsLastAttemptIsRecordedFailedRowByRow() throws Exception {
    Job job = job(JobState.RUNNING, List.of(1, 0));
    stored(job);

    assertEquals(Outcome.APPLIED, applier.recordFailure(delivery(chunk(0, 0, 3)), "timeout"));

    List<RowResult> applied = partitions.state(job, 0).applied;
    assertEquals(3, applied.size());
    assertFalse(applied.stream().anyMatch(RowResult::succeeded));
    assertEquals(
        "the row could not be saved: timeout; import it again", applied.get(0).failure().message());
    assertEquals("bad row 3", applied.get(2).failure().message(), "a failed row keeps its reason");
    verify(completion).tryFinish(job);
  }
}
