package dev.csvimport.engine.check;

import dev.csvimport.engine.read.Excerpt;

/**
 * Whole numbers and decimals as a cell writes them: the common short forms read by hand, without a
 * String, exactly as {@link Long#parseLong} and {@link Double#parseDouble} read them ({@code
 * ValueTypeTest} holds them to the same answers), everything else left to those parsers; and the
 * messages for text that is not a number.
 */
final class NumberReader {

  private NumberReader() {}

  /** {@link #parseWholeNumber} of the trimmed text, from characters that may be a reader's view. */
  static Long wholeNumber(CharSequence cell, String what) throws CellError {
    long quick = quickWholeNumber(cell);
    return quick != NOT_QUICK
        ? Long.valueOf(quick)
        : parseWholeNumber(cell.toString().trim(), what);
  }

  static Long parseWholeNumber(String text, String what) throws CellError {
    long quick = quickWholeNumber(text);
    if (quick != NOT_QUICK) {
      return quick;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      if (isDecimal(text)
          && text.indexOf('.') < 0
          && text.indexOf('e') < 0
          && text.indexOf('E') < 0) {
        throw new CellError(
            Excerpt.quote(text) + " is too large for " + what + " (a 64-bit whole number)");
      }
      throw new CellError(Excerpt.quote(text) + " is not a whole number");
    }
  }

  /** What {@link #quickWholeNumber} answers for text it leaves to {@link Long#parseLong}. */
  private static final long NOT_QUICK = Long.MIN_VALUE;

  /**
   * A sign and 1 to 18 ASCII digits, which cannot overflow, read as {@link Long#parseLong} reads
   * them; anything else {@link #NOT_QUICK}.
   */
  static long quickWholeNumber(CharSequence text) {
    int length = text.length();
    int i = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
    if (length - i < 1 || length - i > 18) {
      return NOT_QUICK;
    }
    long value = 0;
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return NOT_QUICK;
      }
      value = value * 10 + (c - '0');
    }
    return text.charAt(0) == '-' ? -value : value;
  }

  /** 10 to the power of the index, each exactly a double. */
  private static final double[] EXACT_TENS = new double[23];

  static {
    EXACT_TENS[0] = 1;
    for (int i = 1; i < EXACT_TENS.length; i++) {
      EXACT_TENS[i] = EXACT_TENS[i - 1] * 10;
    }
  }

  /**
   * Plain decimals of at most 15 digits and no exponent, read exactly as {@link Double#parseDouble}
   * reads them: the digits as a whole number and the power of ten are both exact doubles, and one
   * division of exact doubles is correctly rounded, as the parse is (Clinger's fast path). NaN for
   * anything else.
   */
  static double quickDecimal(CharSequence text) {
    int length = text.length();
    int i = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
    long digits = 0;
    int count = 0;
    int fraction = -1;
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++count > 15) {
          return Double.NaN;
        }
        digits = digits * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (count == 0) {
      return Double.NaN;
    }
    double value = fraction > 0 ? digits / EXACT_TENS[fraction] : digits;
    return text.charAt(0) == '-' ? -value : value;
  }

  /** {@link #parseDecimal} of the trimmed text, from characters that may be a reader's view. */
  static Double decimal(CharSequence cell) throws CellError {
    double quick = quickDecimal(cell);
    return Double.isNaN(quick) ? parseDecimal(cell.toString().trim()) : Double.valueOf(quick);
  }

  static Double parseDecimal(String text) throws CellError {
    double quick = quickDecimal(text);
    if (!Double.isNaN(quick)) {
      return quick;
    }
    if (!isDecimal(text)) {
      throw new CellError(Excerpt.quote(text) + " is not a number");
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new CellError(Excerpt.quote(text) + " is too large a number");
    }
    return value;
  }

  /**
   * Plain decimal notation with an optional exponent; Java's own parser also takes "NaN", "0x1p3"
   * and "1d".
   */
  static boolean isDecimal(String text) {
    int i = 0;
    int n = text.length();
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
      i++;
      digits++;
    }
    if (i < n && text.charAt(i) == '.') {
      i++;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponentDigits = 0;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        exponentDigits++;
      }
      if (exponentDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  /** One or more ASCII digits and nothing else. */
  static boolean isDigits(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
