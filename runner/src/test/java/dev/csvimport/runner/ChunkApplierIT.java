package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.complete.ResultsFile;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.engine.apply.ProfileChanges;
import dev.csvimport.engine.apply.RowRefused;
import dev.csvimport.engine.chunk.Chunk;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.ports.StoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The processor's promise on the Firestore emulator: as if every row were applied exactly once, in
 * file order.
 */
@ExtendWith(EmulatorsExtension.class)
class ChunkApplierIT {

  /**
   * Small partitions and chunks, so a file of a few hundred rows makes many chunks per partition.
   */
  private static final Settings SMALL_CHUNKS =
      new Settings(Map.of(Settings.PARTITIONS, "4", Settings.CHUNK_ROWS, "5"));

  private TestPipeline test;

  @BeforeEach
  void start(Emulators emulators) {
    test = new TestPipeline(emulators, SMALL_CHUNKS);
  }

  @AfterEach
  void stop() throws Exception {
    test.close();
  }

  /**
   * Rows about 7 users whose effects depend on their order: sets, set-adds and -removes, increments
   * of a set field.
   */
  static String orderSensitiveFile(int rows, long seed) {
    Random random = new Random(seed);
    StringBuilder csv =
        new StringBuilder(
            "userId,Plan,Logins<int>,userAttributeValuesToAdd.Tags,userAttributeValuesToRemove.Tags,userAttributeValuesToIncrement.Logins,events.Buy.countIncrement,Age<int>\n");
    String[] tags = {"a", "b", "c", "d"};
    for (int i = 1; i <= rows; i++) {
      csv.append("user-")
          .append(random.nextInt(7))
          .append(',')
          .append(random.nextInt(3) == 0 ? "plan-" + i : "")
          .append(',')
          .append(random.nextInt(10) == 0 ? Integer.toString(random.nextInt(100)) : "")
          .append(',')
          .append(random.nextBoolean() ? tags[random.nextInt(4)] : "")
          .append(',')
          .append(random.nextBoolean() ? tags[random.nextInt(4)] : "")
          .append(',')
          .append(random.nextInt(3) == 0 ? Integer.toString(random.nextInt(5) + 1) : "")
          .append(',')
          .append(random.nextInt(4) == 0 ? "1" : "")
          .append(',')
          .append(i % 50 == 0 ? "not-a-number" : "")
          .append('\n');
    }
    return csv.toString();
  }

  /**
   * The profiles the file must produce: its rows applied one by one, in file order, by the engine
   * alone.
   */
  static Map<String, Profile> applyInFileOrder(String csv, Job job) throws Exception {
    List<RowResult> rows = new ArrayList<>();
    new ImportReader(job.limits())
        .read(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
            new ImportOptions(job.action(), job.createdAt()),
            c -> rows.addAll(ChunkCodec.decode(c.payload()).rows()));
    return applyInFileOrder(rows);
  }

  /** The profiles {@code rows} produce, applied one by one in file order by the engine alone. */
  static Map<String, Profile> applyInFileOrder(List<RowResult> unordered) {
    List<RowResult> rows = new ArrayList<>(unordered);
    rows.sort(Comparator.comparingLong(RowResult::row));
    Map<String, Profile> profiles = new TreeMap<>();
    for (RowResult row : rows) {
      if (row.succeeded()) {
        Profile changed = profiles.getOrDefault(row.userId(), Profile.empty(row.userId())).copy();
        try {
          ProfileChanges.apply(changed, row.operation());
          profiles.put(row.userId(), changed);
        } catch (RowRefused refused) {
          // The row fails; the profile stays as it was.
        }
      }
    }
    return profiles;
  }

  private Job fanOut(String csv) throws Exception {
    NewImport object = test.upload("imports/users.csv", 1, csv, "setUserAttributes");
    Job job = test.fanOut.start(object, "event-1");
    return test.jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  private Job job(Job job) throws Exception {
    return test.jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  /**
   * One partition: chunks 2 and 1 arrive first and are parked; chunk 0 commits, but applying parked
   * chunk 1 right after it fails once, so chunk 0's push is answered with an error. Its redelivery
   * is a duplicate; acknowledging it must still apply what waits at the cursor, or rows 3 to 6 are
   * lost and the job stays RUNNING.
   */
  @Test
  void aDuplicateDeliveryDrainsTheChunksParkedAtTheCursor(Emulators emulators) throws Exception {
    test.close();
    test =
        new TestPipeline(
            emulators, new Settings(Map.of(Settings.PARTITIONS, "1", Settings.CHUNK_ROWS, "2")));
    Job job = fanOut("userId,userAttributeValuesToIncrement.Logins\n" + "u1,1\n".repeat(6));
    List<ChunkApplier.Delivery> chunks = test.deliveries();
    assertEquals(3, chunks.size());
    assertEquals(ChunkApplier.Outcome.PARKED, test.applier.apply(chunks.get(2)));
    assertEquals(ChunkApplier.Outcome.PARKED, test.applier.apply(chunks.get(1)));
    test.partitions.failOnceApplying(1);
    assertThrows(
        StoreException.class, () -> test.applier.apply(chunks.get(0)), "the push is answered 500");

    assertEquals(ChunkApplier.Outcome.DUPLICATE, test.applier.apply(chunks.get(0)));
    assertEquals(
        6L, test.profiles.profile(TestPipeline.APP, "u1").orElseThrow().attributes().get("Logins"));
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(6, finished.successesCount());
  }

  /**
   * A row the store refuses at commit fails alone, with the store's reason; the rest of its chunk
   * applies.
   */
  @Test
  void aRowTheStoreRefusesAtCommitFailsAloneAndTheRestApplies(Emulators emulators)
      throws Exception {
    test.close();
    test =
        new TestPipeline(
            emulators, new Settings(Map.of(Settings.PARTITIONS, "1", Settings.CHUNK_ROWS, "10")));
    StringBuilder csv = new StringBuilder("userId,Plan,userAttributeValuesToIncrement.Logins\n");
    for (int i = 1; i <= 10; i++) {
      csv.append("u1,plan-").append(i).append(",1\n");
    }
    Job job = fanOut(csv.toString());
    assertEquals(1, test.published.size());
    test.partitions.refusedRows.add(4L);
    assertEquals(ChunkApplier.Outcome.APPLIED, test.applier.apply(test.deliveries().get(0)));

    Profile u1 = test.profiles.profile(TestPipeline.APP, "u1").orElseThrow();
    assertEquals(9L, u1.attributes().get("Logins"), "every row but the refused one, once");
    assertEquals("plan-10", u1.attributes().get("Plan"));
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(9, finished.successesCount());
    assertEquals(1, finished.failuresCount());
    List<Map<String, Object>> results = resultLines(finished);
    assertEquals(1, results.size());
    assertEquals(4L, results.get(0).get("row"));
    assertTrue(
        String.valueOf(results.get(0).get("message")).contains("the store refused this row"),
        String.valueOf(results.get(0).get("message")));
    assertEquals(ChunkApplier.Outcome.DUPLICATE, test.applier.apply(test.deliveries().get(0)));
  }

  /**
   * Profiles are written whole: a chunk of 20 small rows about 20 users with 600 KB profiles would
   * be a 12 MB commit, over Firestore's 10 MiB limit. It is applied in slices that each stay within
   * one commit's budget, in file order and exactly once. (Here 100 KB profiles against the tests' 1
   * MiB budget: the emulator is slow with large commits.)
   */
  @Test
  void aChunkWhoseWritesPassOneCommitIsAppliedInSlices(Emulators emulators) throws Exception {
    test.close();
    test =
        new TestPipeline(
            emulators, new Settings(Map.of(Settings.PARTITIONS, "1", Settings.CHUNK_ROWS, "20")));
    String big = "b".repeat(100_000);
    StringBuilder large = new StringBuilder("userId,Big\n");
    StringBuilder small = new StringBuilder("userId,Plan,userAttributeValuesToIncrement.Logins\n");
    for (int i = 0; i < 20; i++) {
      large.append("user-").append(i).append(',').append(big).append('\n');
      small.append("user-").append(i).append(",gold,1\n");
    }
    test.fanOut.start(
        test.upload("imports/large.csv", 1, large.toString(), "setUserAttributes"), "event-large");
    for (ChunkApplier.Delivery delivery : test.deliveries()) {
      test.applier.apply(delivery);
    }
    int before = test.published.size();
    Job job =
        test.fanOut.start(
            test.upload("imports/small.csv", 1, small.toString(), "setUserAttributes"),
            "event-small");
    assertEquals(before + 1, test.published.size(), "the 20 small rows are one chunk");
    test.partitions.slices.clear();
    ChunkApplier.Delivery chunk = test.deliveries().get(before);
    assertEquals(ChunkApplier.Outcome.APPLIED, test.applier.apply(chunk));

    assertTrue(test.partitions.slices.size() > 1, "applied in slices: " + test.partitions.slices);
    assertEquals(20, test.partitions.slices.stream().mapToInt(Integer::intValue).sum());
    assertTrue(
        test.partitions.slices.stream()
            .allMatch(rows -> rows * 100_000L < TestPipeline.MAX_COMMIT_BYTES),
        "each slice within one commit's budget: " + test.partitions.slices);
    assertEquals(ChunkApplier.Outcome.DUPLICATE, test.applier.apply(chunk));
    for (int i = 0; i < 20; i++) {
      Profile profile = test.profiles.profile(TestPipeline.APP, "user-" + i).orElseThrow();
      assertEquals("gold", profile.attributes().get("Plan"));
      assertEquals(1L, profile.attributes().get("Logins"));
      assertEquals(big, profile.attributes().get("Big"));
    }
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(20, finished.successesCount());
  }

  /**
   * The results file is written once all chunks are applied; when its upload fails midway, no
   * partial file may take the final name (a later writer keeps an existing file), and the next
   * attempt writes it whole.
   */
  @Test
  void aResultsFileWhoseUploadFailsMidwayIsNeverPublishedPartial() throws Exception {
    StringBuilder csv = new StringBuilder("userId,Age<int>\n");
    for (int i = 0; i < 400; i++) {
      csv.append("user-").append(i % 7).append(",not-a-number-").append(i).append('\n');
    }
    Job job = fanOut(csv.toString());
    List<ChunkApplier.Delivery> deliveries = test.deliveries();
    for (ChunkApplier.Delivery delivery : deliveries.subList(0, deliveries.size() - 1)) {
      test.applier.apply(delivery);
    }
    test.faultyStorage.bytesBeforeFailure.set(10_000);
    ChunkApplier.Delivery last = deliveries.get(deliveries.size() - 1);
    assertThrows(
        StoreException.class,
        () -> test.applier.apply(last),
        "completion failed: the push is retried");
    assertEquals(JobState.RUNNING, job(job).state());
    assertEquals(
        null,
        test.storage.get(TestPipeline.BUCKET, ResultsFile.objectName(job.jobId())),
        "no partial results file");

    test.faultyStorage.bytesBeforeFailure.set(-1);
    assertEquals(ChunkApplier.Outcome.DUPLICATE, test.applier.apply(last));
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    List<Map<String, Object>> lines = resultLines(finished);
    assertEquals(400, lines.size(), "every failed row, once");
    for (int i = 0; i < 400; i++) {
      assertEquals((long) i + 1, lines.get(i).get("row"));
    }
  }

  /**
   * A chunk whose partition or sequence its job never had is refused before anything is written.
   */
  @Test
  void aForgedChunkIsRefusedBeforeAnyWrite() throws Exception {
    Job job = fanOut(orderSensitiveFile(40, 9));
    ChunkApplier.Delivery real = test.deliveries().get(0);
    Chunk chunk = ChunkCodec.decode(real.payload());
    for (Chunk forged :
        List.of(
            new Chunk(40, chunk.sequence(), chunk.segment(), chunk.rows()),
            new Chunk(chunk.partition(), 999, chunk.segment(), chunk.rows()),
            new Chunk(-1, 0, 0, chunk.rows()))) {
      ChunkApplier.Delivery delivery =
          new ChunkApplier.Delivery(job.appId(), job.jobId(), ChunkCodec.encode(forged));
      assertThrows(ChunkApplier.ChunkRefused.class, () -> test.applier.apply(delivery));
    }
    assertThrows(
        ChunkApplier.ChunkRefused.class,
        () ->
            test.applier.apply(
                new ChunkApplier.Delivery(
                    job.appId(),
                    job.jobId(),
                    "{\"not\":\"a chunk\"}".getBytes(StandardCharsets.UTF_8))));
    assertTrue(test.storedProfiles().isEmpty(), "nothing applied");
    assertTrue(
        test.stages
            .layout()
            .job(job.appId(), job.jobId())
            .collection("partitions")
            .get()
            .get()
            .isEmpty(),
        "no cursor written");
  }

  /** The job's result lines, as the results file holds them. */
  private List<Map<String, Object>> resultLines(Job job) throws Exception {
    List<Map<String, Object>> lines = new ArrayList<>();
    String text =
        new String(
            test.storage.readAllBytes(job.bucket(), job.resultsFile()), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        lines.add(
            new com.google.gson.Gson()
                .<Map<String, Object>>fromJson(
                    line,
                    new com.google.gson.reflect.TypeToken<Map<String, Object>>() {}.getType()));
      }
    }
    lines.forEach(
        line ->
            line.replaceAll(
                (k, v) -> v instanceof Double d && d == Math.rint(d) ? d.longValue() : v));
    return lines;
  }

  @Test
  void deliveringAnyChunkAgainChangesNothing() throws Exception {
    String csv = orderSensitiveFile(300, 1);
    Job job = fanOut(csv);
    assertTrue(test.published.size() > 20, "many chunks: " + test.published.size());
    for (ChunkApplier.Delivery delivery : test.deliveries()) {
      assertEquals(ChunkApplier.Outcome.APPLIED, test.applier.apply(delivery));
    }
    Map<String, Profile> afterOnce = test.storedProfiles();
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());

    for (int round = 0; round < 2; round++) {
      for (ChunkApplier.Delivery delivery : test.deliveries()) {
        assertEquals(ChunkApplier.Outcome.DUPLICATE, test.applier.apply(delivery));
      }
    }
    assertEquals(afterOnce, test.storedProfiles());
    assertEquals(applyInFileOrder(csv, job), afterOnce);
    assertEquals(finished, job(job), "the job finished once and stays as it finished");
    assertEquals(300, finished.successesCount() + finished.failuresCount());
    assertEquals(6, finished.failuresCount(), "every 50th row has a bad Age");
  }

  @Test
  void rowsOfOneUserTakeEffectInFileOrderWhateverOrderChunksArriveIn() throws Exception {
    String csv = orderSensitiveFile(300, 2);
    Job job = fanOut(csv);
    List<ChunkApplier.Delivery> deliveries = test.deliveries();
    Collections.reverse(deliveries);
    int parked = 0;
    for (ChunkApplier.Delivery delivery : deliveries) {
      if (test.applier.apply(delivery) == ChunkApplier.Outcome.PARKED) {
        parked++;
      }
    }
    assertTrue(parked > 0, "chunks that arrive early wait for their predecessors");
    assertEquals(applyInFileOrder(csv, job), test.storedProfiles());
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(300, finished.successesCount() + finished.failuresCount());
  }

  @Test
  void chunksProcessedConcurrentlyLoseNoUpdate() throws Exception {
    String csv = orderSensitiveFile(400, 3);
    Job job = fanOut(csv);
    List<ChunkApplier.Delivery> deliveries = new ArrayList<>(test.deliveries());
    deliveries.addAll(test.deliveries().subList(0, 30));
    Collections.shuffle(deliveries, new Random(3));
    test.deliverConcurrently(deliveries);
    assertEquals(applyInFileOrder(csv, job), test.storedProfiles());
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(400, finished.successesCount() + finished.failuresCount());
  }

  @Test
  void twoJobsAboutTheSameUsersAtOnceLoseNoIncrement() throws Exception {
    StringBuilder csv =
        new StringBuilder(
            "userId,userAttributeValuesToIncrement.Logins,userAttributeValuesToAdd.Seen\n");
    for (int i = 0; i < 200; i++) {
      csv.append("user-").append(i % 5).append(",1,file\n");
    }
    Job first =
        test.fanOut.start(
            test.upload("imports/a.csv", 1, csv.toString(), "setUserAttributes"), "event-a");
    Job second =
        test.fanOut.start(
            test.upload("imports/b.csv", 1, csv.toString(), "setUserAttributes"), "event-b");
    List<ChunkApplier.Delivery> deliveries = new ArrayList<>(test.deliveries());
    Collections.shuffle(deliveries, new Random(4));
    test.deliverConcurrently(deliveries);
    for (int u = 0; u < 5; u++) {
      Profile profile = test.profiles.profile(TestPipeline.APP, "user-" + u).orElseThrow();
      assertEquals(80L, profile.attributes().get("Logins"), "40 increments from each file");
    }
    assertEquals(JobState.FINISHED, job(first).state());
    assertEquals(JobState.FINISHED, job(second).state());
  }

  @Test
  void aRowFirestoreWouldRefuseFailsAloneAndTheRestOfItsChunkGoesOn() throws Exception {
    String big = "x".repeat(400_000);
    String csv =
        "userId,A,B,C,Note\n"
            + "u1,"
            + big
            + ",,,first\n"
            + "u1,,"
            + big
            + ",,second\n"
            + "u1,,,"
            + big
            + ",third\n"
            + "u2,,,,fine\n";
    Job job = fanOut(csv);
    test.deliveries()
        .forEach(
            delivery -> {
              try {
                test.applier.apply(delivery);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(3, finished.successesCount());
    assertEquals(1, finished.failuresCount());
    Profile u1 = test.profiles.profile(TestPipeline.APP, "u1").orElseThrow();
    assertEquals("second", u1.attributes().get("Note"), "the third row changed nothing");
    assertEquals(2, u1.attributes().keySet().stream().filter(k -> k.length() == 1).count());
    String results =
        new String(
            test.storage.readAllBytes(TestPipeline.BUCKET, finished.resultsFile()),
            StandardCharsets.UTF_8);
    assertTrue(results.contains("\"row\":3") && results.contains("1 MiB"), results);
  }

  @Test
  void aChunkThatKeepsFailingIsRecordedAsFailedRowsOnItsLastAttempt() throws Exception {
    String csv = orderSensitiveFile(100, 5);
    Job job = fanOut(csv);
    List<TestPipeline.Published> published = test.published;
    TestPipeline.Published broken = published.get(3);
    int brokenRows = TestPipeline.rowsIn(broken);
    long engineFailuresInBroken =
        ChunkCodec.decode(broken.chunk().payload()).rows().stream()
            .filter(r -> !r.succeeded())
            .count();
    for (TestPipeline.Published chunk : published) {
      if (chunk == broken) {
        test.applier.recordFailure(chunk.delivery(), "DEADLINE_EXCEEDED");
      } else {
        test.applier.apply(chunk.delivery());
      }
    }
    Job finished = job(job);
    assertEquals(JobState.FINISHED, finished.state());
    assertEquals(100, finished.successesCount() + finished.failuresCount());
    String results =
        new String(
            test.storage.readAllBytes(TestPipeline.BUCKET, finished.resultsFile()),
            StandardCharsets.UTF_8);
    long recorded = results.lines().filter(l -> l.contains("DEADLINE_EXCEEDED")).count();
    assertEquals(brokenRows - engineFailuresInBroken, recorded, results);
  }
}
