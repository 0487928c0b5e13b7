package dev.csvimport.runner;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One function of the shaded jar in its own process, hosted by Google's Functions Framework invoker
 * as the Java runtime hosts it on Google Cloud: {@code java -jar java-function-invoker.jar
 * --classpath <jar> --target <class>}, with {@code FUNCTION_SIGNATURE_TYPE} and the environment its
 * deployment sets. Its output goes to a log file.
 */
public final class InvokedFunction implements AutoCloseable {

  /**
   * What a function is deployed as: its entry point and the signature type its trigger gives it.
   */
  public record Target(String entryPoint, String signatureType) {
    public static Target http(String entryPoint) {
      return new Target(entryPoint, "http");
    }

    public static Target cloudEvent(String entryPoint) {
      return new Target(entryPoint, "cloudevent");
    }
  }

  /**
   * Each instance's heap, capped so that the five functions and the emulators share this machine.
   */
  private static final String HEAP = "512m";

  private final Target target;
  private final int port;
  private final Process process;
  private final Instant started;
  private final Duration startup;

  /**
   * Ends the process when this JVM ends without closing it (Ctrl-C on {@code serve}): no instance
   * outlives it.
   */
  private final Thread shutdownHook;

  private InvokedFunction(
      Target target, int port, Process process, Instant started, Duration startup) {
    this.target = target;
    this.port = port;
    this.process = process;
    this.started = started;
    this.startup = startup;
    this.shutdownHook = new Thread(process::destroyForcibly, "stop-" + target.entryPoint());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the function and answers once its port accepts connections (the invoker opens it only
   * after it loaded the function class, so a function whose class cannot be loaded never gets
   * here).
   *
   * @throws IOException when the process ends or does not listen within {@code timeout}; the log
   *     says why
   */
  public static InvokedFunction start(
      Path invokerJar,
      Path functionsJar,
      Target target,
      Map<String, String> environment,
      Path log,
      Duration timeout)
      throws IOException {
    return start(invokerJar, functionsJar, target, environment, log, timeout, 0);
  }

  /**
   * As {@link #start(Path, Path, Target, Map, Path, Duration)}, on {@code port} (0 for any free
   * one): a replacement instance takes the port of the one it replaces, as Cloud Run keeps a
   * service's address.
   */
  public static InvokedFunction start(
      Path invokerJar,
      Path functionsJar,
      Target target,
      Map<String, String> environment,
      Path log,
      Duration timeout,
      int port)
      throws IOException {
    return start(invokerJar, List.of(functionsJar), target, environment, log, timeout, port);
  }

  /**
   * As {@link #start(Path, Path, Target, Map, Path, Duration, int)}, the function's classes from
   * the jars of {@code classpath} (the invoker's {@code --classpath}, in order).
   */
  public static InvokedFunction start(
      Path invokerJar,
      List<Path> classpath,
      Target target,
      Map<String, String> environment,
      Path log,
      Duration timeout,
      int port)
      throws IOException {
    if (port == 0) {
      port = freePort();
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP,
                "-jar",
                invokerJar.toString(),
                "--classpath",
                classpath.stream()
                    .map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator)),
                "--target",
                target.entryPoint(),
                "--port",
                Integer.toString(port)));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.endsWith("_EMULATOR_HOST"));
    builder.environment().putAll(environment);
    builder.environment().put("FUNCTION_SIGNATURE_TYPE", target.signatureType());
    builder.environment().put("FUNCTION_TARGET", target.entryPoint());
    Files.createDirectories(log.toAbsolutePath().getParent());
    Instant started = Instant.now();
    Process process = builder.start();
    Instant deadline = started.plus(timeout);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            target.entryPoint()
                + " ended at start with exit code "
                + process.exitValue()
                + "; see "
                + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new InvokedFunction(
            target, port, process, started, Duration.between(started, Instant.now()));
      } catch (ConnectException notYet) {
        if (Instant.now().isAfter(deadline)) {
          process.destroyForcibly();
          throw new IOException(
              target.entryPoint() + " did not listen within " + timeout + "; see " + log);
        }
        try {
          // Polling a port that opens when the process is ready: nothing else would tell.
          process.waitFor(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while " + target.entryPoint() + " started", e);
        }
      }
    }
  }

  /**
   * The invoker, copied by the build beside the runner ({@code runner/target/invoker/}), or {@code
   * -Dcsvimport.invokerJar}.
   */
  public static Path invokerJar() {
    return located("csvimport.invokerJar", "invoker/java-function-invoker.jar");
  }

  /**
   * The shaded jar as {@code mvn package} built it for Terraform, or {@code
   * -Dcsvimport.functionsJar}.
   */
  public static Path functionsJar() {
    return located("csvimport.functionsJar", "../../functions/target/csvimport-functions.jar");
  }

  /**
   * A path given by a system property, else relative to {@code runner/target/}, where the runner's
   * code is.
   */
  private static Path located(String property, String fromRunnerTarget) {
    String given = System.getProperty(property);
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    try {
      Path code =
          Path.of(
              InvokedFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().resolve(fromRunnerTarget).normalize();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("the runner's own location is unreadable", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Where the function answers, e.g. {@code http://127.0.0.1:PORT}; {@code path} appended. */
  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public int port() {
    return port;
  }

  public Target target() {
    return target;
  }

  /** When its process was started. */
  public Instant started() {
    return started;
  }

  /** From the process's start to its port accepting connections. */
  public Duration startup() {
    return startup;
  }

  /**
   * Ends the instance at once, as {@code kill -9} or Cloud Run replacing it would: no shutdown hook
   * runs.
   */
  public void kill() {
    forgetHook();
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  private void forgetHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs, or has run.
    }
  }

  @Override
  public void close() {
    forgetHook();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}
