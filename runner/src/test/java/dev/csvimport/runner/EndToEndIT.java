package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files dropped into the local cloud: the trigger, the Pub/Sub emulator pushing chunks to the
 * processor over HTTP, the job finishing with its results file. And the command line, which starts
 * and stops emulators of its own.
 */
@ExtendWith(EmulatorsExtension.class)
class EndToEndIT {

  private static final Settings SETTINGS =
      new Settings(
          Map.of(
              Settings.BUCKET_APPS,
              LocalCloud.BUCKET + "=app-e2e",
              Settings.PARTITIONS,
              "4",
              Settings.CHUNK_ROWS,
              "20",
              Settings.SEGMENT_ROWS,
              "100"));

  private static Job awaitEnd(LocalCloud cloud, String jobId) throws Exception {
    return cloud.awaitEnd("app-e2e", jobId, Duration.ofMinutes(3));
  }

  private static String drop(LocalCloud cloud, String name, String csv) throws Exception {
    return cloud.drop(
        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), name, Map.of());
  }

  @Test
  void filesDroppedInTheBucketEndOnProfilesWithTheirResults(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      StringBuilder users =
          new StringBuilder("userId,Plan,Age<int>,userAttributeValuesToIncrement.Logins\n");
      for (int i = 0; i < 500; i++) {
        users
            .append("user-")
            .append(i % 50)
            .append(",plan-")
            .append(i)
            .append(',')
            .append(i % 100 == 7 ? "old" : Integer.toString(i))
            .append(",1\n");
      }
      String usersJob = drop(cloud, "imports/setUserAttributes/users.csv", users.toString());
      String track =
          "userId,event,time,value\n"
              + "user-1,Purchase,1600000000,9.5\n"
              + "user-1,Purchase,,0.5\n"
              + ",Purchase,,\n";
      String trackJob = drop(cloud, "imports/track/events.csv", track);
      String devices = "deviceId,userId,iosPushToken\nd1,user-2,tok-1\nd2,,tok-2\n";
      String devicesJob = drop(cloud, "imports/setDeviceAttributes/devices.csv", devices);

      Job usersDone = awaitEnd(cloud, usersJob);
      assertEquals(JobState.FINISHED, usersDone.state());
      assertEquals(495, usersDone.successesCount());
      assertEquals(5, usersDone.failuresCount());
      Profile user7 = cloud.stages().profiles().profile("app-e2e", "user-7").orElseThrow();
      assertEquals("plan-457", user7.attributes().get("Plan"), "the last row about a user wins");
      assertEquals(
          5L,
          user7.attributes().get("Logins"),
          "10 rows, of which the 5 with a bad Age failed whole");
      String results =
          new String(
              cloud.storage().readAllBytes(LocalCloud.BUCKET, usersDone.resultsFile()),
              StandardCharsets.UTF_8);
      List<String> lines = results.lines().toList();
      assertEquals(5, lines.size());
      JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
      assertEquals(8, first.get("row").getAsLong());
      assertEquals(9, first.get("line").getAsLong());
      assertEquals("user-7", first.get("userId").getAsString());
      assertEquals("Age<int>", first.get("column").getAsString());
      assertEquals("'old' is not a whole number", first.get("message").getAsString());

      Job trackDone = awaitEnd(cloud, trackJob);
      assertEquals(2, trackDone.successesCount());
      assertEquals(1, trackDone.failuresCount());
      Profile user1 = cloud.stages().profiles().profile("app-e2e", "user-1").orElseThrow();
      assertEquals(2L, user1.events().get("Purchase").count());
      assertEquals(10.0, user1.events().get("Purchase").value());
      assertEquals(2, cloud.stages().layout().events("app-e2e", "user-1").get().get().size());
      String trackResults =
          new String(
              cloud.storage().readAllBytes(LocalCloud.BUCKET, trackDone.resultsFile()),
              StandardCharsets.UTF_8);
      assertTrue(
          trackResults.contains("\"status\":\"warning\"") && trackResults.contains("365 days"),
          trackResults);

      Job devicesDone = awaitEnd(cloud, devicesJob);
      assertEquals(2, devicesDone.successesCount());
      assertEquals(
          "tok-1",
          cloud.stages().profiles().devices("app-e2e", "user-2").get(0).get("iosPushToken"));
      assertEquals(
          "tok-2", cloud.stages().profiles().devices("app-e2e", "d2").get(0).get("iosPushToken"));
    }
  }

  /**
   * Chunks the runner pulls itself (the bench's way past the emulator's push) land as pushed ones
   * do.
   */
  @Test
  void chunksPulledRatherThanPushedEndTheSame(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      cloud.pullChunks(10);
      StringBuilder users = new StringBuilder("userId,userAttributeValuesToIncrement.Logins\n");
      for (int i = 0; i < 300; i++) {
        users.append("user-").append(i % 30).append(",1\n");
      }
      Job done =
          awaitEnd(cloud, drop(cloud, "imports/setUserAttributes/pulled.csv", users.toString()));
      assertEquals(JobState.FINISHED, done.state());
      assertEquals(300, done.successesCount());
      assertEquals(
          10L,
          cloud
              .stages()
              .profiles()
              .profile("app-e2e", "user-29")
              .orElseThrow()
              .attributes()
              .get("Logins"),
          "every row once, in order");
      assertTrue(cloud.chunkDeliveriesAtOnce() >= 1);
    }
  }

  /**
   * Files whose rows the store would refuse (reserved names, times outside the years 1 to 9999, a
   * 10 MB user id) end with those rows failed alone, a reserved column fails its file with one
   * message, and an unrelated file dropped beside them finishes; no push is left retrying.
   */
  @Test
  void poisonFilesEndWithTheirBadRowsFailedAloneAndAnUnrelatedFileFinishes(Emulators emulators)
      throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      long recent = Instant.now().getEpochSecond() - 1000;
      List<String> poison =
          List.of(
              drop(
                  cloud,
                  "imports/track/reserved-event.csv",
                  "userId,event,time\nu1,Buy,"
                      + recent
                      + "\nu2,__x__,"
                      + recent
                      + "\nu3,Buy,"
                      + recent
                      + "\n"),
              drop(
                  cloud,
                  "imports/setUserAttributes/created.csv",
                  "userId,created\nu1,1\nu2,-99999999999\nu3,2\n"),
              drop(
                  cloud,
                  "imports/setUserAttributes/year-zero.csv",
                  "userId,Born<dd/MM/yyyy HH:mm:ss>\n"
                      + "u1,01/01/2000\n"
                      + "u2,01/01/0000\n"
                      + "u3,02/01/2000\n"),
              drop(
                  cloud,
                  "imports/setUserAttributes/huge-id.csv",
                  "userId,Plan\nu1,a\n" + "u".repeat(10_000_000) + ",b\nu3,c\n"));
      String reservedColumn =
          drop(cloud, "imports/setUserAttributes/reserved-column.csv", "userId,__x__\nu1,a\n");
      String unrelated =
          drop(
              cloud, "imports/setUserAttributes/fine.csv", "userId,Plan\nok-1,gold\nok-2,silver\n");

      for (String jobId : poison) {
        Job done = awaitEnd(cloud, jobId);
        assertEquals(JobState.FINISHED, done.state(), done.object());
        assertEquals(2, done.successesCount(), done.object());
        assertEquals(1, done.failuresCount(), done.object());
        String results =
            new String(
                cloud.storage().readAllBytes(LocalCloud.BUCKET, done.resultsFile()),
                StandardCharsets.UTF_8);
        assertTrue(results.length() < 5000, done.object() + ": a failure row of readable size");
        assertEquals(
            2,
            JsonParser.parseString(results.lines().findFirst().orElseThrow())
                .getAsJsonObject()
                .get("row")
                .getAsLong(),
            done.object());
      }
      Job refused = awaitEnd(cloud, reservedColumn);
      assertEquals(JobState.FAILED, refused.state());
      assertTrue(refused.failure().contains("reserved"), refused.failure());
      Job fine = awaitEnd(cloud, unrelated);
      assertEquals(JobState.FINISHED, fine.state());
      assertEquals(2, fine.successesCount());
      // A push that failed after its chunk committed (lock contention on the emulator) is delivered
      // again as a
      // duplicate and acknowledged: none stays retrying.
      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      while (cloud.chunksAwaitingRedelivery() > 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertEquals(0, cloud.chunksAwaitingRedelivery(), "no push is left retrying");
      for (LocalCloud.Service service : LocalCloud.Service.values()) {
        assertTrue(
            cloud.alive(service),
            service + " lived through the poison files and a 10 MB row in its " + "512 MiB heap");
      }
    }
  }

  /**
   * Restarting on the same emulators and bucket: topics and subscriptions exist and are kept (the
   * subscriptions now push to the new run), and the file's finalize event delivered again finds its
   * job: nothing is applied twice.
   */
  @Test
  void aRestartOnTheSameEmulatorsAppliesNothingTwice(Emulators emulators, @TempDir Path bucket)
      throws Exception {
    String csv = "userId,userAttributeValuesToIncrement.Logins\nr1,1\nr1,1\nr2,1\n";
    String object = "imports/setUserAttributes/restart.csv";
    String jobId;
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS, 0, bucket, Path.of("target"))) {
      jobId = drop(cloud, object, csv);
      assertEquals(JobState.FINISHED, awaitEnd(cloud, jobId).state());
    }
    try (LocalCloud restarted =
        LocalCloud.start(emulators, SETTINGS, 0, bucket, Path.of("target"))) {
      String again = restarted.redeliverFinalize(object);
      assertEquals(jobId, again, "the same object and generation is the same job");
      assertEquals(JobState.FINISHED, awaitEnd(restarted, again).state());
      assertEquals(
          2L,
          restarted
              .stages()
              .profiles()
              .profile("app-e2e", "r1")
              .orElseThrow()
              .attributes()
              .get("Logins"));
      assertEquals(1, restarted.stages().jobs().list("app-e2e", 10, null).size());
      String other =
          drop(restarted, "imports/setUserAttributes/after-restart.csv", "userId,Plan\nr3,gold\n");
      assertEquals(
          JobState.FINISHED,
          awaitEnd(restarted, other).state(),
          "the subscriptions push to the new run");
    }
  }

  /**
   * Restarted twice while its chunks are in flight, an import still ends with every row applied
   * exactly once.
   */
  @Test
  void restartingTwiceMidImportEndsWithExactProfiles(Emulators emulators, @TempDir Path bucket)
      throws Exception {
    StringBuilder csv = new StringBuilder("userId,userAttributeValuesToIncrement.Logins\n");
    for (int i = 0; i < 2000; i++) {
      csv.append("m-").append(i % 40).append(",1\n");
    }
    String object = "imports/setUserAttributes/mid-import.csv";
    String jobId = null;
    for (int run = 0; run < 3; run++) {
      try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS, 0, bucket, Path.of("target"))) {
        String again =
            run == 0 ? drop(cloud, object, csv.toString()) : cloud.redeliverFinalize(object);
        if (jobId == null) {
          jobId = again;
        }
        assertEquals(jobId, again);
        if (run == 2) {
          Job done = awaitEnd(cloud, jobId);
          assertEquals(JobState.FINISHED, done.state());
          assertEquals(2000, done.successesCount());
          for (int u = 0; u < 40; u++) {
            assertEquals(
                50L,
                cloud
                    .stages()
                    .profiles()
                    .profile("app-e2e", "m-" + u)
                    .orElseThrow()
                    .attributes()
                    .get("Logins"),
                "m-" + u);
          }
        }
      }
    }
  }

  @Test
  void aRedeliveredFinalizeEventStartsNothingNew(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      String jobId =
          drop(
              cloud,
              "imports/setUserAttributes/once.csv",
              "userId,userAttributeValuesToIncrement.N\nu1,1\n");
      // Its end told too: the notice is the last thing written to the job.
      Job done = cloud.awaitTold("app-e2e", jobId, Duration.ofMinutes(3));
      assertEquals(jobId, cloud.redeliverFinalize("imports/setUserAttributes/once.csv"));
      assertEquals(jobId, cloud.redeliverFinalize("imports/setUserAttributes/once.csv"));
      assertEquals(done, cloud.stages().jobs().get("app-e2e", jobId).orElseThrow());
      assertEquals(
          1L,
          cloud.stages().profiles().profile("app-e2e", "u1").orElseThrow().attributes().get("N"));
      assertEquals(1, cloud.stages().jobs().list("app-e2e", 10, null).size());
    }
  }

  /**
   * A European export as it comes: gzip-compressed and separated by semicolons, dropped as {@code
   * .csv.gz}, ends on the same profiles as its plain comma-separated twin.
   */
  @Test
  void aGzippedSemicolonExportEndsAsItsCommaTwin(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      StringBuilder semicolons = new StringBuilder("userId;Plan;Score<float>;Note\n");
      for (int i = 0; i < 120; i++) {
        semicolons.append("eu-").append(i % 40).append(";gold;").append(i).append(".5;\"a, b\"\n");
      }
      semicolons.append("eu-x;gold;not-a-number;c\n");
      java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
        out.write(semicolons.toString().getBytes(StandardCharsets.UTF_8));
      }
      String eu =
          cloud.drop(
              new ByteArrayInputStream(gz.toByteArray()),
              "imports/setUserAttributes/export-eu.csv.gz",
              Map.of());
      String twin =
          drop(
              cloud,
              "imports/setUserAttributes/export-twin.csv",
              semicolons.toString().replace("eu-", "tw-").replace(';', ','));

      Job euJob = awaitEnd(cloud, eu);
      Job twinJob = awaitEnd(cloud, twin);
      assertEquals(JobState.FINISHED, euJob.state(), String.valueOf(euJob.failure()));
      assertEquals(120, euJob.successesCount());
      assertEquals(1, euJob.failuresCount());
      assertEquals(twinJob.successesCount(), euJob.successesCount());
      for (int u = 0; u < 40; u++) {
        assertEquals(
            cloud.stages().profiles().profile("app-e2e", "tw-" + u).orElseThrow().attributes(),
            cloud.stages().profiles().profile("app-e2e", "eu-" + u).orElseThrow().attributes());
      }
      assertEquals(
          "a, b",
          cloud
              .stages()
              .profiles()
              .profile("app-e2e", "eu-3")
              .orElseThrow()
              .attributes()
              .get("Note"));
    }
  }

  /**
   * An update-only import (createDisposition CreateNever, as Leanplum's write calls take it) leaves
   * unknown users alone: their rows end as warnings, counted apart from failures.
   */
  @Test
  void anUpdateOnlyImportLeavesUnknownUsersAlone(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      awaitEnd(
          cloud, drop(cloud, "imports/setUserAttributes/known.csv", "userId,Plan\nknown,free\n"));

      String jobId =
          cloud.drop(
              new ByteArrayInputStream(
                  "userId,Plan,Age<int>\nknown,gold,40\nstranger,gold,30\nknown,gold,x\n"
                      .getBytes(StandardCharsets.UTF_8)),
              "imports/setUserAttributes/update-only.csv",
              Map.of("createDisposition", "CreateNever"));
      Job done = awaitEnd(cloud, jobId);

      assertEquals(JobState.FINISHED, done.state());
      assertEquals(1, done.successesCount());
      assertEquals(1, done.failuresCount(), "the bad age");
      assertEquals(1, done.skippedCount(), "the stranger, apart from the failures");
      assertEquals(
          "gold",
          cloud
              .stages()
              .profiles()
              .profile("app-e2e", "known")
              .orElseThrow()
              .attributes()
              .get("Plan"));
      assertTrue(cloud.stages().profiles().profile("app-e2e", "stranger").isEmpty());
      String results =
          new String(
              cloud.storage().readAllBytes(LocalCloud.BUCKET, done.resultsFile()),
              StandardCharsets.UTF_8);
      assertTrue(
          results.contains("\"status\":\"warning\"")
              && results.contains("user not found; row skipped"),
          results);

      String refused =
          cloud.drop(
              new ByteArrayInputStream("userId\nu1\n".getBytes(StandardCharsets.UTF_8)),
              "imports/setUserAttributes/bad-disposition.csv",
              Map.of("createDisposition", "Sometimes"));
      Job failed = awaitEnd(cloud, refused);
      assertEquals(JobState.FAILED, failed.state());
      assertTrue(failed.failure().contains("CreateIfNeeded"), failed.failure());
    }
  }

  @Test
  void objectsOutsideTheInboxOrNotCsvAreIgnored(Emulators emulators) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(emulators, SETTINGS)) {
      // Each upload's finalize event reaches the trigger, which answers it and starts nothing.
      drop(cloud, "results/abc.jsonl", "{}\n");
      drop(cloud, "imports/notes.txt", "userId\nu1\n");
      drop(cloud, "elsewhere/users.csv", "userId\nu1\n");
      assertTrue(cloud.stages().jobs().list("app-e2e", 10, null).isEmpty());
    }
  }

  /** What a run of bin/csvimport's command answered: its exit code and its stdout. */
  private record Command(int exit, String out) {}

  private static Command command(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      return new Command(Main.run(args), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
    }
  }

  /**
   * The command line's --delimiter and --update-only reach the import as a dropped file's metadata.
   */
  @Test
  void theCommandLineTakesTheDelimiterAndUpdateOnly(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("eu.csv");
    Files.writeString(csv, "userId;Plan\nnew-1;gold\nnew-2;silver\n");
    Command run =
        command(
            "import",
            csv.toString(),
            "--action",
            "setUserAttributes",
            "--delimiter",
            "semicolon",
            "--update-only",
            "--json");
    assertEquals(0, run.exit(), run.out());
    JsonObject job = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonObject("job");
    assertEquals("FINISHED", job.get("state").getAsString());
    assertEquals("CreateNever", job.get("createDisposition").getAsString());
    assertEquals(0, job.getAsJsonObject("data").get("successesCount").getAsInt());
    assertEquals(2, job.getAsJsonObject("data").get("skippedCount").getAsInt());
    assertEquals(0, job.getAsJsonObject("data").get("failuresCount").getAsInt());
  }

  @Test
  void theCommandLineImportsAFileAndAnswersInJson(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("users.csv");
    Files.writeString(csv, "identity,Name,Phone\nct-1,Ann,+44 20\nct-2,Bo,555-12\n");
    Command run =
        command(
            "import",
            csv.toString(),
            "--action",
            "setUserAttributes",
            "--show-user",
            "ct-1",
            "--show-user",
            "nobody",
            "--json");
    assertEquals(0, run.exit());
    JsonObject answer = JsonParser.parseString(run.out()).getAsJsonObject();
    assertEquals("FINISHED", answer.getAsJsonObject("job").get("state").getAsString());
    assertEquals(
        1, answer.getAsJsonObject("job").getAsJsonObject("data").get("successesCount").getAsInt());
    JsonArray results = answer.getAsJsonArray("results");
    assertEquals(1, results.size());
    assertEquals("Phone", results.get(0).getAsJsonObject().get("column").getAsString());
    assertEquals(
        "Ann",
        answer
            .getAsJsonObject("users")
            .getAsJsonObject("ct-1")
            .getAsJsonObject("userAttributes")
            .get("Name")
            .getAsString());
    assertEquals(
        "User not found; request skipped.",
        answer
            .getAsJsonObject("users")
            .getAsJsonObject("nobody")
            .getAsJsonObject("warning")
            .get("message")
            .getAsString(),
        "as exportUser answers");
  }

  @Test
  void theCommandLineExitsWith1WhenTheFileIsRefusedAnd2OnBadUsage(@TempDir Path dir)
      throws Exception {
    Path csv = dir.resolve("broken.csv");
    Files.writeString(csv, "userId,,Plan\nu1,a,b\n");
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertEquals(
          1, Main.run("import", csv.toString(), "--action", "setUserAttributes", "--json"));
      assertEquals(2, Main.run("import"));
      assertEquals(2, Main.run("import", dir.resolve("missing.csv").toString()));
    } finally {
      System.setOut(stdout);
    }
  }
}
