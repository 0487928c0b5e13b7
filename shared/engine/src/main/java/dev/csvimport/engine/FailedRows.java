package dev.csvimport.engine;

import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.check.HeaderParser;
import dev.csvimport.engine.read.CsvRecords;
import dev.csvimport.engine.read.Decompression;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.FileFailure;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * A file's failed rows as a CSV to fix and import again: first an {@link #ERROR_COLUMN} that says
 * what is wrong, then the file's header; then exactly the failed rows, in file order, each cell as
 * it was read (as many as the row had), separated as the file was. The error column comes first so
 * that it lines up whatever a row's cell count, and its header marks it as a note ({@link
 * HeaderParser#NOTE_PREFIX}), so importing the fixed file sets nothing from it. Read and written as
 * streams; the file is read no further than its last failed row.
 */
public final class FailedRows {

  /** The header of the column that says what is wrong with the row. */
  public static final String ERROR_COLUMN = HeaderParser.NOTE_PREFIX + "error";

  /**
   * One failed row.
   *
   * @param row its data row number, from 1, as in the results file
   * @param column the column at fault, or null when the row as a whole is
   */
  public record Failure(long row, String column, String message) {

    /** What the error column says: {@code column: message}. */
    public String error() {
      return column == null ? message : column + ": " + message;
    }
  }

  private FailedRows() {}

  /**
   * Writes the failed rows of {@code csv} to {@code out} (UTF-8, lines ended by CRLF as RFC 4180
   * has them), {@code failures} in row order. Answers how many rows were written.
   *
   * @param delimiter what separates the file's cells; null to tell it from its header line
   * @param mapping the import's column mapping: the header is written as mapped, so that the file
   *     imports on its own
   * @throws FileFailure when the file cannot be read as it was when it was imported
   */
  public static long write(
      InputStream csv,
      Delimiter delimiter,
      ColumnMapping mapping,
      Iterator<Failure> failures,
      OutputStream out)
      throws FileFailure, IOException {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    long written = 0;
    try (CsvRecords records = CsvRecords.open(Decompression.of(csv), delimiter)) {
      char separator = records.delimiter().character();
      writeCell(writer, ERROR_COLUMN, separator);
      for (String name : mapping.apply(records.header())) {
        writer.write(separator);
        writeCell(writer, name, separator);
      }
      writer.write("\r\n");
      long row = 0;
      while (failures.hasNext()) {
        Failure failure = failures.next();
        while (row < failure.row() && records.next()) {
          row++;
        }
        if (row != failure.row()) {
          throw new FileFailure(
              "row " + failure.row() + " is not in the file: it has " + row + " rows");
        }
        writeCell(writer, failure.error(), separator);
        for (int i = 0; i < records.cellCount(); i++) {
          writer.write(separator);
          writeCell(writer, records.cell(i), separator);
        }
        writer.write("\r\n");
        written++;
      }
    }
    writer.flush();
    return written;
  }

  /** A cell as RFC 4180 writes it: quoted, with its quotes doubled, where it must be. */
  private static void writeCell(Writer out, String cell, char separator) throws IOException {
    boolean quote = false;
    for (int i = 0; i < cell.length() && !quote; i++) {
      char c = cell.charAt(i);
      quote = c == separator || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      out.write(cell);
      return;
    }
    out.write('"');
    out.write(cell.replace("\"", "\"\""));
    out.write('"');
  }
}
