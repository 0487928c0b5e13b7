package dev.csvimport.runner;

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

/**
 * One function of the shaded jar in its own process, hosted by Google's Functions Framework invoker as the Java
 * runtime hosts it on Google Cloud: {@code java -jar java-function-invoker.jar --classpath <jar> --target <class>}, with
 * {@code FUNCTION_SIGNATURE_TYPE} and the environment its deployment sets. Its output goes to a log file.
 */
public final class InvokedFunction implements AutoCloseable {

  /** What a function is deployed as: its entry point and the signature type its trigger gives it. */
  public record Target(String entryPoint, String signatureType) {
    public static Target http(String entryPoint) {
      return new Target(entryPoint, "http");
    }

    public static Target cloudEvent(String entryPoint) {
      return new Target(entryPoint, "cloudevent");
    }
  }

  private final Target target;
  private final int port;
  private final Process process;
  private final Instant started;
  private final Duration startup;

  private InvokedFunction(Target target, int port, Process process, Instant started, Duration startup) {
    this.target = target;
    this.port = port;
    this.process = process;
    this.started = started;
    this.startup = startup;
  }

  /**
   * Starts the function and answers once its port accepts connections (the invoker opens it only after it loaded the
   * function class, so a function whose class cannot be loaded never gets here).
   *
   * @throws IOException when the process ends or does not listen within {@code timeout}; the log says why
   */
  public static InvokedFunction start(Path invokerJar, Path functionsJar, Target target,
      Map<String, String> environment, Path log, Duration timeout) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", invokerJar.toString(),
        "--classpath", functionsJar.toString(), "--target", target.entryPoint(), "--port", Integer.toString(port)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
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
        throw new IOException(target.entryPoint() + " ended at start with exit code " + process.exitValue()
            + "; see " + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new InvokedFunction(target, port, process, started, Duration.between(started, Instant.now()));
      } catch (ConnectException notYet) {
        if (Instant.now().isAfter(deadline)) {
          process.destroyForcibly();
          throw new IOException(target.entryPoint() + " did not listen within " + timeout + "; see " + log);
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

  /** The invoker, copied by the build beside the runner ({@code runner/target/invoker/}), or {@code -Dcsvimport.invokerJar}. */
  public static Path invokerJar() {
    return located("csvimport.invokerJar", "invoker/java-function-invoker.jar");
  }

  /** The shaded jar as {@code mvn package} built it for Terraform, or {@code -Dcsvimport.functionsJar}. */
  public static Path functionsJar() {
    return located("csvimport.functionsJar", "../../functions/target/csvimport-functions.jar");
  }

  /** A path given by a system property, else relative to {@code runner/target/}, where the runner's code is. */
  private static Path located(String property, String fromRunnerTarget) {
    String given = System.getProperty(property);
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    try {
      Path code = Path.of(InvokedFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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

  /** Ends the instance at once, as {@code kill -9} or Cloud Run replacing it would: no shutdown hook runs. */
  public void kill() {
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

  @Override
  public void close() {
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
