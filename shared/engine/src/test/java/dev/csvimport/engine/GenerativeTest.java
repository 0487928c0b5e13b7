package dev.csvimport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.check.HeaderParser;
import dev.csvimport.engine.check.RowChecker;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.chunk.Chunker;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.CsvRecords;
import dev.csvimport.engine.read.FileFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated CSV files: whatever the bytes, the engine ends each in a file
 * failure, or in rows that are each exactly one success or one failure, counted right. Nothing else
 * escapes it.
 */
class GenerativeTest {

  private static final long SEED = Long.getLong("csvimport.seed", 20261123L);
  private static final ChunkLimits LIMITS = new ChunkLimits(3, 4, 4096, 7);
  private static final int FILES = Integer.getInteger("csvimport.generatedFiles", 10_000);
  private static final String[] DEFAULT_ACTIONS = {
    "setUserAttributes", "track", "setDeviceAttributes", null
  };
  private static final String[] CELLS = {
    "",
    "null",
    "u-1",
    "42",
    "-7",
    "3.5",
    "1e3",
    "true",
    "[a, b]",
    "[]",
    "1700000000",
    "1700000000000",
    "01/02/2020",
    "05 Jan 2020 06:07:08",
    "+44 20 7946",
    "a@b.co",
    "USD",
    "Open",
    "x\"y",
    "\"quoted, cell\"",
    "\"multi\nline\"",
    "é😀",
    " ",
    "track",
    "setUserAttributes",
    "setDeviceAttributes",
    // what the store refuses: reserved names, times outside the years 1 to 9999, ids and values too
    // long
    "__x__",
    "__",
    "-99999999999",
    "99999999999",
    "01/01/0000",
    "31/12/9999 23:59:59",
    "01 Jan 0001 00:00:00",
    "[__x__, b]",
    "i".repeat(401),
    "v".repeat(5000)
  };

  @Test
  void everyFileEndsAsAFileFailureOrAsRowsThatAddUp() throws Exception {
    Random random = new Random(SEED);
    List<byte[]> seeds = corpus();
    ImportReader reader = new ImportReader(LIMITS);
    int fileFailures = 0;
    for (int i = 0; i < FILES; i++) {
      byte[] csv =
          i % 2 == 0 ? mutate(seeds.get(random.nextInt(seeds.size())), random) : randomCsv(random);
      String defaultAction = DEFAULT_ACTIONS[random.nextInt(DEFAULT_ACTIONS.length)];
      try {
        fileFailures +=
            outcome(
                reader,
                csv,
                new ImportOptions(defaultAction, Instant.parse("2025-11-22T12:00:00Z")));
      } catch (Throwable e) {
        throw new AssertionError(
            "file "
                + i
                + " (seed "
                + SEED
                + ", action "
                + defaultAction
                + ") broke the engine: "
                + abbreviated(csv),
            e);
      }
    }
    assertTrue(
        fileFailures > FILES / 20 && fileFailures < FILES - FILES / 20,
        "the files are a mix of readable and broken: "
            + fileFailures
            + " of "
            + FILES
            + " refused");
  }

  /**
   * Runs the file as the pipeline does: check, then read; returns 1 for a file failure, 0 for rows.
   */
  private static int outcome(ImportReader reader, byte[] csv, ImportOptions options)
      throws Exception {
    long checkedRows;
    try {
      checkedRows = reader.check(new ByteArrayInputStream(csv), options);
    } catch (FileFailure failure) {
      assertNotNull(failure.getMessage());
      assertFalse(failure.getMessage().isBlank());
      return 1;
    }
    List<RowResult> rows = new ArrayList<>();
    List<String> chunks = new ArrayList<>();
    ImportSummary summary =
        reader.read(
            new ByteArrayInputStream(csv),
            options,
            chunk -> {
              rows.addAll(ChunkCodec.decode(chunk.payload()).rows());
              chunks.add(new String(chunk.payload(), StandardCharsets.UTF_8));
            });
    assertEquals(
        chunksOfResults(csv, options),
        chunks,
        "setUserAttributes rows written as they are checked are the"
            + " bytes of the results they would make");
    assertEquals(checkedRows, summary.rows());
    assertEquals(summary.rows(), rows.size());
    boolean[] seen = new boolean[rows.size() + 1];
    long failed = 0;
    for (RowResult row : rows) {
      assertTrue(
          row.row() >= 1 && row.row() <= rows.size() && !seen[(int) row.row()],
          "row " + row.row() + " once");
      seen[(int) row.row()] = true;
      assertTrue(row.succeeded() != (row.failure() != null));
      assertTrue(row.line() > row.row(), "line " + row.line() + " is after the header");
      if (!row.succeeded()) {
        failed++;
        assertFalse(row.failure().message().isBlank());
        assertTrue(
            row.failure().message().length() <= 2100
                && length(row.failure().value()) <= 300
                && length(row.failure().column()) <= 300
                && length(row.userId()) <= 300,
            "a failure is of readable size");
      } else {
        assertTrue(row.userId().length() <= 400, "a user id the store keeps");
        assertStorable(row.operation(), "row " + row.row());
      }
    }
    assertEquals(summary.failedRows(), failed);
    return 0;
  }

  /**
   * The chunks of every row made into a result first, as the preview and the write API make them.
   */
  private static List<String> chunksOfResults(byte[] csv, ImportOptions options) throws Exception {
    List<String> chunks = new ArrayList<>();
    Action defaultAction =
        options.defaultAction() == null
            ? null
            : Action.fromApiName(options.defaultAction()).orElseThrow();
    try (CsvRecords records = CsvRecords.open(new ByteArrayInputStream(csv))) {
      RowChecker checker =
          new RowChecker(
              HeaderParser.parse(records.header(), defaultAction),
              defaultAction,
              options.importTime());
      Chunker chunker =
          new Chunker(
              LIMITS, chunk -> chunks.add(new String(chunk.payload(), StandardCharsets.UTF_8)));
      long row = 0;
      while (records.next()) {
        row++;
        chunker.add(checker.check(row, records.line(), records, records.cellCount()));
      }
      chunker.finish();
    }
    return chunks;
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /**
   * What a succeeded row carries, the store takes: every time in its range, no reserved name at any
   * depth.
   */
  private static void assertStorable(Object value, String where) throws Exception {
    if (value instanceof Instant time) {
      assertTrue(
          !time.isBefore(EARLIEST) && !time.isAfter(LATEST),
          where + ": time " + time + " out of range");
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String name = String.valueOf(entry.getKey());
        assertFalse(
            name.length() >= 4 && name.startsWith("__") && name.endsWith("__"),
            where + ": name " + name);
        assertStorable(entry.getValue(), where + "." + name);
      }
    } else if (value instanceof List<?> list) {
      for (Object element : list) {
        assertStorable(element, where);
      }
    } else if (value instanceof Record record) {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        assertStorable(component.getAccessor().invoke(record), where + "." + component.getName());
      }
    }
  }

  private static String abbreviated(byte[] csv) {
    String text = new String(csv, StandardCharsets.UTF_8);
    return text.length() <= 400 ? text : text.substring(0, 400) + "... (" + csv.length + " bytes)";
  }

  private static List<byte[]> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CorpusTest.CORPUS)) {
      List<byte[]> all = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        all.add(Files.readAllBytes(file));
      }
      return all;
    }
  }

  private static byte[] mutate(byte[] original, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = original.clone();
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations && bytes.length > 0; m++) {
      int at = random.nextInt(bytes.length);
      out.reset();
      switch (random.nextInt(6)) {
        case 0: // cut
          out.write(bytes, 0, at);
          break;
        case 1: // a doubled or stray quote
          out.write(bytes, 0, at);
          out.write('"');
          out.write(bytes, at, bytes.length - at);
          break;
        case 2: // a stray byte, possibly not UTF-8, possibly NUL
          out.write(bytes, 0, at);
          out.write(random.nextInt(256));
          out.write(bytes, at, bytes.length - at);
          break;
        case 3: // a huge field
          out.write(bytes, 0, at);
          byte[] huge = "z".repeat(2000 + random.nextInt(20000)).getBytes(StandardCharsets.UTF_8);
          out.write(huge, 0, huge.length);
          out.write(bytes, at, bytes.length - at);
          break;
        case 4: // a duplicated stretch
          int length = Math.min(bytes.length - at, 1 + random.nextInt(40));
          out.write(bytes, 0, at + length);
          out.write(bytes, at, bytes.length - at);
          break;
        default: // a comma or a line break
          out.write(bytes, 0, at);
          out.write(random.nextBoolean() ? ',' : '\n');
          out.write(bytes, at, bytes.length - at);
          break;
      }
      bytes = out.toByteArray();
    }
    return bytes;
  }

  private static byte[] randomCsv(Random random) {
    String[] headers = {
      "userId",
      "identity",
      "action",
      "event",
      "time",
      "value",
      "currencyCode",
      "deviceId",
      "locale",
      "Age<int>",
      "Score<float>",
      "Vip<bool>",
      "Tags<list>",
      "phone",
      "email",
      "Born<dd/MM/yyyy HH:mm:ss>",
      "params.sku",
      "events.Buy.count",
      "userAttributeValuesToAdd.Set",
      "userAttributeValuesToIncrement.N",
      "created",
      "Bad<type>",
      "",
      "1st",
      "__x__",
      "params.__x__",
      "events.__x__.count",
      "events.Buy.firstTime",
      "lastActive",
      "N".repeat(300),
      "__a__<int>"
    };
    StringBuilder csv = new StringBuilder();
    int columns = 1 + random.nextInt(6);
    for (int c = 0; c < columns; c++) {
      csv.append(c == 0 ? "" : ",").append(headers[random.nextInt(headers.length)]);
    }
    String newline = random.nextBoolean() ? "\r\n" : "\n";
    csv.append(newline);
    int rows = random.nextInt(12);
    for (int r = 0; r < rows; r++) {
      int cells = random.nextInt(10) == 0 ? columns + random.nextInt(3) - 1 : columns;
      for (int c = 0; c < cells; c++) {
        csv.append(c == 0 ? "" : ",").append(CELLS[random.nextInt(CELLS.length)]);
      }
      csv.append(newline);
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }
}
