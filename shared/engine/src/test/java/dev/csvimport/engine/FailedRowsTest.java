package dev.csvimport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.check.ColumnRole;
import dev.csvimport.engine.check.HeaderParser;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.CsvRecords;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.FileFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generative: a file's failed-rows CSV holds exactly its failed rows, each cell as read, behind the
 * error; read again, its error column is a note and every row fails as it did.
 */
class FailedRowsTest {

  private static final ChunkLimits LIMITS = new ChunkLimits(3, 4, 4096, 7);
  private static final Instant NOW = Instant.parse("2025-11-22T12:00:00Z");
  private static final ImportOptions OPTIONS = new ImportOptions("setUserAttributes", NOW);

  /** Every row of a file, as the import's chunks carry it, in row order; null on a file failure. */
  private static List<RowResult> rowsOf(byte[] file, ImportOptions options) throws Exception {
    List<RowResult> rows = new ArrayList<>();
    try {
      new ImportReader(LIMITS)
          .read(
              new ByteArrayInputStream(file),
              options,
              chunk -> rows.addAll(ChunkCodec.decode(chunk.payload()).rows()));
    } catch (FileFailure failure) {
      return null;
    }
    rows.sort(Comparator.comparingLong(RowResult::row));
    return rows;
  }

  private static List<List<String>> records(byte[] file) throws FileFailure {
    List<List<String>> records = new ArrayList<>();
    try (CsvRecords read = CsvRecords.open(new ByteArrayInputStream(file), null)) {
      records.add(read.header());
      while (read.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < read.cellCount(); i++) {
          cells.add(read.cell(i));
        }
        records.add(cells);
      }
    }
    return records;
  }

  @Test
  void theFailedRowsFileHoldsExactlyTheFailedRowsAndFailsAgainAsTheyDid() throws Exception {
    Random random = new Random(20261207L);
    int files = 0;
    int failedRows = 0;
    for (int i = 0; i < 1500; i++) {
      List<List<String>> records = FileTwinsTest.randomRecords(random);
      Delimiter delimiter = Delimiter.values()[random.nextInt(Delimiter.values().length)];
      byte[] file = FileTwinsTest.written(records, delimiter.character());
      byte[] stored = random.nextBoolean() ? FileTwinsTest.gzipped(file) : file;
      ImportOptions options = OPTIONS.withDelimiter(delimiter);
      List<RowResult> rows = rowsOf(stored, options);
      if (rows == null) {
        continue;
      }
      files++;
      List<FailedRows.Failure> failures = new ArrayList<>();
      List<List<String>> expected = new ArrayList<>();
      List<String> header = new ArrayList<>(List.of(FailedRows.ERROR_COLUMN));
      header.addAll(records(file).get(0));
      expected.add(header);
      for (RowResult row : rows) {
        if (!row.succeeded()) {
          FailedRows.Failure failure =
              new FailedRows.Failure(row.row(), row.failure().column(), row.failure().message());
          failures.add(failure);
          List<String> cells = new ArrayList<>(List.of(failure.error()));
          cells.addAll(records(file).get((int) row.row()));
          expected.add(cells);
        }
      }
      failedRows += failures.size();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long written =
          FailedRows.write(
              new ByteArrayInputStream(stored),
              delimiter,
              ColumnMapping.NONE,
              failures.iterator(),
              out);
      String where = "file " + i + ":\n" + new String(file, StandardCharsets.UTF_8);
      assertEquals(failures.size(), written, where);
      byte[] failedFile = out.toByteArray();
      assertEquals(expected, records(failedFile), where);

      List<RowResult> again = rowsOf(failedFile, OPTIONS);
      assertEquals(failures.size(), again.size(), where);
      for (int r = 0; r < again.size(); r++) {
        RowResult row = again.get(r);
        assertTrue(!row.succeeded(), "row " + (r + 1) + " of the failed rows passed; " + where);
        FailedRows.Failure before = failures.get(r);
        assertEquals(before.column(), row.failure().column(), where);
        if (before.column() != null) {
          assertEquals(before.message(), row.failure().message(), where);
        }
      }
    }
    assertTrue(files > 500, files + " importable files");
    assertTrue(failedRows > 1000, failedRows + " failed rows");
  }

  @Test
  void aNoteColumnIsReadByNoRow() throws Exception {
    byte[] file =
        "#error,userId,Plan,#why\nbad thing,u1,gold,because\n".getBytes(StandardCharsets.UTF_8);
    var header =
        HeaderParser.parse(
            List.of("#error", "userId", "Plan", "#why<int>"),
            dev.csvimport.engine.operation.Action.SET_USER_ATTRIBUTES);
    assertEquals(ColumnRole.NOTE, header.columns().get(0).role());
    assertEquals(ColumnRole.NOTE, header.columns().get(3).role());
    List<RowResult> rows = rowsOf(file, OPTIONS);
    assertEquals(1, rows.size());
    assertTrue(rows.get(0).succeeded());
    Preview preview = new ImportReader(LIMITS).preview(new ByteArrayInputStream(file), OPTIONS, 5);
    var operation =
        (dev.csvimport.engine.operation.UserUpdate) preview.rows().get(0).result().operation();
    assertEquals(java.util.Map.of("Plan", "gold"), operation.attributes());
  }

  @Test
  void theFileIsReadNoFurtherThanItsLastFailedRow() throws Exception {
    byte[] head = "userId,Age<int>\nu1,x\nu2,3\n".getBytes(StandardCharsets.UTF_8);
    byte[] broken = new byte[head.length + 2];
    System.arraycopy(head, 0, broken, 0, head.length);
    broken[head.length] = (byte) 0xC3; // not UTF-8: the import would have failed at this byte
    broken[head.length + 1] = (byte) '\n';
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FailedRows.write(
        new ByteArrayInputStream(broken),
        null,
        ColumnMapping.NONE,
        List.of(new FailedRows.Failure(1, "Age<int>", "'x' is not a whole number")).iterator(),
        out);
    assertEquals(
        "#error,userId,Age<int>\r\nAge<int>: 'x' is not a whole number,u1,x\r\n",
        out.toString(StandardCharsets.UTF_8));
  }
}
