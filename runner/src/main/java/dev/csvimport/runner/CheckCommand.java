package dev.csvimport.runner;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.FailedRows;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.ImportSummary;
import dev.csvimport.engine.ResultLines;
import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.FileFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code csvimport check FILE}: the file through the import's engine, with no emulator and nothing
 * written but what is asked for: its counts, its failed rows as result lines and, with {@code
 * --failed-rows}, as a CSV to fix and import again. The checks that need the store (a user not
 * found under CreateNever, a profile over 1 MiB) are a dry run's: {@code import --dry-run}.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Reads and checks every row of FILE as an import would, without any emulator, and prints"
            + " its counts and its failed rows (JSON lines). Exit code 0 when every row passes, 1"
            + " when rows fail or the file cannot be imported.")
final class CheckCommand implements Callable<Integer> {

  private static final Gson COMPACT =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the CSV file (or .csv.gz)")
  Path file;

  @Option(
      names = "--action",
      paramLabel = "A",
      description = "the file's default action: setUserAttributes, setDeviceAttributes or track")
  String action;

  @Option(
      names = "--delimiter",
      paramLabel = "D",
      description = "comma, semicolon, tab or pipe (default: told from the header line)")
  String delimiter;

  @Option(
      names = "--failed-rows",
      paramLabel = "OUT",
      description = "write the failed rows to OUT as a CSV to fix and import again")
  Path failedRowsOut;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(file)) {
      err.println("no such file: " + file);
      return 2;
    }
    Delimiter given = null;
    if (delimiter != null) {
      given = Delimiter.named(delimiter).orElse(null);
      if (given == null) {
        err.println("unknown delimiter '" + delimiter + "': use one of " + Delimiter.names());
        return 2;
      }
    }
    ImportOptions options = new ImportOptions(action, Instant.now()).withDelimiter(given);
    ImportReader reader = new ImportReader(new Settings(Map.of()).fanOut().limits());
    // The failures are kept in a file, not in memory, to write the failed-rows CSV after them.
    Path failures = Files.createTempFile("csvimport-check-", ".jsonl");
    try {
      ImportSummary summary;
      try (InputStream csv = Files.newInputStream(file);
          Writer lines = Files.newBufferedWriter(failures, StandardCharsets.UTF_8)) {
        summary = reader.read(csv, options, chunk -> {}, failure -> writeLine(lines, failure));
      } catch (FileFailure failure) {
        System.out.println(
            COMPACT.toJson(Map.of("state", "FAILED", "reason", failure.getMessage())));
        return 1;
      }
      JsonObject counts = new JsonObject();
      counts.addProperty("state", "CHECKED");
      counts.addProperty("rows", summary.rows());
      counts.addProperty("passed", summary.rows() - summary.failedRows());
      counts.addProperty("failuresCount", summary.failedRows());
      System.out.println(COMPACT.toJson(counts));
      try (BufferedReader lines = Files.newBufferedReader(failures, StandardCharsets.UTF_8)) {
        lines.lines().forEach(System.out::println);
      }
      if (failedRowsOut != null) {
        try (InputStream csv = Files.newInputStream(file);
            BufferedReader lines = Files.newBufferedReader(failures, StandardCharsets.UTF_8);
            OutputStream out = Files.newOutputStream(failedRowsOut)) {
          long written =
              FailedRows.write(csv, given, ColumnMapping.NONE, ResultLines.failures(lines), out);
          err.println(written + " failed rows written to " + failedRowsOut);
        }
      }
      return summary.failedRows() == 0 ? 0 : 1;
    } finally {
      Files.deleteIfExists(failures);
    }
  }

  private static void writeLine(Writer out, RowResult failure) {
    try {
      out.write(ResultLines.toJson(ResultLines.of(failure, ResultLines.FAILED, failure.failure())));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
