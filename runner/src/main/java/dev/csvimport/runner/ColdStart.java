package dev.csvimport.runner;

import dev.csvimport.config.CloudClients;
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
 * where the door has any), beside a function that does nothing in a jar of its own under the same
 * invoker in the same run. The ratio is the figure.
 */
final class ColdStart {

  /** A function and the first request a new instance of it gets. */
  private record Probe(
      String name,
      InvokedFunction.Target target,
      String method,
      String path,
      Map<String, String> headers,
      String body) {}

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient http = HttpClient.newHttpClient();

  void run(PrintStream out, Emulators emulators, int runs) throws Exception {
    Path functionsJar = InvokedFunction.functionsJar();
    Path invokerJar = InvokedFunction.invokerJar();
    Path work = Files.createTempDirectory("csvimport-coldstart");
    Path helloJar = helloJar(work);
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
      out.println("| function | listening (s) | first answer (s) | / hello-world |");
      out.println("|---|---|---|---|");
      List<Probe> probes = probes();
      double[] hello = null;
      for (Probe probe : probes) {
        Path jar = probe.name().equals("hello-world") ? helloJar : functionsJar;
        double[] seconds = new double[runs];
        double[] listening = new double[runs];
        for (int run = 0; run < runs; run++) {
          double[] times =
              firstAnswer(invokerJar, jar, probe, environment, work.resolve(probe.name() + ".log"));
          listening[run] = times[0];
          seconds[run] = times[1];
        }
        Arrays.sort(seconds);
        Arrays.sort(listening);
        double median = seconds[runs / 2];
        if (hello == null) {
          hello = seconds;
        }
        out.printf(
            "| %s | %.2f | %.2f (%.2f–%.2f) | %.1fx |%n",
            probe.name(),
            listening[runs / 2],
            median,
            seconds[0],
            seconds[runs - 1],
            median / hello[runs / 2]);
        out.flush();
      }
    }
  }

  /** Seconds from the process's start to its port listening, and to its first answer. */
  private double[] firstAnswer(
      Path invokerJar, Path jar, Probe probe, Map<String, String> environment, Path log)
      throws Exception {
    try (InvokedFunction function =
        InvokedFunction.start(invokerJar, jar, probe.target(), environment, log, START_TIMEOUT)) {
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

  private static Map<String, String> environment(Emulators emulators, LocalStorageServer bucket) {
    Map<String, String> environment = new HashMap<>();
    environment.put(Settings.PROJECT_ID, LocalCloud.PROJECT);
    environment.put(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=coldstart");
    environment.put(
        Settings.CHUNK_TOPIC, "projects/" + LocalCloud.PROJECT + "/topics/csvimport-chunks");
    environment.put(
        Settings.FANOUT_TOPIC, "projects/" + LocalCloud.PROJECT + "/topics/csvimport-fanout");
    environment.put(CloudClients.FIRESTORE_EMULATOR_HOST, emulators.firestoreHost());
    environment.put(CloudClients.PUBSUB_EMULATOR_HOST, emulators.pubsubHost());
    environment.put(CloudClients.STORAGE_EMULATOR_HOST, bucket.host());
    return environment;
  }

  /** Requests of the shapes Google sends (test-data/wire), for jobs and apps that do not exist. */
  private static List<Probe> probes() {
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
            "hello-world",
            InvokedFunction.Target.http(HelloFunction.class.getName()),
            "GET",
            "/",
            Map.of(),
            null),
        new Probe(
            "Api",
            InvokedFunction.Target.http("dev.csvimport.functions.Api"),
            "GET",
            "/api?action=listJobs&appId=coldstart&clientKey=prod_none",
            Map.of(),
            null),
        new Probe(
            "ChunkProcessor",
            InvokedFunction.Target.http("dev.csvimport.functions.ChunkProcessor"),
            "POST",
            "/",
            Map.of("Content-Type", "application/json"),
            push),
        new Probe(
            "StorageTrigger",
            InvokedFunction.Target.http("dev.csvimport.functions.StorageTrigger"),
            "POST",
            "/",
            cloudEvent("google.cloud.storage.object.v1.finalized"),
            object),
        new Probe(
            "FanOutWorker",
            InvokedFunction.Target.cloudEvent("dev.csvimport.functions.FanOutWorker"),
            "POST",
            "/",
            cloudEvent("google.cloud.pubsub.topic.v1.messagePublished"),
            published),
        new Probe(
            "ScheduledSweep",
            InvokedFunction.Target.http("dev.csvimport.functions.ScheduledSweep"),
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

  /** A jar holding only {@link HelloFunction}. */
  private static Path helloJar(Path work) throws IOException {
    Path jar = work.resolve("hello.jar");
    String entry = HelloFunction.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        InputStream in = HelloFunction.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
