package dev.csvimport.runner;

import dev.csvimport.log.Log;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/csvimport}: the pipeline on this machine. */
@Command(
    name = "csvimport",
    mixinStandardHelpOptions = true,
    description = "Runs csvimport on this machine, against the Firestore and Pub/Sub emulators.",
    subcommands = {
      ImportCommand.class,
      CheckCommand.class,
      ServeCommand.class,
      AppsCommand.class,
      BenchCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    // The client libraries log through java.util.logging; the runner's own logs are its JSON lines.
    java.util.logging.LogManager.getLogManager().reset();
    System.exit(run(args));
  }

  /** Runs a command line; answers the exit code (0 done, 1 the import failed, 2 bad usage). */
  public static int run(String... args) {
    // Standard output is for answers; commands that run long send their logs to a file instead.
    Log.writeTo(System.err);
    return new CommandLine(new Main()).execute(args);
  }
}
