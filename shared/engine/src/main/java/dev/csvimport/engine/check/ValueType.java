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
import java.util.Optional;

/**
 * How a cell's text becomes a value. A column is text unless its header declares a type, as in
 * {@code age<int>} or {@code birthday<dd/MM/yyyy HH:mm:ss>}; text is never changed (leading zeros
 * and long ids stay).
 */
public abstract class ValueType {

  public static final ValueType STRING =
      new ValueType("string") {
        @Override
        public Object parse(String cell) {
          return cell;
        }
      };

  public static final ValueType INT =
      new ValueType("int") {
        @Override
        public Object parse(String cell) throws CellError {
          return parseWholeNumber(cell.trim(), "int");
        }

        @Override
        public Object parseChars(CharSequence cell) throws CellError {
          return wholeNumber(cell, "int");
        }
      };

  public static final ValueType FLOAT =
      new ValueType("float") {
        @Override
        public Object parse(String cell) throws CellError {
          return parseDecimal(cell.trim());
        }

        @Override
        public Object parseChars(CharSequence cell) throws CellError {
          return decimal(cell);
        }
      };

  public static final ValueType BOOL =
      new ValueType("bool") {
        @Override
        public Object parse(String cell) throws CellError {
          switch (cell.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "1":
              return Boolean.TRUE;
            case "false":
            case "no":
            case "0":
              return Boolean.FALSE;
            default:
              throw new CellError(Excerpt.quote(cell) + " is not a bool: write true or false");
          }
        }
      };

  public static final ValueType LIST =
      new ValueType("list") {
        @Override
        public Object parse(String cell) throws CellError {
          return List.copyOf(parseList(cell, STRING));
        }
      };

  public static final ValueType PHONE =
      new ValueType("phone") {
        @Override
        public Object parse(String cell) throws CellError {
          String phone = cell.trim();
          int digits = 0;
          for (int i = 0; i < phone.length(); i++) {
            char c = phone.charAt(i);
            if (c >= '0' && c <= '9') {
              digits++;
            } else if (!(c == ' ' || (c == '+' && i == 0))) {
              throw new CellError(
                  Excerpt.quote(cell)
                      + " is not a phone number: use digits only, with an optional leading +");
            }
          }
          if (digits == 0) {
            throw new CellError(
                Excerpt.quote(cell)
                    + " is not a phone number: use digits only, with an optional leading +");
          }
          return phone;
        }
      };

  /** Not declarable: a column named email holds text that must look like an address. */
  public static final ValueType EMAIL =
      new ValueType("email") {
        @Override
        public Object parse(String cell) throws CellError {
          String email = cell.trim();
          // One pass: exactly one @, not first; a dot after it, not next to it and not last; no
          // white space.
          int at = -1;
          int ats = 0;
          int dot = -1;
          boolean valid = true;
          for (int i = 0; valid && i < email.length(); i++) {
            char c = email.charAt(i);
            if (c == '@') {
              at = i;
              ats++;
            } else if (c == '.') {
              dot = i;
            } else if (c <= ' ' || c >= 0x80) {
              valid = !Character.isWhitespace(c);
            }
          }
          valid = valid && ats == 1 && at > 0 && dot > at + 1 && dot < email.length() - 1;
          if (!valid) {
            throw new CellError(
                Excerpt.quote(cell) + " is not an email address like name@example.com");
          }
          return email;
        }
      };

  /** CleverTap's date formats, exactly and case-sensitively as CleverTap spells them. */
  public static final List<String> DATE_FORMATS =
      List.of(
          "dd/MM/yyyy HH:mm:ss",
          "MM/dd/yyyy HH:mm:ss",
          "yyyy/dd/MM HH:mm:ss",
          "yyyy/MM/dd HH:mm:ss",
          "dd MMM yyyy HH:mm:ss");

  private static final List<ValueType> DECLARABLE;

  static {
    List<ValueType> all = new ArrayList<>(List.of(INT, FLOAT, BOOL, STRING, LIST, PHONE));
    DATE_FORMATS.forEach(format -> all.add(new DateType(format)));
    DECLARABLE = List.copyOf(all);
  }

  private final String declaration;

  private ValueType(String declaration) {
    this.declaration = declaration;
  }

  /** The type a header declares between angle brackets, if there is one by that exact name. */
  public static Optional<ValueType> declared(String declaration) {
    return DECLARABLE.stream().filter(t -> t.declaration.equals(declaration)).findFirst();
  }

  /** "int, float, ..." for messages. */
  public static String declarableNames() {
    StringBuilder names = new StringBuilder();
    for (ValueType type : DECLARABLE) {
      names
          .append(names.length() == 0 ? "" : ", ")
          .append('<')
          .append(type.declaration)
          .append('>');
    }
    return names.toString();
  }

  public String declaration() {
    return declaration;
  }

  /** The value of a non-empty cell. */
  public abstract Object parse(String cell) throws CellError;

  /**
   * {@link #parse}'s answer for the characters of a cell, which may be a reader's view of its
   * bytes: the types a file holds by the million read the common forms of their values without a
   * String, and leave every other text to {@link #parse}. {@code ValueTypeTest} holds the two to
   * the same answers.
   */
  public Object parseChars(CharSequence cell) throws CellError {
    return parse(cell.toString());
  }

  @Override
  public String toString() {
    return declaration;
  }

  /** {@code [a, b, c]} with each element read as {@code elementType}; "[]" is the empty list. */
  static List<Object> parseList(String cell, ValueType elementType) throws CellError {
    String list = cell.trim();
    if (list.length() < 2 || list.charAt(0) != '[' || list.charAt(list.length() - 1) != ']') {
      throw new CellError(Excerpt.quote(cell) + " is not a list: write it as [a, b, c]");
    }
    List<Object> values = new ArrayList<>();
    String inner = list.substring(1, list.length() - 1);
    if (inner.isBlank()) {
      return values;
    }
    for (String element : inner.split(",", -1)) {
      String item = element.trim();
      if (item.isEmpty()) {
        throw new CellError(Excerpt.quote(cell) + " has an empty element: write it as [a, b, c]");
      }
      values.add(elementType.parse(item));
    }
    return values;
  }

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

  private static boolean isDigits(String text) {
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

  /**
   * A CleverTap date column: the declared format, the same without the time (noon is used), or Unix
   * seconds. Text in the format's exact shape (two-digit fields, a four-digit year, an English
   * short month) is read by hand, which is several times faster than {@link DateTimeFormatter};
   * anything else, and any value the hand-reading refuses, goes to the formatter, which then
   * decides and words the failure. {@code DateTypeTest} holds the two to the same answers.
   */
  static final class DateType extends ValueType {
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
      if (isDigits(text)) {
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
     * The instant of a text in exactly the pattern's shape (each pattern letter one character of
     * the text: dd, MM, HH, mm, ss two digits, uuuu four, MMM an English short month), or null:
     * another shape, or a field out of range.
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
}
