package dev.csvimport.runner;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.firestore.WriteBatch;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.job.Job;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code csvimport bench}: speed and memory, each figure beside its ceiling measured in the same
 * run, since this machine is shared and noisy. Prints a Markdown report.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures the engine against a bare commons-csv parse, the fan-out into the Pub/Sub"
            + " emulator, a whole import against the Firestore emulator's ceiling, and the memory"
            + " of streaming a large file.")
final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--rows",
      defaultValue = "100000",
      description = "rows of the small files (default 100000)")
  long rows;

  @Option(
      names = "--large-rows",
      defaultValue = "1000000",
      description = "rows of the large files (default 1000000)")
  long largeRows;

  @Option(
      names = "--import-rows",
      defaultValue = "100000",
      description = "rows of the whole import through the emulators (default 100000)")
  long importRows;

  @Option(
      names = "--memory-mb",
      defaultValue = "1024",
      description = "size of the streamed file (default 1024 MB)")
  long memoryMegabytes;

  @Option(
      names = "--iterations",
      defaultValue = "9",
      description = "measured iterations per figure (default 9)")
  int iterations;

  @Option(
      names = "--sections",
      defaultValue = "engine,memory,fanout,import,coldstart",
      split = ",",
      description = "which parts to run (default all: engine,memory,fanout,import,coldstart)")
  List<String> sections;

  @Option(
      names = "--cold-starts",
      defaultValue = "5",
      description = "new instances started per function (default 5)")
  int coldStarts;

  /**
   * Runs of each side before any is measured: a fresh JVM reads 100,000 events rows at a quarter of
   * its later speed on the first run and is steady from about the sixth, while the compiler is
   * still at work on the code.
   */
  private static final int WARM_UP = 6;

  /**
   * Chunks the runner pulls at once when it pulls them itself: one per partition of a large job.
   */
  private static final int PULLED_AT_ONCE = 100;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    WorkDir.logTo("bench.log");
    out.println("# csvimport benchmark, " + Instant.now());
    out.println();
    out.println(
        "Machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, max heap "
            + Runtime.getRuntime().maxMemory() / 1048576
            + " MiB, "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.version"));
    if (sections.contains("engine")) {
      engine(out);
    }
    if (sections.contains("memory")) {
      memory(out);
    }
    if (sections.contains("fanout")
        || sections.contains("import")
        || sections.contains("coldstart")) {
      try (Emulators emulators = Emulators.start(System.getenv(), WorkDir.emulatorLog())) {
        if (sections.contains("fanout")) {
          fanOut(out, emulators);
        }
        if (sections.contains("import")) {
          wholeImport(out, emulators);
        }
        if (sections.contains("coldstart")) {
          new ColdStart().run(out, emulators, coldStarts);
        }
      }
    }
    return 0;
  }

  private static byte[] generate(SyntheticCsv.Kind kind, long rows) throws Exception {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream((int) (rows * SyntheticCsv.bytesPerRow(kind)));
    new SyntheticCsv(kind, rows, 42).transferTo(bytes);
    return bytes.toByteArray();
  }

  /** Median, minimum and maximum of a measurement's seconds, after warm-up runs. */
  private record Timing(double median, double min, double max) {
    static Timing of(double[] seconds) {
      double[] sorted = seconds.clone();
      Arrays.sort(sorted);
      return new Timing(sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  private static double seconds(Run run) throws Exception {
    long start = System.nanoTime();
    run.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Two runs timed in turns (their order swapped each time), so that a slow spell of this machine
   * slows both.
   */
  private record Pair(Timing first, Timing second, Timing ratio) {}

  private Pair timeInTurns(Run first, Run second) throws Exception {
    for (int i = 0; i < WARM_UP; i++) {
      first.run();
      second.run();
    }
    double[] firstSeconds = new double[iterations];
    double[] secondSeconds = new double[iterations];
    double[] ratios = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      if (i % 2 == 0) {
        firstSeconds[i] = seconds(first);
        secondSeconds[i] = seconds(second);
      } else {
        secondSeconds[i] = seconds(second);
        firstSeconds[i] = seconds(first);
      }
      ratios[i] = firstSeconds[i] / secondSeconds[i];
    }
    return new Pair(Timing.of(firstSeconds), Timing.of(secondSeconds), Timing.of(ratios));
  }

  private void engine(PrintStream out) throws Exception {
    out.println();
    out.println(
        "## Engine: read + check + chunk + serialize, beside a bare commons-csv parse of the same"
            + " bytes");
    out.println();
    out.println(
        "Median of "
            + iterations
            + " runs after "
            + WARM_UP
            + " warm-ups, the bare parse and the engine in turns; rows/s as median (min-max);"
            + " engine / bare as the median (min-max) of each turn's ratio.");
    out.println();
    out.println(
        "| file | rows | MB | bare parse rows/s | engine rows/s | engine MB/s | engine / bare |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    ImportOptions options = new ImportOptions(null, Instant.parse("2026-11-23T00:00:00Z"));
    for (long n : new long[] {rows, largeRows}) {
      for (SyntheticCsv.Kind kind : SyntheticCsv.Kind.values()) {
        byte[] csv = generate(kind, n);
        ImportOptions withAction = new ImportOptions(kind.action(), options.importTime());
        long[] sink = new long[1];
        Pair measured =
            timeInTurns(
                () -> bareParse(csv),
                () ->
                    new ImportReader(ChunkLimits.DEFAULT)
                        .read(
                            new ByteArrayInputStream(csv),
                            withAction,
                            chunk -> sink[0] += chunk.payload().length));
        Timing bare = measured.first();
        Timing engine = measured.second();
        double megabytes = csv.length / 1e6;
        out.printf(
            "| %s | %,d | %.0f | %,.0f (%,.0f-%,.0f) | %,.0f (%,.0f-%,.0f) | %.1f | %.2f"
                + " (%.2f-%.2f) |%n",
            kind.name().toLowerCase(),
            n,
            megabytes,
            n / bare.median(),
            n / bare.max(),
            n / bare.min(),
            n / engine.median(),
            n / engine.max(),
            n / engine.min(),
            megabytes / engine.median(),
            measured.ratio().median(),
            measured.ratio().min(),
            measured.ratio().max());
      }
    }
  }

  /** The baseline: commons-csv over the same UTF-8 bytes, touching every cell. */
  private static long bareParse(byte[] csv) throws Exception {
    long cells = 0;
    try (CSVParser parser =
        CSVParser.builder()
            .setReader(new InputStreamReader(new ByteArrayInputStream(csv), StandardCharsets.UTF_8))
            .setFormat(CSVFormat.RFC4180)
            .get()) {
      for (CSVRecord record : parser) {
        for (String cell : record) {
          cells += cell.length();
        }
      }
    }
    return cells;
  }

  private void memory(PrintStream out) throws Exception {
    out.println();
    out.println(
        "## Memory: the trigger's two passes over a "
            + memoryMegabytes
            + " MB generated file, -Xmx256m");
    out.println();
    String jar =
        Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    Process probe =
        new ProcessBuilder(
                "java",
                "-Xmx256m",
                "-cp",
                jar,
                MemoryProbe.class.getName(),
                Long.toString(memoryMegabytes * 1_000_000))
            .redirectErrorStream(true)
            .start();
    String report =
        new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int exit = probe.waitFor();
    out.println("exit " + exit + ": `" + report.replace("\n", " ") + "`");
  }

  private void fanOut(PrintStream out, Emulators emulators) throws Exception {
    out.println();
    out.println(
        "## Fan-out: check pass, then read, chunk and publish to the Pub/Sub emulator (one run"
            + " each)");
    out.println();
    out.println("| rows | seconds | rows/s |");
    out.println("|---:|---:|---:|");
    for (long n : new long[] {rows, largeRows}) {
      emulators.reset(LocalCloud.PROJECT);
      Settings settings = new Settings(Map.of(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=bench"));
      try (LocalCloud cloud = LocalCloud.start(emulators, settings, 0, null, WorkDir.PATH);
          BenchFanOut bench = new BenchFanOut(cloud)) {
        byte[] csv = generate(SyntheticCsv.Kind.USERS, n);
        cloud
            .storage()
            .create(
                BlobInfo.newBuilder(BlobId.of(LocalCloud.BUCKET, "imports/bench.csv")).build(),
                csv);
        long start = System.nanoTime();
        // The chunk subscription is deleted so that only publishing is measured.
        cloud.topology().deleteChunkSubscription();
        bench
            .fanOut()
            .start(
                new NewImport(
                    "bench",
                    LocalCloud.BUCKET,
                    "imports/bench.csv",
                    0,
                    "setUserAttributes",
                    "bench.csv",
                    null),
                "bench");
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("| %,d | %.1f | %,.0f |%n", n, seconds, n / seconds);
      }
    }
  }

  private void wholeImport(PrintStream out, Emulators emulators) throws Exception {
    out.println();
    out.println("## Whole import through the emulators, beside the Firestore emulator's ceiling");
    out.println();
    emulators.reset(LocalCloud.PROJECT);
    double ceiling = firestoreCeiling(emulators, importRows);
    out.printf(
        "Firestore emulator ceiling: %,.0f docs/s (%,d profile-sized docs in parallel batches of"
            + " 500, 40 at once).%n%n",
        ceiling, importRows);
    out.println(
        "Chunk delivery: `push`, the Pub/Sub emulator pushes to the processor's door; `pull`, the"
            + " runner pulls them itself, up to "
            + PULLED_AT_ONCE
            + " at a time, through the same door.");
    out.println();
    out.println(
        "| file | delivery | rows | seconds | rows/s | import / ceiling | partitions | chunks"
            + " applied at once, most | ms per transaction | attempts per transaction | time in"
            + " transactions / wall time |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Map<SyntheticCsv.Kind, Map<String, Long>> counted = new LinkedHashMap<>();
    for (SyntheticCsv.Kind kind : SyntheticCsv.Kind.values()) {
      for (String delivery : List.of("push", "pull")) {
        emulators.reset(LocalCloud.PROJECT);
        Settings settings =
            new Settings(Map.of(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=bench"));
        try (LocalCloud cloud = LocalCloud.start(emulators, settings, 0, null, WorkDir.PATH)) {
          if (delivery.equals("pull")) {
            cloud.pullChunks(PULLED_AT_ONCE);
          }
          byte[] csv = generate(kind, importRows);
          long start = System.nanoTime();
          String jobId =
              cloud.drop(
                  new ByteArrayInputStream(csv),
                  "imports/" + kind.name().toLowerCase() + ".csv",
                  Map.of("action", kind.action()));
          Job job = cloud.awaitEnd("bench", jobId, Duration.ofHours(1));
          double seconds = (System.nanoTime() - start) / 1e9;
          Map<String, Long> operations =
              cloud.stages().jobs().operations(job, cloud.stages().partitions().totals(job));
          counted.put(kind, operations);
          long transactions = Math.max(1, operations.getOrDefault("apply.transactions", 0L));
          out.printf(
              "| %s | %s | %,d | %.1f | %,.0f | %.2f | %d | %d | %.0f | %.2f | %.2f |%n",
              kind.name().toLowerCase(),
              delivery,
              importRows,
              seconds,
              importRows / seconds,
              importRows / seconds / ceiling,
              job.limits().partitions(),
              cloud.chunkDeliveriesAtOnce(),
              (double) operations.getOrDefault("apply.millis", 0L) / transactions,
              (double) operations.getOrDefault("apply.attempts", 0L) / transactions,
              operations.getOrDefault("apply.millis", 0L) / 1000.0 / seconds);
        }
      }
    }
    out.println();
    out.println(
        "Billable operations per 1,000 rows, as the pipeline counted them (`JobStore.operations`,"
            + " logged with each job's completion):");
    out.println();
    List<String> names =
        new ArrayList<>(
            new TreeSet<>(counted.values().stream().flatMap(m -> m.keySet().stream()).toList()));
    out.println(
        "| operation | "
            + String.join(
                " | ", counted.keySet().stream().map(k -> k.name().toLowerCase()).toList())
            + " |");
    out.println("|---|" + "---:|".repeat(counted.size()));
    for (String name : names) {
      StringBuilder row = new StringBuilder("| " + name + " |");
      for (Map<String, Long> operations : counted.values()) {
        row.append(
            String.format(" %,.2f |", operations.getOrDefault(name, 0L) * 1000.0 / importRows));
      }
      out.println(row);
    }
  }

  /**
   * Documents per second the emulator takes with 40 parallel WriteBatch commits of 500
   * profile-sized documents.
   */
  private static double firestoreCeiling(Emulators emulators, long documents) throws Exception {
    try (Firestore db =
        FirestoreOptions.newBuilder()
            .setProjectId(LocalCloud.PROJECT)
            .setEmulatorHost(emulators.firestoreHost())
            .build()
            .getService()) {
      ExecutorService threads = Executors.newFixedThreadPool(40);
      try {
        long start = System.nanoTime();
        List<Future<?>> batches = new ArrayList<>();
        for (long first = 0; first < documents; first += 500) {
          long from = first;
          batches.add(
              threads.submit(
                  () -> {
                    WriteBatch batch = db.batch();
                    for (long i = from; i < Math.min(from + 500, documents); i++) {
                      batch.set(
                          db.collection("apps")
                              .document("ceiling")
                              .collection("users")
                              .document("user-" + i),
                          Map.of(
                              "userId",
                              "user-" + i,
                              "attributes",
                              Map.of(
                                  "email",
                                  "user" + i + "@example.com",
                                  "Plan",
                                  "gold",
                                  "Age",
                                  30L,
                                  "Score",
                                  1.5,
                                  "Logins",
                                  2L)));
                    }
                    return batch.commit().get();
                  }));
        }
        for (Future<?> batch : batches) {
          batch.get();
        }
        return documents / ((System.nanoTime() - start) / 1e9);
      } finally {
        threads.shutdown();
      }
    }
  }
}
