package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.FanOutBusy;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.store.FirestoreLayout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fan-out's lease: short, renewed by a heartbeat while its invocation works, so that a fan-out
 * whose instance died (killed with {@code kill -9}, replaced by Cloud Run: no code of it runs
 * again) is taken over as soon as its renewals stop, while a live one is never taken from. The
 * lease here lasts 3 seconds (60 in a deployment).
 */
@ExtendWith(EmulatorsExtension.class)
class FanOutLeaseIT {

  private static final Duration TERM = Duration.ofSeconds(3);
  private static final Duration PATIENCE = Duration.ofSeconds(60);
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
                    "4",
                    Settings.FANOUT_LEASE_SECONDS,
                    Long.toString(TERM.toSeconds()))));
  }

  @AfterEach
  void stop() throws Exception {
    CountDownLatch gate = test.publishGate;
    if (gate != null) {
      gate.countDown();
    }
    test.close();
  }

  private static String logins(int rows) {
    return "userId,userAttributeValuesToIncrement.Logins\n" + "u1,1\n".repeat(rows);
  }

  private Job job(String appId, String jobId) throws Exception {
    return test.jobs.get(appId, jobId).orElseThrow();
  }

  /**
   * The job as stored once {@code until} holds of it, looked at every 100 ms; fails after {@link
   * #PATIENCE}.
   */
  private Job awaitJob(
      String appId, String jobId, java.util.function.Predicate<Job> until, String what)
      throws Exception {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      Job job = job(appId, jobId);
      if (until.test(job)) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the job never came to: " + what);
  }

  /**
   * A fan-out of the object started on its own thread, held at its first publish until the test
   * opens the gate.
   */
  private CompletableFuture<Job> fanOutHeldAtItsFirstPublish(NewImport object) {
    test.publishGate = new CountDownLatch(1);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return test.fanOut.start(object, "event-1");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aLiveFanOutKeepsItsLeaseLongPastItsTermAndNoOneTakesTheJobFromIt() throws Exception {
    NewImport object = test.upload("imports/users.csv", 1, logins(12), "setUserAttributes");
    String jobId = test.newJobs.forObject(object).jobId();
    CompletableFuture<Job> live = fanOutHeldAtItsFirstPublish(object);
    assertTrue(
        test.publishing.await(PATIENCE.toSeconds(), TimeUnit.SECONDS),
        "the fan-out reached its first publish");
    Instant firstUntil = job(object.appId(), jobId).leaseUntil();
    // Held at a publish for two terms and more: only the heartbeat can keep the lease, and it does.
    Job renewed =
        awaitJob(
            object.appId(),
            jobId,
            j ->
                j.leaseUntil() != null
                    && j.leaseUntil().isAfter(firstUntil.plus(TERM.multipliedBy(2))),
            "its lease renewed past two terms after the first");
    assertTrue(Instant.now().isAfter(firstUntil), "the first term is over: " + firstUntil);
    assertThrows(
        FanOutBusy.class,
        () -> test.fanOut.resume(object.appId(), jobId, "fanout-message-7"),
        "a follow-up or a watchdog request finds the job held");
    assertEquals(
        0, test.watchdog(Clock.systemUTC()).sweep().fanOutsResumed(), "the watchdog sees it held");
    assertEquals(JobState.RUNNING, renewed.state());

    test.publishGate.countDown();
    live.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    Job done = job(object.appId(), jobId);
    assertTrue(done.fanOutComplete());
    assertNull(done.leaseUntil(), "given back when the fan-out ended");
  }

  /**
   * Exactly what {@code kill -9} of the trigger's instance leaves: a lease, renewed until the
   * moment of death, that nothing gives back. The redelivered event (same id: takes it back at
   * once) is one way back; here the watchdog's request (another owner) must wait for the term to
   * run out, and not a moment longer.
   */
  @Test
  void aFanOutWhoseInstanceDiedIsTakenOverAsSoonAsItsLeaseRunsOut() throws Exception {
    NewImport object = test.upload("imports/users.csv", 1, logins(12), "setUserAttributes");
    Job job = test.jobs.createIfAbsent(test.newJobs.forObject(object));
    assertTrue(test.leases.acquire(job, "instance-killed", TERM).wrote());
    assertTrue(test.leases.renew(job, "instance-killed", TERM).wrote(), "its last renewal");
    Instant lastRenewal = Instant.now();
    Job dead = job(job.appId(), job.jobId());

    assertEquals(
        0,
        test.watchdog(Clock.systemUTC()).sweep().fanOutsResumed(),
        "within its term it may be alive");
    assertThrows(
        FanOutBusy.class, () -> test.fanOut.resume(job.appId(), job.jobId(), "watchdog-request"));
    // Once the term ran out unrenewed, the watchdog asks for the fan-out at its next sweep,
    // whatever STALL_MINUTES.
    assertEquals(
        1,
        test.watchdog(Clock.offset(Clock.systemUTC(), TERM.plusSeconds(1)))
            .sweep()
            .fanOutsResumed());
    assertEquals(List.of(job.jobId()), test.fanOutRequests);

    Instant takenOver = null;
    Instant deadline = Instant.now().plus(PATIENCE);
    while (takenOver == null && Instant.now().isBefore(deadline)) {
      try {
        test.fanOut.resume(job.appId(), job.jobId(), "watchdog-request");
        takenOver = Instant.now();
      } catch (FanOutBusy busy) {
        Thread.sleep(100);
      }
    }
    assertTrue(takenOver != null, "taken over");
    assertFalse(
        takenOver.isBefore(dead.leaseUntil()), "never while the lease could still be renewed");
    assertTrue(
        Duration.between(lastRenewal, takenOver).compareTo(TERM.plusSeconds(3)) < 0,
        "taken over within moments of the term's end: " + Duration.between(lastRenewal, takenOver));

    for (ChunkApplier.Delivery delivery : test.deliveries()) {
      test.applier.apply(delivery);
    }
    Job finished = job(job.appId(), job.jobId());
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(12, finished.successesCount());
    assertEquals(
        12L,
        test.profiles.profile(TestPipeline.APP, "u1").orElseThrow().attributes().get("Logins"));
  }

  @Test
  void aFanOutPresumedDeadThatComesBackStopsWithoutTouchingTheNewHoldersCheckpoint()
      throws Exception {
    NewImport object = test.upload("imports/users.csv", 1, logins(12), "setUserAttributes");
    String jobId = test.newJobs.forObject(object).jobId();
    CompletableFuture<Job> frozen = fanOutHeldAtItsFirstPublish(object);
    assertTrue(test.publishing.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    // Another invocation took the job over (as after a freeze longer than the term) and
    // checkpointed further.
    new FirestoreLayout(test.firestore)
        .job(object.appId(), jobId)
        .update(Map.of("leaseOwner", "new-holder", "segmentsPublished", 2, "rowsRead", 8L))
        .get();

    test.publishGate.countDown();
    frozen.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    Job after = job(object.appId(), jobId);
    assertEquals(2, after.segmentsPublished(), "the new holder's checkpoint stands");
    assertFalse(after.fanOutComplete(), "the one that lost the lease did not complete the fan-out");
    assertTrue(after.leaseUntil() != null, "nor gave back a lease that was not its own");
    assertTrue(
        test.published.size() <= 2,
        "it stopped by its next checkpoint at the latest (2 chunks a segment): "
            + test.published.size());
  }
}
