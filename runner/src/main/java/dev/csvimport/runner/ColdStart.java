package dev.csvimport.runner;

import dev.csvimport.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipFile;

/**
 * The benchmark's cold-start section: for each function, the time from starting a new invoker
 * process with the shaded jar to its first answered request (one that reaches the door's clients
 * where the door has any), beside two yardsticks under the same invoker in the same run: a function
 * that does nothing, in a jar of its own (as an HTTP and as a CloudEvents function), and one that
 * reads one Firestore document with Google's client from the functions jar, the floor of every
 * door. The ratios are the figures.
 */
final class ColdStart {

  /** A function, the jars it is loaded from, and the first request a new instance of it gets. */
  private record Probe(
      String name,
      InvokedFunction.Target target,
      List<Path> classpath,
      String method,
      String path,
      Map<String, String> headers,
      String body) {}

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String HELLO = "hello-world";
  private static final String FIRESTORE_READ = "firestore-read";

  private final HttpClient http = HttpClient.newHttpClient();

  void run(PrintStream out, Emulators emulators, int runs) throws Exception {
    Path functionsJar = InvokedFunction.functionsJar();
    Path invokerJar = InvokedFunction.invokerJar();
    Path work = Files.createTempDirectory("csvimport-coldstart");
    Path yardsticks = yardstickJar(work);
    try (LocalStorageServer bucket =
        new LocalStorageServer(
            Map.of(LocalCloud.BUCKET, work.resolve("bucket")), 0, object -> {})) {
      Map<String, String> environment = environment(emulators, bucket);
      out.println();
      out.println(
          "## Cold start: a new instance's first answer, under the Functions Framework invoker"
              + " 2.0.0");
      out.println();
      try (ZipFile jar = new ZipFile(functionsJar.toFile())) {
        out.printf(
            "The functions jar: %.1f MB, %,d entries. Median of %d starts each (min–max); each"
                + " start a new JVM process, as a new Cloud Run instance is.%n",
            Files.size(functionsJar) / 1e6, jar.size(), runs);
      }
      out.println();
      out.println(
          "| function | listening (s) | first answer (s) | / hello-world | / firestore-read |");
      out.println("|---|---|---|---|---|");
      Map<String, Double> medians = new HashMap<>();
      for (Probe probe : probes(functionsJar, yardsticks)) {
        double[] seconds = new double[runs];
        double[] listening = new double[runs];
        for (int run = 0; run < runs; run++) {
          double[] times =
              firstAnswer(invokerJar, probe, environment, work.resolve(probe.name() + ".log"));
          listening[run] = times[0];
          seconds[run] = times[1];
        }
        Arrays.sort(seconds);
        Arrays.sort(listening);
        double median = seconds[runs / 2];
        medians.put(probe.name(), median);
        out.printf(
            "| %s | %.2f | %.2f (%.2f–%.2f) | %s | %s |%n",
            probe.name(),
            listening[runs / 2],
            median,
            seconds[0],
            seconds[runs - 1],
            ratio(median, medians.get(HELLO)),
            ratio(median, medians.get(FIRESTORE_READ)));
        out.flush();
      }
    }
  }

  private static String ratio(double seconds, Double yardstick) {
    return yardstick == null ? "" : String.format("%.1fx", seconds / yardstick);
  }

  /** Seconds from the process's start to its port listening, and to its first answer. */
  private double[] firstAnswer(
      Path invokerJar, Probe probe, Map<String, String> environment, Path log) throws Exception {
    try (InvokedFunction function =
        InvokedFunction.start(
            invokerJar, probe.classpath(), probe.target(), environment, log, START_TIMEOUT, 0)) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(function.url(probe.path())))
              .method(
                  probe.method(),
                  probe.body() == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(probe.body(), StandardCharsets.UTF_8));
      probe.headers().forEach(request::header);
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Instant answered = Instant.now();
      if (answer.statusCode() >= 500) {
        throw new IOException(
            probe.name()
                + "'s first request answered "
                + answer.statusCode()
                + ": "
                + answer.body()
                + "; see "
                + log);
      }
      return new double[] {
        function.startup().toNanos() / 1e9,
        Duration.between(function.started(), answered).toNanos() / 1e9
      };
    }
  }

  /**
   * The environment the local system's functions run with (settings, topics, emulator hosts), for
   * app "coldstart".
   */
  private static Map<String, String> environment(Emulators emulators, LocalStorageServer bucket) {
    return LocalCloud.functionEnvironment(
        new Settings(Map.of(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=coldstart")),
        emulators,
        bucket.host());
  }

  /** Requests of the shapes Google sends (test-data/wire), for jobs and apps that do not exist. */
  private static List<Probe> probes(Path functionsJar, Path yardsticks) {
    List<Path> functions = List.of(functionsJar);
    String push =
        "{\"message\":{\"data\":\""
            + Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8))
            + "\",\"attributes\":{\"appId\":\"coldstart\",\"jobId\":\"none\"},\"messageId\":"
            + "\"1\",\"publishTime\":\"2026-12-06T00:00:00Z\"},\"subscription\":\"projects/p/subscriptions/s\","
            + "\"deliveryAttempt\":1}";
    String published =
        "{\"message\":{\"data\":\""
            + Base64.getEncoder()
                .encodeToString(
                    "{\"appId\":\"coldstart\",\"jobId\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "\",\"messageId\":\"1\","
            + "\"publishTime\":\"2026-12-06T00:00:00Z\"},\"subscription\":\"projects/p/subscriptions/s\"}";
    String object =
        "{\"bucket\":\""
            + LocalCloud.BUCKET
            + "\",\"name\":\"imports/none.txt\",\"generation\":\"1\","
            + "\"size\":\"1\"}";
    return List.of(
        new Probe(
            HELLO,
            InvokedFunction.Target.http(HelloFunction.class.getName()),
            List.of(yardsticks),
            "GET",
            "/",
            Map.of(),
            null),
        new Probe(
            HELLO + " (CloudEvents)",
            InvokedFunction.Target.cloudEvent(HelloFunction.class.getName()),
            List.of(yardsticks),
            "POST",
            "/",
            cloudEvent("google.cloud.pubsub.topic.v1.messagePublished"),
            published),
        new Probe(
            FIRESTORE_READ,
            InvokedFunction.Target.http(FirestoreReadFunction.class.getName()),
            List.of(functionsJar, yardsticks),
            "GET",
            "/",
            Map.of(),
            null),
        new Probe(
            "Api",
            InvokedFunction.Target.http("dev.csvimport.functions.Api"),
            functions,
            "GET",
            "/api?action=listJobs&appId=coldstart&clientKey=prod_none",
            Map.of(),
            null),
        new Probe(
            "ChunkProcessor",
            InvokedFunction.Target.http("dev.csvimport.functions.ChunkProcessor"),
            functions,
            "POST",
            "/",
            Map.of("Content-Type", "application/json"),
            push),
        new Probe(
            "StorageTrigger",
            InvokedFunction.Target.http("dev.csvimport.functions.StorageTrigger"),
            functions,
            "POST",
            "/",
            cloudEvent("google.cloud.storage.object.v1.finalized"),
            object),
        new Probe(
            "FanOutWorker",
            InvokedFunction.Target.cloudEvent("dev.csvimport.functions.FanOutWorker"),
            functions,
            "POST",
            "/",
            cloudEvent("google.cloud.pubsub.topic.v1.messagePublished"),
            published),
        new Probe(
            "ScheduledSweep",
            InvokedFunction.Target.http("dev.csvimport.functions.ScheduledSweep"),
            functions,
            "POST",
            "/",
            Map.of(
                "Content-Type", "application/octet-stream", "User-Agent", "Google-Cloud-Scheduler"),
            ""));
  }

  private static Map<String, String> cloudEvent(String type) {
    return Map.of(
        "Content-Type",
        "application/json",
        "ce-id",
        "coldstart-1",
        "ce-specversion",
        "1.0",
        "ce-type",
        type,
        "ce-source",
        "//coldstart",
        "ce-time",
        "2026-12-06T00:00:00Z");
  }

  /**
   * A jar holding only the yardsticks, {@link HelloFunction} and {@link FirestoreReadFunction}
   * (which takes Firestore's client from the functions jar).
   */
  private static Path yardstickJar(Path work) throws IOException {
    Path jar = work.resolve("yardsticks.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Class<?> yardstick : List.of(HelloFunction.class, FirestoreReadFunction.class)) {
        String entry = yardstick.getName().replace('.', '/') + ".class";
        try (InputStream in = yardstick.getClassLoader().getResourceAsStream(entry)) {
          out.putNextEntry(new JarEntry(entry));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
    return jar;
  }
}
