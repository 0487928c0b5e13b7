package dev.csvimport.engine.check;

import java.time.Instant;

/** Times given as Unix seconds, as Leanplum's {@code created}, {@code time} and {@code events.*Time} are. */
final class UnixSeconds {

  /** Seconds this large are year 5138: the value is surely milliseconds. */
  private static final double LOOKS_LIKE_MILLISECONDS = 1e11;

  private UnixSeconds() {}

  static Instant parse(String cell) throws CellError {
    String text = cell.trim();
    if (!ValueType.isDecimal(text) || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
      throw new CellError("'" + cell + "' is not a time in Unix seconds (like 1700000000)");
    }
    double seconds = Double.parseDouble(text);
    if (Math.abs(seconds) >= LOOKS_LIKE_MILLISECONDS) {
      throw new CellError("'" + cell + "' looks like milliseconds: give Unix seconds (divide by 1000)");
    }
    return Instant.ofEpochMilli(Math.round(seconds * 1000));
  }
}
