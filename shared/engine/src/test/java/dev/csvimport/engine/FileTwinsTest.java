package dev.csvimport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.FileFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Generative: a file, its twins separated by a semicolon, a tab or a pipe, and its gzip-compressed
 * twin give the same chunks, byte for byte, and the same counts (or the same file failure).
 */
class FileTwinsTest {

  private static final ChunkLimits LIMITS = new ChunkLimits(3, 4, 4096, 7);
  private static final Instant NOW = Instant.parse("2025-11-22T12:00:00Z");
  private static final String[] HEADERS = {
    "userId", "Plan", "Age<int>", "Score<float>", "Vip<bool>", "Tags<list>", "email", "Bad<type>"
  };
  private static final String[] CELLS = {
    "",
    "null",
    "u-1",
    "u-2",
    "42",
    "x",
    "3.5",
    "true",
    "[a, b]",
    "a@b.co",
    "x\"y",
    "one, two",
    "multi\nline",
    "semi;colon",
    "pi|pe",
    "tab\there",
    "é😀",
    " "
  };

  /** What reading a file gave: its chunks and counts, or its file failure. */
  private record Outcome(List<String> chunks, String summary, String failure) {}

  private static Outcome read(byte[] file, ImportOptions options) throws Exception {
    List<String> chunks = new ArrayList<>();
    try {
      ImportSummary summary =
          new ImportReader(LIMITS)
              .read(
                  new ByteArrayInputStream(file),
                  options,
                  chunk -> chunks.add(new String(chunk.payload(), StandardCharsets.UTF_8)));
      return new Outcome(
          chunks,
          summary.rows()
              + "/"
              + summary.failedRows()
              + "/"
              + Arrays.toString(summary.chunksPerPartition()),
          null);
    } catch (FileFailure failure) {
      return new Outcome(List.of(), null, failure.getMessage());
    }
  }

  /** The records written out with {@code delimiter}, quoting a cell only where it must be. */
  static byte[] written(List<List<String>> records, char delimiter) {
    StringBuilder file = new StringBuilder();
    for (List<String> record : records) {
      for (int c = 0; c < record.size(); c++) {
        String cell = record.get(c);
        boolean quote =
            cell.indexOf(delimiter) >= 0
                || cell.indexOf('"') >= 0
                || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0
                || (record.size() == 1 && cell.isEmpty());
        file.append(c == 0 ? "" : String.valueOf(delimiter))
            .append(quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
      }
      file.append('\n');
    }
    return file.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzipped(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  static List<List<String>> randomRecords(Random random) {
    List<List<String>> records = new ArrayList<>();
    int columns = 2 + random.nextInt(4);
    List<String> header = new ArrayList<>(List.of("userId"));
    while (header.size() < columns) {
      String name = HEADERS[1 + random.nextInt(HEADERS.length - 1)];
      header.add(header.contains(name) && random.nextInt(4) > 0 ? name + header.size() : name);
    }
    records.add(header);
    for (int r = random.nextInt(30); r > 0; r--) {
      List<String> row = new ArrayList<>();
      int cells = random.nextInt(10) == 0 ? columns + random.nextInt(3) - 1 : columns;
      for (int c = 0; c < cells; c++) {
        row.add(CELLS[random.nextInt(CELLS.length)]);
      }
      records.add(row);
    }
    return records;
  }

  @Test
  void aFileAndItsSemicolonTabPipeAndGzipTwinsGiveTheSameChunks() throws Exception {
    Random random = new Random(20261207L);
    int fileFailures = 0;
    for (int i = 0; i < 2000; i++) {
      List<List<String>> records = randomRecords(random);
      ImportOptions options = new ImportOptions("setUserAttributes", NOW);
      byte[] commas = written(records, ',');
      Outcome original = read(commas, options);
      if (original.failure() != null) {
        fileFailures++;
      }
      String where = "file " + i + ":\n" + new String(commas, StandardCharsets.UTF_8);
      assertEquals(original, read(gzipped(commas), options), "gzip, " + where);
      for (Delimiter delimiter : List.of(Delimiter.SEMICOLON, Delimiter.TAB, Delimiter.PIPE)) {
        char symbol = delimiter == Delimiter.TAB ? '\t' : delimiter.shown().charAt(1);
        byte[] twin = written(records, symbol);
        assertEquals(original, read(twin, options), "told from the header, " + delimiter + where);
        assertEquals(
            original,
            read(gzipped(twin), options.withDelimiter(delimiter)),
            "given, gzipped, " + delimiter + where);
      }
    }
    assertTrue(fileFailures > 20 && fileFailures < 1900, fileFailures + " of 2000 refused");
  }

  @Test
  void aHeaderThatCouldBeEitherIsRefusedWithWhatToDo() {
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () ->
                new ImportReader(LIMITS)
                    .check(
                        new ByteArrayInputStream(
                            "userId;Plan,Tier\nu1;gold,x\n".getBytes(StandardCharsets.UTF_8)),
                        new ImportOptions("setUserAttributes", NOW)));
    assertEquals(
        "the header line holds 1 of each of ',' (comma) and ';' (semicolon), so which one"
            + " separates the columns cannot be told: import the file with the delimiter parameter"
            + " (comma, semicolon, tab, pipe)",
        failure.getMessage());
  }

  /** The header is split on the semicolon: the comma in quotes is in a name (which refuses it). */
  @Test
  void delimitersInsideQuotedHeaderCellsDoNotCount() {
    byte[] file = "userId;\"Plan, or tier\"\nu1;gold\n".getBytes(StandardCharsets.UTF_8);
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () -> new ImportReader(LIMITS).check(new ByteArrayInputStream(file), opts()));
    assertTrue(failure.getMessage().startsWith("column 'Plan, or tier'"), failure.getMessage());
  }

  private static ImportOptions opts() {
    return new ImportOptions("setUserAttributes", NOW);
  }

  @Test
  void aGzipBombIsRefusedWithMemoryFlat() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write("userId,Plan\n".getBytes(StandardCharsets.UTF_8));
      byte[] newlines = new byte[1 << 20];
      Arrays.fill(newlines, (byte) '\n');
      for (int i = 0; i < 1024; i++) {
        gzip.write(newlines); // 1 GiB of empty lines, about 1 MiB compressed
      }
    }
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () ->
                new ImportReader(LIMITS)
                    .check(new ByteArrayInputStream(out.toByteArray()), opts()));
    assertTrue(failure.getMessage().contains("refused as a gzip bomb"), failure.getMessage());
  }

  @Test
  void aBrokenGzipFileFailsWithWhatToDo() throws Exception {
    byte[] whole = gzipped("userId,Plan\nu1,gold\nu2,silver\n".getBytes(StandardCharsets.UTF_8));
    byte[] cut = Arrays.copyOf(whole, whole.length - 12);
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () -> new ImportReader(LIMITS).check(new ByteArrayInputStream(cut), opts()));
    assertTrue(
        failure.getMessage().startsWith("the file is gzip-compressed but cannot be decompressed"),
        failure.getMessage());
  }
}
