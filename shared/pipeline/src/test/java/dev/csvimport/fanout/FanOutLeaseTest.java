package dev.csvimport.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.job.Job;
import dev.csvimport.ports.LeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's lease over an in-memory store: taken by one owner at a time, renewed while the
 * fan-out works, and, once lost, never used again: no checkpoint, no release.
 */
class FanOutLeaseTest {

  /** Short enough that a test sees a few beats; the waits below are on the beats, not on time. */
  private static final Duration TERM = Duration.ofMillis(300);

  private static final Duration LONG = Duration.ofMinutes(5);

  private final InMemoryLeases store = new InMemoryLeases(Clock.systemUTC());
  private final List<LeaseStore.Transaction> counted = new ArrayList<>();
  private final Job job =
      Job.create(
          "app",
          "job-1",
          "bucket",
          "imports/users.csv",
          1,
          "setUserAttributes",
          "users.csv",
          "ann",
          Instant.now(),
          ChunkLimits.DEFAULT,
          Instant.now().plus(Duration.ofDays(7)));

  private FanOutLease take(String owner, Duration term) throws Exception {
    return FanOutLease.take(store, job, owner, term, counted::add);
  }

  private Boolean nextRenewal() throws InterruptedException {
    Boolean renewed = store.renewals.poll(1, TimeUnit.MINUTES);
    assertNotNull(renewed, "the heartbeat beat");
    return renewed;
  }

  @Test
  void anotherOwnersLiveLeaseKeepsTheJobAndTheSameOwnerTakesItBackAtOnce() throws Exception {
    try (FanOutLease held = take("invocation-1", LONG)) {
      assertNull(take("invocation-2", LONG), "held by invocation-1");
      assertFalse(counted.get(1).wrote(), "its refusal is counted");
      FanOutLease again = take("invocation-1", LONG);
      assertNotNull(again, "a redelivered event is the same owner");
      again.close();
    }
    assertNull(store.owner, "given back on close");
  }

  @Test
  void aLiveFanOutRenewsItsLeaseAndCheckpointsAsItsHolder() throws Exception {
    FanOutLease lease = take("invocation-1", TERM);
    Instant before = store.until;
    assertTrue(nextRenewal());
    assertTrue(nextRenewal());
    assertTrue(store.until.isAfter(before), "each beat moves the term on");
    lease.checkpoint(3, 150_000);
    lease.check();
    assertEquals(3, store.segments);
    assertEquals(150_000, store.rowsRead);
    lease.close();

    assertNull(store.owner, "given back on close");
    // Counted once close has returned: a beat counts its transaction under the lease's lock.
    assertTrue(lease.reads() >= 4, "two beats, a checkpoint and the release each read the job");
    assertTrue(lease.writes() >= 4, "each of them wrote it");
    assertEquals(1, counted.size(), "taking it is billed by the taker");
  }

  @Test
  void aLeaseTakenOverIsLostAtTheNextBeatAndNeitherCheckpointsNorReleases() throws Exception {
    FanOutLease lease = take("invocation-1", TERM);
    store.takenOverBy("watchdog", LONG);
    while (nextRenewal()) {
      // A beat that began before the takeover may still have renewed.
    }

    // The checkpoint is refused by the store whether or not the beat's own finding is recorded yet.
    assertThrows(FanOutLease.Lost.class, () -> lease.checkpoint(9, 9));
    assertThrows(FanOutLease.Lost.class, lease::check);
    lease.close();
    assertEquals("watchdog", store.owner, "the new holder keeps it");
    assertEquals(0, store.segments, "the lost invocation moved no checkpoint");
  }

  @Test
  void aCheckpointAfterATakeoverIsRefusedBeforeAnyBeatNoticed() throws Exception {
    FanOutLease lease = take("invocation-1", LONG);
    store.takenOverBy("invocation-2", LONG);

    assertThrows(FanOutLease.Lost.class, () -> lease.checkpoint(5, 250_000));
    assertThrows(FanOutLease.Lost.class, lease::check, "lost for good");
    lease.close();
    assertEquals("invocation-2", store.owner);
    assertEquals(0, store.rowsRead);
  }
}
