package dev.csvimport.engine.check;

import dev.csvimport.engine.read.Excerpt;
import java.time.Instant;

/**
 * Times given as Unix seconds, as Leanplum's {@code created}, {@code time} and {@code events.*Time}
 * are.
 */
final class UnixSeconds {

  /** Seconds this large are year 5138: the value is surely milliseconds. */
  private static final double LOOKS_LIKE_MILLISECONDS = 1e11;

  /** The times a profile can keep (Firestore's timestamp range). */
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private UnixSeconds() {}

  /** {@link #parse(String)}'s answer for characters that may be a reader's view of a cell. */
  static Instant parseChars(CharSequence cell) throws CellError {
    int length = cell.length();
    if (length == 0 || length > 11) {
      return parse(cell.toString());
    }
    long seconds = 0;
    for (int i = 0; i < length; i++) {
      char c = cell.charAt(i);
      if (c < '0' || c > '9') {
        return parse(cell.toString());
      }
      seconds = seconds * 10 + (c - '0');
    }
    Instant time = Instant.ofEpochSecond(seconds);
    return isStorable(time) ? time : parse(cell.toString());
  }

  static Instant parse(String cell) throws CellError {
    String text = cell.trim();
    if (!text.isEmpty() && text.length() <= 11 && isDigits(text)) {
      // Whole seconds below 1e11, exactly what the general path below makes of them, without a
      // double.
      return storable(Instant.ofEpochSecond(Long.parseLong(text)), cell);
    }
    return parseDecimal(text, cell);
  }

  /** The general reading, of any decimal: the reference for the whole seconds read above. */
  static Instant parseDecimal(String text, String cell) throws CellError {
    if (!NumberReader.isDecimal(text) || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
      throw new CellError(Excerpt.quote(cell) + " is not a time in Unix seconds (like 1700000000)");
    }
    double seconds = Double.parseDouble(text);
    if (Math.abs(seconds) >= LOOKS_LIKE_MILLISECONDS) {
      throw new CellError(
          Excerpt.quote(cell) + " looks like milliseconds: give Unix seconds (divide by 1000)");
    }
    return storable(Instant.ofEpochMilli(Math.round(seconds * 1000)), cell);
  }

  private static boolean isDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  static boolean isStorable(Instant time) {
    return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
  }

  /** The time, if a profile can keep it: from the year 1 to the year 9999. */
  static Instant storable(Instant time, String cell) throws CellError {
    if (!isStorable(time)) {
      throw new CellError(
          Excerpt.quote(cell)
              + " is "
              + time
              + ", outside the times a profile can keep (the years 1"
              + " to 9999)");
    }
    return time;
  }
}
