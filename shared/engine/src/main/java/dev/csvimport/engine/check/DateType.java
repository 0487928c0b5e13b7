package dev.csvimport.engine.check;

import dev.csvimport.engine.read.Excerpt;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CleverTap date column: the declared format, the same without the time (noon is used), or Unix
 * seconds. Text in the format's exact shape (two-digit fields, a four-digit year, an English short
 * month) is read by hand, which is several times faster than {@link DateTimeFormatter}; anything
 * else, and any value the hand-reading refuses, goes to the formatter, which then decides and words
 * the failure. {@code DateTypeTest} holds the two to the same answers.
 */
final class DateType extends ValueType {
  private static final LocalTime NOON = LocalTime.of(12, 0, 0);
  private static final List<String> MONTHS =
      List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
  private final DateTimeFormatter dateTime;
  private final DateTimeFormatter dateOnly;
  private final String dateTimePattern;
  private final String dateOnlyPattern;
  private final Shape dateTimeShape;
  private final Shape dateOnlyShape;

  DateType(String format) {
    super(format);
    // Strict resolving rejects 31/02; it needs "uuuu" where CleverTap writes "yyyy".
    this.dateTimePattern = format.replace("yyyy", "uuuu");
    this.dateOnlyPattern = dateTimePattern.replace(" HH:mm:ss", "");
    this.dateTime = strict(dateTimePattern);
    this.dateOnly = strict(dateOnlyPattern);
    this.dateTimeShape = Shape.of(dateTimePattern);
    this.dateOnlyShape = Shape.of(dateOnlyPattern);
  }

  /** The month of the English short name at {@code at} in the text, or 0. */
  private static int month(CharSequence text, int at) {
    for (int m = 0; m < MONTHS.size(); m++) {
      String name = MONTHS.get(m);
      if (text.charAt(at) == name.charAt(0)
          && text.charAt(at + 1) == name.charAt(1)
          && text.charAt(at + 2) == name.charAt(2)) {
        return m + 1;
      }
    }
    return 0;
  }

  private static DateTimeFormatter strict(String pattern) {
    return DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)
        .withResolverStyle(ResolverStyle.STRICT);
  }

  @Override
  public Object parse(String cell) throws CellError {
    String text = cell.trim();
    if (NumberReader.isDigits(text)) {
      return UnixSeconds.parse(text);
    }
    Instant read =
        byHand(text, text.length() == dateTimeShape.length() ? dateTimeShape : dateOnlyShape);
    if (read != null) {
      return UnixSeconds.storable(read, cell);
    }
    return withFormatter(text, cell);
  }

  @Override
  public Object parseChars(CharSequence cell) throws CellError {
    // Text in the shape has separators, so it is never the Unix seconds that parse looks for
    // first.
    Instant read =
        byHand(cell, cell.length() == dateTimeShape.length() ? dateTimeShape : dateOnlyShape);
    return read != null && UnixSeconds.isStorable(read) ? read : parse(cell.toString());
  }

  /**
   * What {@link DateTimeFormatter} makes of the text: the reference the hand-reading must agree
   * with.
   */
  Object withFormatter(String text, String cell) throws CellError {
    try {
      return UnixSeconds.storable(
          LocalDateTime.parse(text, dateTime).toInstant(ZoneOffset.UTC), cell);
    } catch (DateTimeParseException withTime) {
      try {
        return UnixSeconds.storable(
            LocalDate.parse(text, dateOnly).atTime(NOON).toInstant(ZoneOffset.UTC), cell);
      } catch (DateTimeParseException withoutTime) {
        throw new CellError(
            Excerpt.quote(cell)
                + " is not a date in the form "
                + declaration()
                + " (UTC; the time may be left out, or give Unix seconds)");
      }
    }
  }

  /**
   * The instant of a text in exactly the pattern's shape (each pattern letter one character of the
   * text: dd, MM, HH, mm, ss two digits, uuuu four, MMM an English short month), or null: another
   * shape, or a field out of range.
   */
  static Instant byHand(String text, String pattern) {
    return byHand(text, Shape.of(pattern));
  }

  /**
   * Where a pattern's fields stand (-1: not in it) and which characters between them must be as
   * written: found once per column rather than once per cell. Every field has a fixed width: dd,
   * MM, HH, mm, ss two digits, uuuu four, MMM an English short month.
   */
  record Shape(
      int length,
      int dayAt,
      int monthAt,
      int monthNameAt,
      int yearAt,
      int hourAt,
      int minuteAt,
      int secondAt,
      int[] literalAt,
      char[] literal) {
    static Shape of(String pattern) {
      int[] at = {-1, -1, -1, -1, -1, -1, -1};
      List<Integer> literals = new ArrayList<>();
      for (int p = 0; p < pattern.length(); ) {
        char letter = pattern.charAt(p);
        int end = p;
        while (end < pattern.length() && pattern.charAt(end) == letter) {
          end++;
        }
        String run = pattern.substring(p, end);
        int field = List.of("dd", "MM", "MMM", "uuuu", "HH", "mm", "ss").indexOf(run);
        if (field >= 0) {
          at[field] = p;
        } else if (Character.isLetter(letter)) {
          throw new IllegalArgumentException(
              "not a field the hand-reading knows: " + run + " in " + pattern);
        } else {
          for (int i = p; i < end; i++) {
            literals.add(i);
          }
        }
        p = end;
      }
      int[] literalAt = literals.stream().mapToInt(Integer::intValue).toArray();
      char[] literal = new char[literalAt.length];
      for (int i = 0; i < literalAt.length; i++) {
        literal[i] = pattern.charAt(literalAt[i]);
      }
      return new Shape(
          pattern.length(), at[0], at[1], at[2], at[3], at[4], at[5], at[6], literalAt, literal);
    }
  }

  static Instant byHand(CharSequence text, Shape shape) {
    if (text.length() != shape.length()) {
      return null;
    }
    int[] literalAt = shape.literalAt();
    char[] literal = shape.literal();
    for (int i = 0; i < literalAt.length; i++) {
      if (text.charAt(literalAt[i]) != literal[i]) {
        return null;
      }
    }
    int day = digits(text, shape.dayAt(), 2, -1);
    int month =
        shape.monthNameAt() >= 0
            ? month(text, shape.monthNameAt())
            : digits(text, shape.monthAt(), 2, -1);
    int year = digits(text, shape.yearAt(), 4, -1);
    int hour = digits(text, shape.hourAt(), 2, 12);
    int minute = digits(text, shape.minuteAt(), 2, 0);
    int second = digits(text, shape.secondAt(), 2, 0);
    if (month < 1
        || month > 12
        || day < 1
        || day > 31
        || year < 0
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if (day > (month == 2 && leap ? 29 : DAYS_IN_MONTH[month])) {
      return null;
    }
    return Instant.ofEpochSecond(
        epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second);
  }

  /**
   * The number in {@code width} ASCII digits at {@code at}; {@code absent} when the field is not
   * there (-1); -1 for other text.
   */
  private static int digits(CharSequence text, int at, int width, int absent) {
    if (at < 0) {
      return absent;
    }
    int value = 0;
    for (int i = at; i < at + width; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static final int[] DAYS_IN_MONTH = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  /**
   * Days from 1970-01-01 in the proleptic Gregorian calendar, as {@link LocalDate#toEpochDay}
   * counts them.
   */
  static long epochDay(int year, int month, int day) {
    // Years counted from March, so that the leap day ends the year (H. Hinnant's
    // days_from_civil).
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }
}
