package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.complete.FailedRowsFile;
import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole-file dry run tells exactly what the import will do and writes no profile; a job's failed
 * rows come back as a CSV that, fixed and dropped again, ends on the profiles a clean file gives.
 */
@ExtendWith(EmulatorsExtension.class)
class DryRunAndFailedRowsIT {

  private static final String APP = "app-dry";
  private static final Settings SETTINGS =
      new Settings(
          Map.of(
              Settings.BUCKET_APPS,
              LocalCloud.BUCKET + "=" + APP,
              Settings.PARTITIONS,
              "3",
              Settings.CHUNK_ROWS,
              "7",
              Settings.SEGMENT_ROWS,
              "30"));
  private static final String[] AGES = {"34", "x", "", "null", "2.5", "-7", "41"};
  private static final String[] PLANS = {"gold", "silver", "", "null", "a, b", "say \"hi\""};

  private static Job imported(
      LocalCloud cloud, String object, String csv, Map<String, String> metadata) throws Exception {
    String jobId =
        cloud.drop(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), object, metadata);
    Job job = cloud.awaitEnd(APP, jobId, Duration.ofMinutes(3));
    assertEquals(JobState.FINISHED, job.state(), object + ": " + job.failure());
    return job;
  }

  private static String text(LocalCloud cloud, String object) {
    return new String(
        cloud.storage().readAllBytes(LocalCloud.BUCKET, object), StandardCharsets.UTF_8);
  }

  /** A random file of users {@code prefix}0.., some rows failing, some users on several rows. */
  private static String randomFile(Random random, String prefix) {
    StringBuilder csv = new StringBuilder("userId,Plan,Age<int>\n");
    for (int r = 5 + random.nextInt(40); r > 0; r--) {
      String plan = PLANS[random.nextInt(PLANS.length)];
      csv.append(random.nextInt(12) == 0 ? "" : prefix + random.nextInt(15))
          .append(',')
          .append(
              plan.contains(",") || plan.contains("\"")
                  ? '"' + plan.replace("\"", "\"\"") + '"'
                  : plan)
          .append(',')
          .append(AGES[random.nextInt(AGES.length)])
          .append(random.nextInt(15) == 0 ? ",extra" : "")
          .append('\n');
    }
    return csv.toString();
  }

  /**
   * Generative: for each file, a dry run then the real import, both against the same profiles (the
   * dry run wrote none), give the same counts and the same results file; under CreateNever too.
   */
  @Test
  void aDryRunGivesTheCountsAndResultsOfTheRealImport(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      Random random = new Random(20261207L);
      long failures = 0;
      long skipped = 0;
      for (int seed = 0; seed < 12; seed++) {
        String prefix = "s" + seed + "-";
        if (seed % 3 == 2) {
          imported(
              cloud,
              "imports/setUserAttributes/known-" + seed + ".csv",
              "userId,Plan\n" + prefix + "1,free\n" + prefix + "4,free\n",
              Map.of());
        }
        String csv = randomFile(random, prefix);
        Map<String, String> choices = new HashMap<>();
        if (seed % 3 == 2) {
          choices.put("createDisposition", "CreateNever");
        }
        Map<String, String> dry = new HashMap<>(choices);
        dry.put("dryRun", "true");
        Job dryRun = imported(cloud, "imports/setUserAttributes/dry-" + seed + ".csv", csv, dry);
        assertTrue(dryRun.dryRun());
        for (int u = 0; u < 15; u++) {
          if (seed % 3 != 2 || (u != 1 && u != 4)) {
            assertTrue(
                cloud.stages().profiles().profile(APP, prefix + u).isEmpty(),
                "the dry run wrote " + prefix + u);
          }
        }
        Job real = imported(cloud, "imports/setUserAttributes/real-" + seed + ".csv", csv, choices);
        String where = "file " + seed + ":\n" + csv;
        assertEquals(real.successesCount(), dryRun.successesCount(), where);
        assertEquals(real.failuresCount(), dryRun.failuresCount(), where);
        assertEquals(real.skippedCount(), dryRun.skippedCount(), where);
        assertEquals(text(cloud, real.resultsFile()), text(cloud, dryRun.resultsFile()), where);
        failures += real.failuresCount();
        skipped += real.skippedCount();
        if (real.failuresCount() > 0) {
          assertEquals(
              text(cloud, real.failedRowsFile()), text(cloud, dryRun.failedRowsFile()), where);
        }
      }
      assertTrue(failures > 20 && skipped > 5, failures + " failures, " + skipped + " skipped");
    }
  }

  /**
   * The failed rows of an export, fixed as a person would in a spreadsheet and dropped again, end
   * on the profiles that the fixed export gives in one clean import.
   */
  @Test
  void fixedFailedRowsReimportedEqualACleanImportOfTheFixedFile(Emulators emulators)
      throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      StringBuilder export = new StringBuilder("userId;Plan;Age<int>;Note\n");
      for (int u = 0; u < 60; u++) {
        export
            .append("a-")
            .append(u)
            .append(';')
            .append(u % 2 == 0 ? "gold" : "silver")
            .append(';')
            .append(u % 7 == 3 ? "x" : String.valueOf(20 + u))
            .append(';')
            .append(u % 5 == 0 ? "\"line one\nline two; with \"\"quotes\"\"\"" : "plain")
            .append('\n');
      }
      Job first =
          imported(cloud, "imports/setUserAttributes/export.csv", export.toString(), Map.of());
      assertEquals(9, first.failuresCount());
      assertEquals(FailedRowsFile.objectName(first.jobId()), first.failedRowsFile());
      String failed = text(cloud, first.failedRowsFile());
      assertTrue(
          failed.startsWith(
              "#error;userId;Plan;Age<int>;Note\r\n"
                  + "Age<int>: 'x' is not a whole number;a-3;silver;x;plain\r\n"),
          failed);
      assertEquals(10, failed.split("\r\n", -1).length - 1, "the header and the 9 failed rows");

      String fixed = failed.replace(";x;", ";99;");
      Job again = imported(cloud, "imports/setUserAttributes/export-fixed.csv", fixed, Map.of());
      assertEquals(9, again.successesCount());
      assertEquals(0, again.failuresCount());
      assertNull(again.failedRowsFile());

      String clean = export.toString().replace(";x;", ";99;").replace("a-", "b-");
      Job cleanJob = imported(cloud, "imports/setUserAttributes/clean.csv", clean, Map.of());
      assertEquals(60, cleanJob.successesCount());
      for (int u = 0; u < 60; u++) {
        var reimported = cloud.stages().profiles().profile(APP, "a-" + u).orElseThrow();
        var once = cloud.stages().profiles().profile(APP, "b-" + u).orElseThrow();
        assertEquals(once.attributes(), reimported.attributes(), "user " + u);
        assertNotNull(reimported.attributes().get("Note"));
      }
    }
  }
}
