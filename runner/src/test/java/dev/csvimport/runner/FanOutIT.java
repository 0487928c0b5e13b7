package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.chunk.EncodedChunk;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.FanOutBusy;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The trigger's promise on the Firestore emulator: one job per object generation, every chunk
 * published, resumable.
 */
@ExtendWith(EmulatorsExtension.class)
class FanOutIT {

  private static final Settings SMALL =
      new Settings(
          Map.of(Settings.PARTITIONS, "4", Settings.CHUNK_ROWS, "5", Settings.SEGMENT_ROWS, "20"));
  private TestPipeline test;

  @AfterEach
  void stop() throws Exception {
    test.close();
  }

  private Job stored(Job job) throws Exception {
    return test.jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  private void applyAll() throws Exception {
    for (ChunkApplier.Delivery delivery : test.deliveries()) {
      test.applier.apply(delivery);
    }
  }

  /** The chunks an uninterrupted fan-out publishes, read straight from the engine. */
  private static List<EncodedChunk> chunksOf(String csv, Job job) throws Exception {
    List<EncodedChunk> chunks = new ArrayList<>();
    new ImportReader(job.limits())
        .read(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
            new ImportOptions(job.action(), job.createdAt()),
            chunks::add);
    return chunks;
  }

  @Test
  void aDuplicateEventCreatesNoSecondJobAndPublishesNothingNew(Emulators emulators)
      throws Exception {
    test = new TestPipeline(emulators, SMALL);
    NewImport object =
        test.upload("imports/users.csv", 7, ChunkApplierIT.orderSensitiveFile(60, 1), null);
    Job first = test.fanOut.start(object, "event-1");
    int published = test.published.size();
    Job again = test.fanOut.start(object, "event-1-redelivered");
    assertEquals(first.jobId(), again.jobId());
    assertEquals(published, test.published.size(), "nothing published twice");
    assertEquals(1, test.jobs.list(TestPipeline.APP, 10, null).size());
  }

  @Test
  void anOverwriteIsANewJob(Emulators emulators) throws Exception {
    test = new TestPipeline(emulators, SMALL);
    Job first =
        test.fanOut.start(
            test.upload("imports/users.csv", 7, "userId,Plan\nu1,gold\n", "setUserAttributes"),
            "event-1");
    Job second =
        test.fanOut.start(
            test.upload("imports/users.csv", 8, "userId,Plan\nu1,silver\n", "setUserAttributes"),
            "event-2");
    assertNotEquals(first.jobId(), second.jobId());
    assertEquals(2, test.jobs.list(TestPipeline.APP, 10, null).size());
  }

  @Test
  void aTinyTimeBudgetHandsOverAtCheckpointsAndStillPublishesEveryChunkOnce(Emulators emulators)
      throws Exception {
    test = new TestPipeline(emulators, SMALL.with(Settings.FANOUT_BUDGET_SECONDS, "0"));
    String csv = ChunkApplierIT.orderSensitiveFile(130, 2);
    Job job =
        test.fanOut.start(test.upload("imports/users.csv", 1, csv, "setUserAttributes"), "event");
    int invocations = 1;
    while (!test.fanOutRequests.isEmpty()) {
      String jobId = test.fanOutRequests.remove(0);
      test.fanOut.resume(TestPipeline.APP, jobId, "continuation-" + invocations++);
    }
    assertEquals(7, invocations, "one segment of 20 rows per invocation: 130 rows make 7");
    List<EncodedChunk> expected = chunksOf(csv, stored(job));
    assertEquals(expected.size(), test.published.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).payload(), test.published.get(i).chunk().payload());
    }
    applyAll();
    Job finished = stored(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(130, finished.successesCount() + finished.failuresCount());
  }

  /**
   * A job's partitions are sized from its rows when the file is checked, and recorded for every
   * later invocation.
   */
  @Test
  void aJobUsesAsManyPartitionsAsItsRowsFillChunksUpToTheLimit(Emulators emulators)
      throws Exception {
    test = new TestPipeline(emulators, SMALL);
    Job small =
        test.fanOut.start(
            test.upload(
                "imports/small.csv",
                1,
                ChunkApplierIT.orderSensitiveFile(5, 5),
                "setUserAttributes"),
            "event-small");
    assertEquals(1, stored(small).limits().partitions(), "5 rows fill one chunk of 5");
    assertTrue(test.published.stream().allMatch(p -> p.chunk().partition() == 0));
    assertEquals(
        5L,
        test.firestore
            .collection("apps")
            .document(TestPipeline.APP)
            .collection("jobs")
            .document(small.jobId())
            .get()
            .get()
            .getLong("rowsInFile"));
    Job large =
        test.fanOut.start(
            test.upload(
                "imports/large.csv",
                1,
                ChunkApplierIT.orderSensitiveFile(130, 40),
                "setUserAttributes"),
            "event-large");
    assertEquals(
        4, stored(large).limits().partitions(), "130 rows fill 26 chunks; the deployment allows 4");
    applyAll();
    assertEquals(JobState.FINISHED, stored(small).state());
    assertEquals(JobState.FINISHED, stored(large).state());
  }

  /**
   * The pipeline counts a job's billable operations as it goes: here, every one of a 3-row file.
   */
  @Test
  void aJobsOperationsAreCounted(Emulators emulators) throws Exception {
    test = new TestPipeline(emulators, SMALL);
    Job job =
        test.fanOut.start(
            test.upload(
                "imports/users.csv", 1, "userId,Plan\nu1,a\nu2,b\nu1,c\n", "setUserAttributes"),
            "event");
    applyAll();
    assertEquals(JobState.FINISHED, stored(job).state());
    Map<String, Long> operations =
        test.jobs.operations(stored(job), test.partitions.totals(stored(job)));
    assertEquals(
        Map.of(
            "fanOut.invocations",
            1L,
            "fanOut.messages",
            1L,
            "fanOut.reads",
            3L,
            "fanOut.writes",
            5L),
        Map.of(
            "fanOut.invocations",
            operations.get("fanOut.invocations"),
            "fanOut.messages",
            operations.get("fanOut.messages"),
            "fanOut.reads",
            operations.get("fanOut.reads"),
            "fanOut.writes",
            operations.get("fanOut.writes")),
        "one invocation: lease, check, one chunk, completion");
    assertEquals(test.published.get(0).chunk().payload().length, operations.get("fanOut.bytes"));
    assertEquals(3L, operations.get("apply.reads"), "the cursor and two profiles");
    assertEquals(3L, operations.get("apply.writes"), "two profiles and the cursor");
    assertEquals(0L, operations.get("apply.deletes"));
    assertEquals(1L, operations.get("apply.transactions"));
    assertEquals(1L, operations.get("apply.attempts"));
  }

  /** A fan-out resumed under another deployment's limits cuts the chunks its job recorded. */
  @Test
  void aResumedFanOutUsesTheRecordedPartitions(Emulators emulators) throws Exception {
    test = new TestPipeline(emulators, SMALL.with(Settings.FANOUT_BUDGET_SECONDS, "0"));
    String csv = ChunkApplierIT.orderSensitiveFile(60, 12);
    Job job =
        test.fanOut.start(test.upload("imports/users.csv", 1, csv, "setUserAttributes"), "event");
    assertEquals(4, stored(job).limits().partitions());
    FanOut redeployed = test.fanOutUnder(SMALL.with(Settings.PARTITIONS, "2"));
    while (!test.fanOutRequests.isEmpty()) {
      redeployed.resume(TestPipeline.APP, test.fanOutRequests.remove(0), "continuation");
    }
    assertEquals(4, stored(job).limits().partitions());
    List<EncodedChunk> expected = chunksOf(csv, stored(job));
    assertEquals(expected.size(), test.published.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).payload(), test.published.get(i).chunk().payload());
    }
    applyAll();
    assertEquals(JobState.FINISHED, stored(job).state());
  }

  @Test
  void aCrashMidFileResumesAtTheCheckpointAndAppliesNothingTwice(Emulators emulators)
      throws Exception {
    test = new TestPipeline(emulators, SMALL);
    String csv = ChunkApplierIT.orderSensitiveFile(130, 3);
    NewImport object = test.upload("imports/users.csv", 1, csv, "setUserAttributes");
    test.publishesBeforeCrash = 17;
    assertThrows(IllegalStateException.class, () -> test.fanOut.start(object, "event-1"));
    Job crashed = stored(test.newJobs.forObject(object));
    assertEquals(JobState.RUNNING, crashed.state());
    assertTrue(crashed.segmentsPublished() > 0, "a checkpoint was passed before the crash");
    assertFalse(crashed.fanOutComplete());

    test.publishesBeforeCrash = -1;
    test.fanOut.start(object, "event-1");
    Set<String> distinct = new HashSet<>();
    test.published.forEach(p -> distinct.add(p.chunk().partition() + "/" + p.chunk().sequence()));
    assertTrue(
        test.published.size() > distinct.size(),
        "the segment cut by the crash was published again");
    assertEquals(chunksOf(csv, crashed).size(), distinct.size());

    applyAll();
    Job finished = stored(crashed);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(130, finished.successesCount() + finished.failuresCount());
    assertEquals(
        ChunkApplierIT.applyInFileOrder(csv, finished).get("user-1"),
        test.profiles.profile(TestPipeline.APP, "user-1").orElseThrow());
  }

  @Test
  void aBrokenFileFailsItsJobWithTheEnginesMessageAndPublishesNothing(Emulators emulators)
      throws Exception {
    test = new TestPipeline(emulators, SMALL);
    String csv = ChunkApplierIT.orderSensitiveFile(60, 4) + "u9,\"never closed\n";
    Job job =
        test.fanOut.start(test.upload("imports/users.csv", 1, csv, "setUserAttributes"), "event");
    Job failed = stored(job);
    assertEquals(JobState.FAILED, failed.state());
    assertTrue(
        failed.failure().contains("not valid CSV") && failed.failure().contains("line 62"),
        failed.failure());
    assertTrue(test.published.isEmpty());
  }

  @Test
  void anotherInvocationHoldingTheJobMakesThisOneTryAgainLater(Emulators emulators)
      throws Exception {
    test = new TestPipeline(emulators, SMALL);
    NewImport object =
        test.upload("imports/users.csv", 1, "userId,Plan\nu1,gold\n", "setUserAttributes");
    Job job = test.jobs.createIfAbsent(test.newJobs.forObject(object));
    assertTrue(test.leases.acquire(job, "someone-else", Duration.ofMinutes(5)).wrote());
    assertThrows(FanOutBusy.class, () -> test.fanOut.start(object, "event-1"));
    assertTrue(test.published.isEmpty());
    Map<String, Long> operations =
        test.jobs.operations(stored(job), test.partitions.totals(stored(job)));
    assertEquals(
        Map.of(
            "fanOut.invocations",
            1L,
            "fanOut.messages",
            0L,
            "fanOut.reads",
            1L,
            "fanOut.writes",
            1L),
        Map.of(
            "fanOut.invocations",
            operations.get("fanOut.invocations"),
            "fanOut.messages",
            operations.get("fanOut.messages"),
            "fanOut.reads",
            operations.get("fanOut.reads"),
            "fanOut.writes",
            operations.get("fanOut.writes")),
        "the refused invocation is billed: it read the job, and wrote its tally");
  }
}
