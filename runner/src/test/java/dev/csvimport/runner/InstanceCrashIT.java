package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault suite's crashes of one instance: imports through the functions as deployed ({@link
 * LocalCloud}), each with the trigger's or the processor's invoker killed ({@code kill -9})
 * mid-import and a new instance started on its port, as Cloud Run replaces one. Eventarc delivers
 * the finalize event again to the new trigger, which takes over the fan-out once the dead one's
 * lease has run out; Pub/Sub pushes the chunks the dead processor did not acknowledge again. Every
 * job must end FINISHED, its counts adding up, and every profile must equal the file-order oracle.
 *
 * <p>{@code -Dcrash.imports=N} runs more (default 4: two of each kind); the figures are printed
 * (docs/architecture.md holds the last run's).
 */
@ExtendWith(EmulatorsExtension.class)
class InstanceCrashIT {

  private static final int IMPORTS = Integer.getInteger("crash.imports", 4);
  private static final long SEED = Long.getLong("crash.seed", 20261206L);
  private static final String APP = "app-crash";

  /**
   * A lease of a few seconds, so that a takeover shows within the test; deployed, it is a minute.
   */
  private static final Settings SETTINGS =
      new Settings(
          Map.of(
              Settings.BUCKET_APPS,
              LocalCloud.BUCKET + "=" + APP,
              Settings.PARTITIONS,
              "3",
              Settings.CHUNK_ROWS,
              "10",
              Settings.SEGMENT_ROWS,
              "100",
              Settings.FANOUT_LEASE_SECONDS,
              "5"));

  @Test
  void killedInstancesAreReplacedAndEveryImportEndsExact(Emulators emulators) throws Exception {
    Random random = new Random(SEED);
    int mismatches = 0;
    int midFanOut = 0;
    long rows = 0;
    long slowestMillis = 0;
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      for (int i = 0; i < IMPORTS; i++) {
        String csv =
            ChunkApplierIT.orderSensitiveFile(1500 + random.nextInt(1500), random.nextLong())
                .replace("\nuser-", "\nk" + i + "-user-");
        String object = "imports/setUserAttributes/crash-" + i + ".csv";
        CompletableFuture<String> dropped =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return cloud.drop(
                        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                        object,
                        Map.of());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        String jobId = dropped.isDone() ? dropped.join() : jobIdOf(cloud, object);
        LocalCloud.Service victim =
            i % 2 == 0 ? LocalCloud.Service.TRIGGER : LocalCloud.Service.PROCESSOR;
        Job seen;
        if (victim == LocalCloud.Service.TRIGGER) {
          // Mid-fan-out: a checkpoint written, the file not yet all published.
          seen =
              awaitJob(
                  cloud,
                  jobId,
                  job -> job.rowsRead() > 0 || job.fanOutComplete() || job.state().ended());
          if (!seen.fanOutComplete()) {
            midFanOut++;
          }
        } else {
          seen =
              awaitJob(
                  cloud,
                  jobId,
                  job ->
                      job.state().ended()
                          || cloud.stages().partitions().totals(job).successes()
                                  + cloud.stages().partitions().totals(job).failures()
                              > 0);
        }
        Instant killed = Instant.now();
        cloud.replace(victim);
        assertEquals(jobId, dropped.join(), "Eventarc's delivery ended at the new trigger");
        Job ended = cloud.awaitEnd(APP, jobId, Duration.ofMinutes(5));
        slowestMillis = Math.max(slowestMillis, Duration.between(killed, Instant.now()).toMillis());
        assertEquals(
            JobState.FINISHED, ended.state(), "import " + i + " (" + victim + " killed): " + ended);
        assertEquals(
            ended.rowsRead(),
            ended.successesCount() + ended.failuresCount(),
            "counts add up, import " + i);
        assertEquals(csv.lines().count() - 1, ended.rowsRead(), "every row read, import " + i);
        rows += ended.rowsRead();
        if (!ChunkApplierIT.applyInFileOrder(csv, ended)
            .equals(storedProfiles(cloud, "k" + i + "-"))) {
          mismatches++;
        }
        System.out.printf(
            "crash: import %d, %d rows, %s killed %s; ended %d ms after the kill%n",
            i,
            ended.rowsRead(),
            victim,
            victim == LocalCloud.Service.TRIGGER
                ? (seen.fanOutComplete()
                    ? "after its fan-out"
                    : "mid-fan-out at row " + seen.rowsRead())
                : "mid-application",
            Duration.between(killed, Instant.now()).toMillis());
      }
    }
    System.out.printf(
        "crash: %d imports, %d rows, seed %d; %d triggers killed mid-fan-out; slowest end %d ms"
            + " after its kill; %d mismatches%n",
        IMPORTS, rows, SEED, midFanOut, slowestMillis, mismatches);
    assertEquals(0, mismatches, "profiles that differ from the file-order oracle");
  }

  /** The job of the object's only generation, once the trigger has created it. */
  private static String jobIdOf(LocalCloud cloud, String object) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (Instant.now().isBefore(deadline)) {
      Optional<Job> job =
          cloud.stages().jobs().list(APP, 100, null).stream()
              .filter(j -> j.object().equals(object))
              .findFirst();
      if (job.isPresent()) {
        return job.get().jobId();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no job for " + object);
  }

  private interface JobCondition {
    boolean test(Job job) throws Exception;
  }

  /**
   * The job once it meets the condition, looked at every 20 ms: the functions run in other
   * processes.
   */
  private static Job awaitJob(LocalCloud cloud, String jobId, JobCondition condition)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      Job job = cloud.stages().jobs().get(APP, jobId).orElseThrow();
      if (condition.test(job)) {
        return job;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("job " + jobId + " did not get there within 2 minutes");
  }

  private static Map<String, Profile> storedProfiles(LocalCloud cloud, String prefix)
      throws Exception {
    Map<String, Profile> profiles = new TreeMap<>();
    for (QueryDocumentSnapshot doc :
        cloud.stages().layout().users(APP).get().get().getDocuments()) {
      String userId = doc.getString("userId");
      if (userId.startsWith(prefix)) {
        profiles.put(userId, cloud.stages().profiles().profile(APP, userId).orElseThrow());
      }
    }
    return profiles;
  }
}
