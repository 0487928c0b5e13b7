package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.fanout.FanOutBusy;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Imports under injected faults: Firestore transactions that fail before or after their commit,
 * reads that fail, publishes that crash the fan-out mid-file, results uploads that fail midway;
 * every failed delivery is delivered again (as Pub/Sub and Eventarc would), chunks arrive shuffled
 * and some twice. Every job must end FINISHED with counts that add up, and every profile must equal
 * the file-order oracle.
 *
 * <p>CI runs a few imports; {@code mvn -B verify -pl runner -Dit.test=ChaosIT -Dchaos.imports=200}
 * runs many, and prints its figures (docs/architecture.md holds the last run's).
 */
@ExtendWith(EmulatorsExtension.class)
class ChaosIT {

  private static final int IMPORTS = Integer.getInteger("chaos.imports", 12);
  private static final long SEED = Long.getLong("chaos.seed", 20261123L);

  /**
   * Far more than faults at these rates ever need; reaching it would be a stuck delivery, a failure
   * of the test.
   */
  private static final int MAX_ATTEMPTS = 50;

  private TestPipeline test;
  private final Random random = new Random(SEED);
  private int fanOutFaults;
  private int uploadFaults;
  private int redeliveries;
  private int watchdogDrains;

  @BeforeEach
  void start(Emulators emulators) {
    test =
        new TestPipeline(
            emulators,
            new Settings(
                Map.of(
                    Settings.PARTITIONS,
                    "3",
                    Settings.CHUNK_ROWS,
                    "4",
                    Settings.SEGMENT_ROWS,
                    "16")));
  }

  @AfterEach
  void stop() throws Exception {
    test.close();
  }

  @Test
  void everyJobEndsAndEveryProfileEqualsTheFileOrderOracle() throws Exception {
    int mismatches = 0;
    long rows = 0;
    for (int i = 0; i < IMPORTS; i++) {
      String csv =
          ChunkApplierIT.orderSensitiveFile(20 + random.nextInt(120), random.nextLong())
              .replace("\nuser-", "\nc" + i + "-user-");
      Job job = importUnderFaults(i, csv, -1);
      test.partitions.faultRate = 0;
      test.faultyStorage.bytesBeforeFailure.set(-1);
      for (int sweep = 0;
          sweep < 3 && !test.jobs.get(job.appId(), job.jobId()).orElseThrow().state().ended();
          sweep++) {
        watchdogDrains += test.watchdog(Clock.systemUTC()).sweep().partitionsDrained();
      }
      Job ended = test.jobs.get(job.appId(), job.jobId()).orElseThrow();
      assertEquals(JobState.FINISHED, ended.state(), "import " + i + " ended: " + ended);
      assertEquals(
          ended.rowsRead(),
          ended.successesCount() + ended.failuresCount(),
          "counts add up, import " + i);
      rows += ended.rowsRead();
      if (!ChunkApplierIT.applyInFileOrder(csv, ended).equals(storedProfiles("c" + i + "-"))) {
        mismatches++;
      }
    }
    System.out.printf(
        "chaos: %d imports, %d rows, seed %d; faults injected: %d store (before or after commit, or"
            + " reads), %d fan-out crashes, %d results uploads armed to fail midway; %d"
            + " redeliveries; %d partitions drained by the watchdog; %d mismatches%n",
        IMPORTS,
        rows,
        SEED,
        test.partitions.injected.get(),
        fanOutFaults,
        uploadFaults,
        redeliveries,
        watchdogDrains,
        mismatches);
    assertEquals(0, mismatches, "profiles that differ from the file-order oracle");
  }

  /**
   * Imports under faults, as the cancel's race with deliveries under faults: with {@code cancelAt}
   * at least 0, the job is cancelled before that delivery.
   */
  private Job importUnderFaults(int i, String csv, int cancelAt) throws Exception {
    NewImport object = test.upload("imports/chaos-" + i + ".csv", i + 1, csv, "setUserAttributes");
    int before = test.published.size();
    test.partitions.faultRate = 0.08;
    fanOutWithRetries(() -> test.fanOut.start(object, "finalize-" + i));
    Job job = test.jobs.get(object.appId(), test.newJobs.forObject(object).jobId()).orElseThrow();
    while (!test.fanOutRequests.isEmpty()) {
      String jobId = test.fanOutRequests.remove(0);
      fanOutWithRetries(() -> test.fanOut.resume(TestPipeline.APP, jobId, "follow-up"));
    }
    List<ChunkApplier.Delivery> chunks = new ArrayList<>();
    for (TestPipeline.Published published : test.published.subList(before, test.published.size())) {
      chunks.add(published.delivery());
      if (random.nextInt(5) == 0) {
        chunks.add(published.delivery());
      }
    }
    java.util.Collections.shuffle(chunks, random);
    Deque<ChunkApplier.Delivery> queue = new ArrayDeque<>(chunks);
    Map<ChunkApplier.Delivery, Integer> attempts = new java.util.IdentityHashMap<>();
    int delivered = 0;
    while (!queue.isEmpty()) {
      if (delivered++ == cancelAt) {
        test.cancel(job);
      }
      ChunkApplier.Delivery delivery = queue.poll();
      if (random.nextInt(20) == 0) {
        test.faultyStorage.bytesBeforeFailure.set(random.nextInt(200));
        uploadFaults++;
      }
      try {
        test.applier.apply(delivery);
      } catch (Exception e) {
        int attempt = attempts.merge(delivery, 1, Integer::sum);
        if (attempt >= MAX_ATTEMPTS) {
          throw new AssertionError("a chunk failed " + attempt + " deliveries", e);
        }
        redeliveries++;
        queue.add(delivery);
      }
    }
    return job;
  }

  /**
   * Imports cancelled at a random delivery, under the same faults and redeliveries: each ends
   * CANCELLED (or FINISHED, where every chunk was in before the cancel) with counts equal to the
   * chunks its cursors passed, and its profiles equal those chunks' rows applied in file order.
   */
  @Test
  void cancelledImportsKeepExactlyTheWholeChunksTheyApplied() throws Exception {
    int cancelled = 0;
    for (int i = 0; i < Math.max(4, IMPORTS / 2); i++) {
      String csv =
          ChunkApplierIT.orderSensitiveFile(40 + random.nextInt(100), random.nextLong())
              .replace("\nuser-", "\nx" + i + "-user-");
      Job job = importUnderFaults(100 + i, csv, random.nextInt(30));
      test.partitions.faultRate = 0;
      test.faultyStorage.bytesBeforeFailure.set(-1);
      Job ended = test.jobs.get(job.appId(), job.jobId()).orElseThrow();
      assertTrue(
          ended.state() == JobState.CANCELLED || ended.state() == JobState.FINISHED,
          "import " + i + " ended: " + ended);
      cancelled += ended.state() == JobState.CANCELLED ? 1 : 0;
      List<dev.csvimport.engine.operation.RowResult> applied = test.appliedRows(ended);
      assertEquals(
          applied.size(),
          ended.successesCount() + ended.failuresCount(),
          "counts are the applied chunks', import " + i);
      assertEquals(
          ChunkApplierIT.applyInFileOrder(applied),
          storedProfiles("x" + i + "-"),
          "whole chunks in file order, import " + i);
    }
    System.out.printf("chaos with cancels: %d of the imports ended CANCELLED%n", cancelled);
    assertTrue(cancelled > 0, "the cancels came mid-import");
  }

  private interface Invocation {
    void run() throws Exception;
  }

  /**
   * Runs a fan-out invocation until it succeeds, crashing some publishes, as Eventarc's retries
   * would.
   */
  private void fanOutWithRetries(Invocation invocation) throws Exception {
    for (int attempt = 1; ; attempt++) {
      boolean crash = random.nextInt(4) == 0;
      test.publishesBeforeCrash = crash ? random.nextInt(20) : -1;
      try {
        invocation.run();
        test.publishesBeforeCrash = -1;
        return;
      } catch (FanOutBusy | IllegalStateException | dev.csvimport.ports.StoreException e) {
        if (crash) {
          fanOutFaults++;
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new AssertionError("a fan-out failed " + attempt + " times", e);
        }
      } finally {
        test.publishesBeforeCrash = -1;
      }
    }
  }

  private Map<String, Profile> storedProfiles(String prefix) throws Exception {
    Map<String, Profile> profiles = new TreeMap<>();
    for (QueryDocumentSnapshot doc :
        test.stages.layout().users(TestPipeline.APP).get().get().getDocuments()) {
      String userId = doc.getString("userId");
      if (userId.startsWith(prefix)) {
        profiles.put(userId, test.profiles.profile(TestPipeline.APP, userId).orElseThrow());
      }
    }
    return profiles;
  }
}
