package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.ports.StoreException;
import dev.csvimport.watchdog.Watchdog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jobs that stopped moving are moved or ended by the watchdog; time passes through its clock, never
 * by sleeping.
 */
@ExtendWith(EmulatorsExtension.class)
class WatchdogIT {

  private TestPipeline test;

  @BeforeEach
  void start(Emulators emulators) {
    test =
        new TestPipeline(
            emulators,
            new Settings(
                Map.of(
                    Settings.PARTITIONS,
                    "1",
                    Settings.CHUNK_ROWS,
                    "2",
                    Settings.SEGMENT_ROWS,
                    "4")));
  }

  @AfterEach
  void stop() throws Exception {
    test.close();
  }

  private static Clock later(Duration by) {
    return Clock.offset(Clock.systemUTC(), by);
  }

  private Job job(Job job) throws Exception {
    return test.jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  private static String logins(int rows) {
    return "userId,userAttributeValuesToIncrement.Logins\n" + "u1,1\n".repeat(rows);
  }

  /**
   * A fan-out killed mid-file (no invocation holds it, nothing asks for it again) is asked for
   * again.
   */
  @Test
  void aFanOutThatDiedMidFileIsResumed() throws Exception {
    NewImport object = test.upload("imports/users.csv", 1, logins(20), "setUserAttributes");
    test.publishesBeforeCrash = 5;
    assertThrows(IllegalStateException.class, () -> test.fanOut.start(object, "event-1"));
    Job crashed =
        test.jobs.get(object.appId(), test.newJobs.forObject(object).jobId()).orElseThrow();
    assertEquals(JobState.RUNNING, crashed.state());
    assertTrue(
        crashed.waiting() != null && crashed.waiting().contains("simulated crash"),
        "getMultiResults says it waits for a retry: " + crashed.waiting());

    assertEquals(0, test.watchdog(Clock.systemUTC()).sweep().fanOutsResumed(), "not stalled yet");
    Watchdog.Sweep sweep = test.watchdog(later(Duration.ofMinutes(20))).sweep();
    assertEquals(1, sweep.fanOutsResumed());
    assertEquals(List.of(crashed.jobId()), test.fanOutRequests);

    test.publishesBeforeCrash = -1;
    test.fanOut.resume(crashed.appId(), crashed.jobId(), "watchdog-request");
    for (ChunkApplier.Delivery delivery : test.deliveries()) {
      test.applier.apply(delivery);
    }
    Job finished = job(crashed);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(20, finished.successesCount());
    assertEquals(
        20L,
        test.profiles.profile(TestPipeline.APP, "u1").orElseThrow().attributes().get("Logins"));
  }

  /**
   * Parked chunks whose predecessor's delivery failed after its commit, and was never redelivered,
   * are applied.
   */
  @Test
  void aPartitionStalledWithParkedChunksIsDrainedAndTheJobFinishes() throws Exception {
    Job job =
        test.fanOut.start(
            test.upload("imports/users.csv", 1, logins(6), "setUserAttributes"), "event-1");
    List<ChunkApplier.Delivery> chunks = test.deliveries();
    assertEquals(3, chunks.size());
    test.applier.apply(chunks.get(2));
    test.applier.apply(chunks.get(1));
    test.partitions.failOnceApplying(1);
    assertThrows(StoreException.class, () -> test.applier.apply(chunks.get(0)));
    assertEquals(JobState.RUNNING, job(job).state());

    Watchdog.Sweep sweep = test.watchdog(Clock.systemUTC()).sweep();
    assertEquals(1, sweep.partitionsDrained());
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(
        6L, test.profiles.profile(TestPipeline.APP, "u1").orElseThrow().attributes().get("Logins"));
  }

  /**
   * A job whose chunk never arrives is failed at its deadline with how far it got; nothing stays
   * RUNNING.
   */
  @Test
  void aJobPastItsDeadlineIsFailedWithHowFarItGot() throws Exception {
    Job job =
        test.fanOut.start(
            test.upload("imports/users.csv", 1, logins(6), "setUserAttributes"), "event-1");
    List<ChunkApplier.Delivery> chunks = test.deliveries();
    test.applier.apply(chunks.get(0));
    test.applier.apply(chunks.get(2));

    assertEquals(0, test.watchdog(later(Duration.ofHours(23))).sweep().jobsFailed());
    assertEquals(JobState.RUNNING, job(job).state());
    assertEquals(1, test.watchdog(later(Duration.ofHours(25))).sweep().jobsFailed());
    Job failed = job(job);
    assertEquals(JobState.FAILED, failed.state());
    assertTrue(
        failed.failure().contains("did not finish within 24 hours (2 of 6 rows"), failed.failure());
    assertFalse(
        test.watchdog(later(Duration.ofHours(25))).sweep().jobsSeen() > 0,
        "an ended job is not seen again");
  }

  /**
   * A job whose progress stands still past the stuck time is logged as stuck on each sweep (what
   * the alert counts), and no longer once it moves.
   */
  @Test
  void aJobWithoutProgressIsLoggedAsStuckUntilItMoves() throws Exception {
    Job job =
        test.fanOut.start(
            test.upload("imports/users.csv", 1, logins(6), "setUserAttributes"), "event-1");
    List<ChunkApplier.Delivery> chunks = test.deliveries();
    test.applier.apply(chunks.get(0));

    assertEquals(
        0, test.watchdog(Clock.systemUTC()).sweep().jobsStuck(), "progress first seen now");
    assertEquals(0, test.watchdog(later(Duration.ofMinutes(20))).sweep().jobsStuck());
    assertEquals(1, test.watchdog(later(Duration.ofMinutes(31))).sweep().jobsStuck());
    assertEquals(
        1,
        test.watchdog(later(Duration.ofMinutes(36))).sweep().jobsStuck(),
        "each sweep, while it stands");

    test.applier.apply(chunks.get(1));
    assertEquals(0, test.watchdog(later(Duration.ofMinutes(41))).sweep().jobsStuck(), "it moved");
    assertEquals(0, test.watchdog(later(Duration.ofMinutes(70))).sweep().jobsStuck());
    assertEquals(
        1, test.watchdog(later(Duration.ofMinutes(72))).sweep().jobsStuck(), "and stood again");
    assertEquals(JobState.RUNNING, job(job).state());
  }
}
