package dev.csvimport.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The byte-level reader against commons-csv's RFC 4180 parse of the same text (empty lines
 * ignored), which it replaces: on random hostile files, read through random small reads, the same
 * records, cells and lines, and a file failure exactly where commons-csv fails.
 */
class CsvRecordsTest {

  private static final long SEED = Long.getLong("csvimport.seed", 20261123L);
  private static final CSVFormat COMMONS =
      CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
  private static final String[] PIECES = {
    "a", "b", "x y", ",", ",", "\"", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t", "é", "😀", "東京",
    "\u3000", "\u00A0", "\u2028", "\uFEFF", "\u000B", "\u001F", "null"
  };

  /** A record as both readers give it: the line it starts on and its cells. */
  private record Read(long line, List<String> cells) {}

  /** All records, or the failure that ended the file after them. */
  private record Outcome(List<Read> records, String failure) {}

  @Test
  void readsWhatCommonsCsvReadsOnRandomFiles() {
    Random random = new Random(SEED);
    int failures = 0;
    for (int i = 0; i < 20_000; i++) {
      String text = randomText(random);
      Outcome expected = commons(text);
      Outcome actual = ours(text.getBytes(StandardCharsets.UTF_8), random);
      String context =
          "file " + i + " (seed " + SEED + "): " + text.replace("\r", "\\r").replace("\n", "\\n");
      if (expected.failure() == null) {
        assertEquals(expected, actual, context);
      } else {
        failures++;
        assertTrue(
            actual.failure() != null && actual.failure().startsWith("the file is not valid CSV"),
            context + " gave " + actual);
        // Both read the records before the broken one alike.
        assertEquals(
            expected.records(),
            actual
                .records()
                .subList(0, Math.min(actual.records().size(), expected.records().size())),
            context);
      }
    }
    assertTrue(
        failures > 1_000 && failures < 19_000,
        "a mix of valid and broken files: " + failures + " broken");
  }

  @Test
  void aFileWithBytesThatAreNotTextFailsWhereverTheyAre() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = randomText(random).getBytes(StandardCharsets.UTF_8);
      if (bytes.length == 0) {
        continue;
      }
      byte[] bad = random.nextInt(5) == 0 ? new byte[] {0} : badUtf8(random);
      int at = random.nextInt(bytes.length + 1);
      byte[] file = new byte[bytes.length + bad.length];
      System.arraycopy(bytes, 0, file, 0, at);
      System.arraycopy(bad, 0, file, at, bad.length);
      System.arraycopy(bytes, at, file, at + bad.length, bytes.length - at);
      // The same file with the bad bytes as a plain letter: where that reads, this must fail as not
      // text.
      String clean =
          new String(bytes, 0, at, StandardCharsets.UTF_8)
              + "z"
              + new String(bytes, at, bytes.length - at, StandardCharsets.UTF_8);
      Outcome actual = ours(file, random);
      String context =
          "file " + i + ": " + clean.replace("\r", "\\r").replace("\n", "\\n") + " at " + at;
      if (!isUtf8(bytes, 0, at) || !isUtf8(bytes, at, bytes.length)) {
        continue; // the insertion split a character: covered by the other cases
      }
      if (commons(clean).failure() == null) {
        assertTrue(
            actual.failure() != null
                && (actual.failure().startsWith("the file is not UTF-8 text")
                    || actual.failure().startsWith("the file holds NUL bytes")),
            context + " gave " + actual);
      } else {
        assertTrue(actual.failure() != null, context + " gave " + actual);
      }
    }
  }

  @Test
  void dropsOneLeadingByteOrderMark() throws FileFailure {
    assertEquals(List.of("a", "b"), open("\uFEFFa,b\n").header());
    assertEquals(List.of("\uFEFFa", "b"), open("\uFEFF\uFEFFa,b\n").header());
    assertEquals(List.of("a\uFEFFb"), open("a\uFEFFb").header());
    FileFailure empty = assertThrows(FileFailure.class, () -> open("\uFEFF"));
    assertTrue(empty.getMessage().startsWith("the file is empty"), empty.getMessage());
  }

  @Test
  void keepsMultiByteCharactersAndQuotedText() throws FileFailure {
    CsvRecords records = open("h1,h2,h3\nMünchen,\"東京, \"\"the\"\" city\",😀\n");
    assertTrue(records.next());
    assertEquals(List.of("München", "東京, \"the\" city", "😀"), cells(records));
  }

  @Test
  void namesTheLineOfBytesThatAreNotText() {
    assertFailure(
        "the file is not UTF-8 text (line 2 holds bytes that are not)",
        new byte[] {'h', '\n', 'a', (byte) 0xFC, 'b'});
    assertFailure(
        "the file is not UTF-8 text (line 1 holds bytes that are not)",
        new byte[] {'a', (byte) 0xE2, (byte) 0x82});
    assertFailure(
        "the file holds NUL bytes (the first on line 3)",
        new byte[] {'h', '\n', '\n', 'a', 0, 'b'});
  }

  @Test
  void namesTheLineOfBrokenQuoting() {
    assertFailure(
        "the file is not valid CSV: the quoted cell that starts on line 2 (cell 2) has no closing"
            + " quote",
        "userId,City\nu-1,\"Berlin\nu-2,Paris\n".getBytes(StandardCharsets.UTF_8));
    assertFailure(
        "the file is not valid CSV: on line 3, cell 2 is quoted and 'x' follows its closing quote",
        "userId,City\n\nu-1,\"Berlin\"x,\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRecordLargerThanAnyRowCanBeEndsTheFileWithoutReadingTheRest() throws FileFailure {
    // An unclosed quote early in a large file: refused once the record passes the bound, not at the
    // end.
    int[] served = new int[1];
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served[0]++;
            return 'x';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            byte[] start = "userId,Bio\nu-1,\"never closed".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < len; i++) {
              b[off + i] = served[0] + i < start.length ? start[served[0] + i] : (byte) 'x';
            }
            served[0] += len;
            return len;
          }
        };
    CsvRecords records = CsvRecords.open(endless);
    FileFailure failure = assertThrows(FileFailure.class, records::next);
    assertTrue(
        failure
            .getMessage()
            .startsWith("the file is not valid CSV: the row that starts on line 2 is over 16 MiB"),
        failure.getMessage());
    assertTrue(
        served[0] <= CsvRecords.MAX_RECORD_BYTES + 64 * 1024, "read " + served[0] + " bytes");
  }

  @Test
  void aCellLongerThanTheBufferIsReadWhole() throws FileFailure {
    String big = "é".repeat(100_000) + "\"\"" + "x".repeat(200_000);
    CsvRecords records = open("h1,h2\n\"" + big + "\",tail\nnext,row");
    assertTrue(records.next());
    assertEquals(List.of(big.replace("\"\"", "\""), "tail"), cells(records));
    assertTrue(records.next());
    assertEquals(3, records.line());
    assertFalse(records.next());
  }

  private static void assertFailure(String expectedStart, byte[] file) {
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () -> {
              try (CsvRecords records = CsvRecords.open(new ByteArrayInputStream(file))) {
                while (records.next()) {
                  records.cellCount();
                }
              }
            });
    assertTrue(failure.getMessage().startsWith(expectedStart), failure.getMessage());
  }

  private static CsvRecords open(String text) throws FileFailure {
    return CsvRecords.open(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The record's cells; each read first as the characters the reader lends, which must be the
   * cell's text.
   */
  private static List<String> cells(CsvRecords records) {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < records.cellCount(); i++) {
      CharSequence lent = records.chars(i);
      StringBuilder copied = new StringBuilder(lent.length());
      for (int c = 0; c < lent.length(); c++) {
        copied.append(lent.charAt(c));
      }
      String cell = records.cell(i);
      assertEquals(cell, copied.toString());
      assertEquals(cell, lent.toString());
      cells.add(cell);
    }
    return cells;
  }

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(40);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  private static byte[] badUtf8(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return new byte[] {(byte) 0xFC};
      case 1:
        return new byte[] {(byte) 0xE2, (byte) 0x82}; // a character cut short
      case 2:
        return new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // an encoded surrogate
      default:
        return new byte[] {(byte) 0xC0, (byte) 0xAF}; // an overlong '/'
    }
  }

  private static boolean isUtf8(byte[] bytes, int from, int to) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * commons-csv on the text, a leading byte-order mark dropped, with the line each record starts
   * on.
   */
  private static Outcome commons(String text) {
    List<Read> records = new ArrayList<>();
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try (CSVParser parser =
        CSVParser.builder().setReader(new StringReader(body)).setFormat(COMMONS).get()) {
      for (CSVRecord record : parser) {
        List<String> cells = record.toList();
        records.add(new Read(startLine(body, record), cells));
      }
      return new Outcome(records, null);
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return new Outcome(records, "commons-csv: " + e.getMessage());
    }
  }

  /**
   * The line of the record's first character: 1 plus the line breaks before it (\r\n being one).
   * commons-csv gives where it began reading the record, before the empty lines it skipped.
   */
  private static long startLine(String body, CSVRecord record) {
    long line = 1;
    int start = (int) record.getCharacterPosition();
    while (start < body.length() && (body.charAt(start) == '\n' || body.charAt(start) == '\r')) {
      start++;
    }
    for (int i = 0; i < start; i++) {
      char c = body.charAt(i);
      if (c == '\n' || c == '\r' && (i + 1 == body.length() || body.charAt(i + 1) != '\n')) {
        line++;
      }
    }
    return line;
  }

  /**
   * Our reader, the bytes served a few at a time so that records and characters straddle every
   * read.
   */
  private static Outcome ours(byte[] bytes, Random random) {
    List<Read> records = new ArrayList<>();
    InputStream trickle =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
          }
        };
    try (CsvRecords reader = CsvRecords.open(trickle)) {
      records.add(new Read(reader.line(), reader.header()));
      while (reader.next()) {
        records.add(new Read(reader.line(), cells(reader)));
      }
      return new Outcome(records, null);
    } catch (FileFailure e) {
      String message = e.getMessage();
      if (message.startsWith("the file is empty") && records.isEmpty()) {
        return new Outcome(records, null);
      }
      return new Outcome(records, message);
    }
  }
}
