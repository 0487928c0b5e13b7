package dev.csvimport.runner;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The Firestore and Pub/Sub emulators (the real ones, from the Google Cloud SDK), started on free
 * ports unless FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST point to running ones. What it starts
 * it stops, process tree and all, when closed or when the JVM exits.
 */
public final class Emulators implements AutoCloseable {

  public static final String FIRESTORE_HOST_VARIABLE = "FIRESTORE_EMULATOR_HOST";
  public static final String PUBSUB_HOST_VARIABLE = "PUBSUB_EMULATOR_HOST";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private static final int LAUNCH_ATTEMPTS = 5;

  private String firestoreHost;
  private String pubsubHost;
  private final List<Process> started = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopStarted, "stop-emulators");

  /** Emulators not yet started: {@link #start} starts them (tests start one at a time). */
  Emulators() {}

  /**
   * Starts what the environment does not already point to; {@code log} receives the emulators'
   * output.
   */
  public static Emulators start(Map<String, String> environment, Path log) throws IOException {
    String firestore = environment.get(FIRESTORE_HOST_VARIABLE);
    String pubsub = environment.get(PUBSUB_HOST_VARIABLE);
    Emulators emulators = new Emulators();
    Runtime.getRuntime().addShutdownHook(emulators.shutdownHook);
    try {
      Files.createDirectories(log.getParent());
      if (firestore == null || firestore.isBlank()) {
        Path script = sdkFile("platform/cloud-firestore-emulator/cloud_firestore_emulator");
        emulators.firestoreHost =
            emulators.launchOnFreePort(
                "Firestore",
                Emulators::freePort,
                port -> List.of(script.toString(), "start", "--host=127.0.0.1", "--port=" + port),
                log);
      } else {
        emulators.firestoreHost = firestore;
        awaitReady("http://" + firestore + "/", "Firestore", null);
      }
      if (pubsub == null || pubsub.isBlank()) {
        emulators.pubsubHost = emulators.launchPubSub(Emulators::freePort, log);
      } else {
        emulators.pubsubHost = pubsub;
        awaitReady("http://" + pubsub + "/", "Pub/Sub", null);
      }
    } catch (IOException | RuntimeException e) {
      emulators.close();
      throw e;
    }
    return emulators;
  }

  /** The Pub/Sub emulator on a port {@code ports} gives (a test gives a taken one first). */
  String launchPubSub(IntSupplierWithIo ports, Path log) throws IOException {
    Path script = sdkFile("platform/pubsub-emulator/bin/cloud-pubsub-emulator");
    return launchOnFreePort(
        "Pub/Sub",
        ports,
        port -> List.of(script.toString(), "--host=127.0.0.1", "--port=" + port),
        log);
  }

  /** A source of port numbers that may fail as a socket does. */
  @FunctionalInterface
  interface IntSupplierWithIo {
    int get() throws IOException;
  }

  /**
   * Starts an emulator on a free port. A free port can be taken by another process before the
   * emulator binds it; the emulator then exits (BindException), and it is started again on another
   * port.
   */
  private String launchOnFreePort(
      String name, IntSupplierWithIo ports, IntFunction<List<String>> command, Path log)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      int port = ports.get();
      long logged = Files.exists(log) ? Files.size(log) : 0;
      Process process = launch(command.apply(port), log);
      String host = "127.0.0.1:" + port;
      // The Pub/Sub emulator's JVM outlives its failed bind (its other threads keep it up): read
      // its output too.
      if (awaitReady(
          "http://" + host + "/",
          name,
          () -> !process.isAlive() || logSince(log, logged).contains("Address already in use"))) {
        return host;
      }
      stop(process);
      started.remove(process);
      if (attempt == LAUNCH_ATTEMPTS) {
        throw new IOException(
            "the "
                + name
                + " emulator exited before it answered, "
                + attempt
                + " times (see "
                + log
                + ")");
      }
    }
  }

  public String firestoreHost() {
    return firestoreHost;
  }

  public String pubsubHost() {
    return pubsubHost;
  }

  /**
   * Deletes every Firestore document and every Pub/Sub topic and subscription. The Firestore
   * emulator refuses the deletion while an abandoned transaction still holds a lock, until the lock
   * times out: keep asking until it is done.
   */
  public void reset(String projectId) throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    String documents =
        "http://"
            + firestoreHost
            + "/emulator/v1/projects/"
            + projectId
            + "/databases/(default)/documents";
    int status;
    while ((status = requestOrMinusOne("DELETE", documents)) != 200) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("the Firestore emulator did not reset (HTTP " + status + ")");
      }
      pause();
    }
    status = request("POST", "http://" + pubsubHost + "/reset");
    if (status != 200) {
      throw new IOException("the Pub/Sub emulator did not reset (HTTP " + status + ")");
    }
  }

  private static int requestOrMinusOne(String method, String url) {
    try {
      return request(method, url);
    } catch (IOException e) {
      return -1;
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private Process launch(List<String> command, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().remove(FIRESTORE_HOST_VARIABLE);
    builder.environment().remove(PUBSUB_HOST_VARIABLE);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private static Path sdkFile(String relative) throws IOException {
    List<Path> roots = new ArrayList<>();
    String configured = System.getenv("CLOUDSDK_ROOT_DIR");
    if (configured != null) {
      roots.add(Path.of(configured));
    }
    roots.add(Path.of("/usr/lib/google-cloud-sdk"));
    roots.add(Path.of("/usr/share/google-cloud-sdk"));
    roots.add(Path.of(System.getProperty("user.home"), "google-cloud-sdk"));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path gcloud = Path.of(dir, "gcloud");
        if (Files.isExecutable(gcloud)) {
          roots.add(gcloud.toRealPath().getParent().getParent());
        }
      }
    }
    for (Path root : roots) {
      Path candidate = root.resolve(relative);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IOException(
        relative
            + " was not found in the Google Cloud SDK (looked in "
            + roots
            + "); install it"
            + " with: gcloud components install cloud-firestore-emulator pubsub-emulator");
  }

  /** Whether a launched emulator failed to start. */
  @FunctionalInterface
  private interface FailureCheck {
    boolean failed() throws IOException;
  }

  private static String logSince(Path log, long offset) throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(
        all,
        (int) Math.min(offset, all.length),
        (int) Math.max(0, all.length - offset),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Waits until the emulator answers at {@code url}; answers false when {@code failed} (null: not
   * ours to check) says it failed first, as an emulator whose port was taken does.
   */
  private static boolean awaitReady(String url, String name, FailureCheck failed)
      throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (failed != null && failed.failed()) {
        return false;
      }
      try {
        if (request("GET", url, 2000) == 200) {
          // Another process on a port taken before ours bound it would answer too: only ours, not
          // failed, counts.
          return failed == null || !failed.failed();
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the " + name + " emulator", e);
      }
    }
    throw new IOException(
        "the " + name + " emulator did not answer at " + url + " within " + START_TIMEOUT);
  }

  private static int request(String method, String url) throws IOException {
    return request(method, url, 30000);
  }

  private static int request(String method, String url, int readTimeoutMillis) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(2000);
    connection.setReadTimeout(readTimeoutMillis);
    try {
      return connection.getResponseCode();
    } finally {
      connection.disconnect();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void stopStarted() {
    started.forEach(Emulators::stop);
    started.clear();
  }

  private static void stop(Process process) {
    List<ProcessHandle> tree = new ArrayList<>();
    // The SDK's scripts start a JVM as a child: stop the whole tree, or the JVM is left behind.
    process.descendants().forEach(tree::add);
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception notYet) {
        handle.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stopStarted();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Already running as the hook.
    }
  }
}
