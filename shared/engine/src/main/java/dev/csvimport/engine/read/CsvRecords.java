package dev.csvimport.engine.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of an RFC 4180 file, one at a time, with the line each starts on. Empty lines are skipped; any
 * reading error ends the file with a {@link FileFailure}.
 */
public final class CsvRecords implements AutoCloseable {

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
      .setIgnoreEmptyLines(true)
      .get();

  private final CSVParser parser;
  private final Iterator<CSVRecord> iterator;
  private final List<String> header;
  private CSVRecord current;
  private long currentLine;
  private long lastEndLine;

  private CsvRecords(CSVParser parser) throws FileFailure {
    this.parser = parser;
    this.iterator = parser.iterator();
    if (!advance()) {
      throw new FileFailure("the file is empty: it needs a header row naming the columns, then one row per user");
    }
    List<String> cells = new ArrayList<>(current.size());
    current.forEach(cells::add);
    this.header = List.copyOf(cells);
  }

  public static CsvRecords open(InputStream bytes) throws FileFailure {
    try {
      return new CsvRecords(CSVParser.builder().setReader(TextInput.of(bytes)).setFormat(FORMAT).get());
    } catch (IOException e) {
      throw failure(e, 1);
    }
  }

  /** The header row's cells, as written. */
  public List<String> header() {
    return header;
  }

  /** Moves to the next data row; false at the end of the file. */
  public boolean next() throws FileFailure {
    return advance();
  }

  public String cell(int index) {
    return current.get(index);
  }

  public int cellCount() {
    return current.size();
  }

  /** The line of the file where the current record starts, the first line being 1. */
  public long line() {
    return currentLine;
  }

  private boolean advance() throws FileFailure {
    try {
      if (!iterator.hasNext()) {
        return false;
      }
      current = iterator.next();
    } catch (UncheckedIOException e) {
      throw failure(e.getCause(), lastEndLine + 1);
    } catch (IllegalStateException e) {
      // commons-csv reports some malformed input this way.
      throw failure(new IOException(e.getMessage(), e), lastEndLine + 1);
    }
    long endLine = parser.getCurrentLineNumber();
    // A record right after the previous one, on one line, holds no line break: skip the scan.
    currentLine = endLine == lastEndLine + 1 ? endLine : endLine - lineBreaksInside(current);
    lastEndLine = endLine;
    return true;
  }

  /** Line breaks inside quoted cells: the record started that many lines before the parser's line. */
  private static long lineBreaksInside(CSVRecord record) {
    long breaks = 0;
    for (String cell : record) {
      for (int i = 0, n = cell.length(); i < n; i++) {
        char c = cell.charAt(i);
        if (c == '\n' || (c == '\r' && (i + 1 == n || cell.charAt(i + 1) != '\n'))) {
          breaks++;
        }
      }
    }
    return breaks;
  }

  private static FileFailure failure(Throwable cause, long line) {
    if (cause instanceof TextInput.NotText) {
      return new FileFailure(cause.getMessage(), cause);
    }
    return new FileFailure("the file is not valid CSV (near line " + line + "): " + cause.getMessage()
        + "; check that every quoted cell has its closing quote and that quotes inside cells are doubled", cause);
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      // Closing a reader we only read from: nothing is lost.
    }
  }
}
