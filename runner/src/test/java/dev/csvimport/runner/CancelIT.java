package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.complete.FailedRowsFile;
import dev.csvimport.complete.ResultsFile;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.ports.PartitionTotals;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cancelling an import on the Firestore emulator: it stops at a chunk boundary with the counts of
 * what it applied, applies nothing after, stops its fan-out, and a cancel racing the job's end
 * leaves one of the two.
 */
@ExtendWith(EmulatorsExtension.class)
class CancelIT {

  private static final Settings SMALL_CHUNKS =
      new Settings(
          Map.of(Settings.PARTITIONS, "4", Settings.CHUNK_ROWS, "5", Settings.SEGMENT_ROWS, "40"));

  private TestPipeline test;

  @BeforeEach
  void start(Emulators emulators) {
    test = new TestPipeline(emulators, SMALL_CHUNKS);
  }

  @AfterEach
  void stop() throws Exception {
    test.close();
  }

  private Job job(Job job) throws Exception {
    return test.jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  /**
   * Half the chunks delivered in a shuffled order with duplicates, then the cancel, then every
   * chunk again, twice, in another order: the job is CANCELLED with exactly the counts of the
   * chunks applied before it, the profiles are those chunks' rows applied in file order (no chunk
   * half applied), and nothing delivered after the cancel changed a profile.
   */
  @Test
  void aCancelledImportKeepsWhatItAppliedAndAppliesNothingAfter() throws Exception {
    String csv = ChunkApplierIT.orderSensitiveFile(400, 27);
    NewImport object = test.upload("imports/users.csv", 1, csv, "setUserAttributes");
    Job job = job(test.fanOut.start(object, "event-1"));
    assertTrue(job.fanOutComplete());
    List<ChunkApplier.Delivery> deliveries = new ArrayList<>(test.deliveries());
    Collections.shuffle(deliveries, new Random(27));
    List<ChunkApplier.Delivery> before =
        new ArrayList<>(deliveries.subList(0, deliveries.size() / 2));
    before.addAll(deliveries.subList(0, deliveries.size() / 8));
    test.deliverConcurrently(before);

    Job cancelled = test.cancel(job);
    assertEquals(JobState.CANCELLED, cancelled.state());
    assertNull(cancelled.leaseUntil());
    assertEquals(ResultsFile.objectName(job.jobId()), cancelled.resultsFile());
    Map<String, Profile> atCancel = test.storedProfiles();
    List<RowResult> applied = test.appliedRows(job);
    assertTrue(
        applied.size() > 0 && applied.size() < 400,
        "the cancel came mid-import: " + applied.size());
    assertEquals(ChunkApplierIT.applyInFileOrder(applied), atCancel, "whole chunks, file order");
    PartitionTotals totals = test.partitions.totals(job);
    assertEquals(applied.size(), totals.rows());
    assertEquals(totals.successes(), cancelled.successesCount());
    assertEquals(totals.failures(), cancelled.failuresCount());
    assertEquals(
        applied.size(),
        cancelled.successesCount() + cancelled.failuresCount() + cancelled.skippedCount());

    List<ChunkApplier.Delivery> after = new ArrayList<>(deliveries);
    after.addAll(deliveries);
    Collections.shuffle(after, new Random(28));
    for (ChunkApplier.Delivery delivery : after) {
      assertNotEquals(ChunkApplier.Outcome.APPLIED, test.applier.apply(delivery));
    }
    assertEquals(atCancel, test.storedProfiles(), "no row applied after the job ended");
    assertEquals(cancelled, job(job), "and the job is as the cancel left it");
    assertEquals(JobState.CANCELLED, test.cancel(job).state(), "a second cancel: the same");
  }

  /**
   * A cancelled job's files are those of what it applied: its results file names exactly the failed
   * rows of the chunks applied before the cancel, and its failed-rows file holds those rows to fix.
   * A canceller that dies after stopping the job and before ending it leaves it CANCELLING: the
   * watchdog's next sweep writes the files and ends it, once.
   */
  @Test
  void aCancelledJobGetsTheFilesOfWhatItAppliedEvenIfItsCancellerDied() throws Exception {
    StringBuilder csv = new StringBuilder("userId,Age<int>\n");
    for (int i = 1; i <= 200; i++) {
      csv.append("user-").append(i).append(',').append(i % 7 == 0 ? "old" : i).append('\n');
    }
    NewImport object = test.upload("imports/ages.csv", 1, csv.toString(), "setUserAttributes");
    Job job = job(test.fanOut.start(object, "event-1"));
    List<ChunkApplier.Delivery> deliveries = test.deliveries();
    test.deliverConcurrently(deliveries.subList(0, deliveries.size() / 2));

    Job stopping = test.jobs.stop(job).job();
    assertEquals(JobState.CANCELLING, stopping.state(), "the canceller dies here");
    for (ChunkApplier.Delivery delivery : deliveries) {
      assertNotEquals(ChunkApplier.Outcome.APPLIED, test.applier.apply(delivery));
    }
    assertEquals(JobState.CANCELLING, job(job).state());
    test.watchdog(Clock.systemUTC()).sweep();

    Job cancelled = job(job);
    assertEquals(JobState.CANCELLED, cancelled.state());
    List<Long> failedApplied = new ArrayList<>();
    for (RowResult row : test.appliedRows(job)) {
      if (!row.succeeded()) {
        failedApplied.add(row.row());
      }
    }
    assertTrue(failedApplied.size() > 0 && failedApplied.size() < 200 / 7, "" + failedApplied);
    assertEquals(failedApplied.size(), cancelled.failuresCount());
    String results = text(cancelled.resultsFile());
    List<Long> inResults = new ArrayList<>();
    for (String line : results.split("\n")) {
      inResults.add(
          com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("row").getAsLong());
      assertTrue(line.contains("old"), "names the value: " + line);
    }
    Collections.sort(failedApplied);
    assertEquals(failedApplied, inResults, "the failed rows applied before the cancel, no other");
    assertEquals(FailedRowsFile.objectName(job.jobId()), cancelled.failedRowsFile());
    String[] failedRows = text(cancelled.failedRowsFile()).split("\r?\n");
    assertEquals(failedApplied.size() + 1, failedRows.length, "a header and each failed row");
    assertTrue(failedRows[1].endsWith(",old"), failedRows[1]);

    test.watchdog(Clock.systemUTC()).sweep();
    assertEquals(cancelled, job(job), "a later sweep changes nothing");
    assertEquals(cancelled, test.cancel(job), "nor does a later cancel");
  }

  private String text(String object) {
    return new String(
        test.storage.readAllBytes(TestPipeline.BUCKET, object), StandardCharsets.UTF_8);
  }

  /**
   * The fan-out held at its first publish, the job cancelled, the fan-out let go: it stops at its
   * next checkpoint, publishing at most one more segment; what it published applies nothing; a
   * redelivered finalize event or a follow-up publishes nothing more.
   */
  @Test
  void aCancelStopsTheFanOut() throws Exception {
    String csv = ChunkApplierIT.orderSensitiveFile(400, 5);
    NewImport object = test.upload("imports/users.csv", 1, csv, "setUserAttributes");
    test.publishGate = new CountDownLatch(1);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<Job> fanOut = thread.submit(() -> test.fanOut.start(object, "event-1"));
      assertTrue(test.publishing.await(2, TimeUnit.MINUTES), "the fan-out reached its publishes");
      Job running = test.jobs.newestOf(TestPipeline.APP, "imports/users.csv").orElseThrow();
      assertEquals(JobState.CANCELLED, test.cancel(running).state());
      test.publishGate.countDown();
      fanOut.get(2, TimeUnit.MINUTES);
      Job cancelled = job(running);
      assertEquals(JobState.CANCELLED, cancelled.state());
      assertFalse(cancelled.fanOutComplete(), "the fan-out stopped before the file's end");
      int rowsPublished = test.published.stream().mapToInt(TestPipeline::rowsIn).sum();
      assertTrue(rowsPublished <= 40 + 4 * 5, "at most a segment more: " + rowsPublished);

      for (ChunkApplier.Delivery delivery : test.deliveries()) {
        assertNotEquals(ChunkApplier.Outcome.APPLIED, test.applier.apply(delivery));
      }
      assertTrue(test.storedProfiles().isEmpty());
      int published = test.published.size();
      test.fanOut.start(object, "event-1");
      test.fanOut.resume(TestPipeline.APP, running.jobId(), "follow-up");
      assertEquals(published, test.published.size(), "nothing more is published");
      assertEquals(cancelled, job(running));
    } finally {
      test.publishGate.countDown();
      thread.shutdownNow();
    }
  }

  /**
   * A call retried when the emulator gives up on its transaction under contention, as Pub/Sub would
   * redeliver and a person would click again.
   */
  private static <T> T retried(java.util.concurrent.Callable<T> call) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (dev.csvimport.ports.StoreException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * Over many rounds, every chunk but one applied, then the last chunk and a cancel at once: the
   * job ends FINISHED with every row, or CANCELLED with the counts of what was applied (without the
   * last chunk, or with it when the cancel came between its commit and the job's finish), never
   * both, and stays so under redelivery and a later cancel.
   */
  @Test
  void aCancelRacingTheJobsEndLosesCleanly() throws Exception {
    Set<JobState> seen = EnumSet.noneOf(JobState.class);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 12; round++) {
        test.published.clear();
        String csv =
            ChunkApplierIT.orderSensitiveFile(60, round).replace("user-", "r" + round + "-");
        NewImport object =
            test.upload("imports/race-" + round + ".csv", 1, csv, "setUserAttributes");
        Job job = job(test.fanOut.start(object, "event-" + round));
        List<ChunkApplier.Delivery> deliveries = test.deliveries();
        ChunkApplier.Delivery last = deliveries.get(deliveries.size() - 1);
        for (ChunkApplier.Delivery delivery : deliveries.subList(0, deliveries.size() - 1)) {
          test.applier.apply(delivery);
        }
        CountDownLatch go = new CountDownLatch(1);
        Future<?> applying =
            threads.submit(
                () -> {
                  go.await();
                  return retried(() -> test.applier.apply(last));
                });
        Future<Job> cancelling =
            threads.submit(
                () -> {
                  go.await();
                  return retried(() -> test.cancel(job));
                });
        go.countDown();
        applying.get(2, TimeUnit.MINUTES);
        cancelling.get(2, TimeUnit.MINUTES);
        for (ChunkApplier.Delivery delivery : deliveries) {
          test.applier.apply(delivery);
        }
        test.cancel(job);
        Job ended = job(job);
        seen.add(ended.state());
        long counted = ended.successesCount() + ended.failuresCount() + ended.skippedCount();
        if (ended.state() == JobState.FINISHED) {
          assertEquals(60, counted, "round " + round);
        } else {
          assertEquals(JobState.CANCELLED, ended.state(), "round " + round);
          // The cancel came before the last chunk, or after it but before the job was finished.
          long withoutLast = 60 - TestPipeline.rowsIn(test.published.get(deliveries.size() - 1));
          assertTrue(counted == withoutLast || counted == 60, "round " + round + ": " + counted);
          assertEquals(ResultsFile.objectName(job.jobId()), ended.resultsFile());
        }
        assertEquals(test.appliedRows(job).size(), counted, "round " + round);
      }
    } finally {
      threads.shutdownNow();
    }
    assertFalse(seen.isEmpty());
  }
}
