package dev.csvimport.runner;

import dev.csvimport.log.Log;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The runner's working folder, {@code .csvimport/}: its logs and the emulators'. */
final class WorkDir {

  static final Path PATH = Path.of(".csvimport");

  private WorkDir() {}

  /**
   * Sends the structured logs to {@code .csvimport/<name>}, so the terminal shows only answers and
   * progress.
   */
  static void logTo(String name) throws IOException {
    Files.createDirectories(PATH);
    Log.writeTo(
        new PrintStream(
            Files.newOutputStream(
                PATH.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            true,
            StandardCharsets.UTF_8));
  }

  static Path emulatorLog() {
    return PATH.resolve("emulators.log");
  }
}
