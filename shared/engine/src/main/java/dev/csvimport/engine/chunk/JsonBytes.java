package dev.csvimport.engine.chunk;

import java.util.Arrays;

/**
 * Compact JSON written straight into UTF-8 bytes, for the chunk format: the same text gson's {@code
 * JsonWriter} writes (its escapes: {@code \" \\ \b \t \n \f \r}, {@code \\uXXXX} for the other
 * control characters and for U+2028 and U+2029; a lone surrogate becomes {@code ?}, as encoding
 * gson's text to UTF-8 made it), without its per-call checks, its intermediate text and its second
 * encoding pass. Reused per thread: {@link #reset} before each row.
 */
final class JsonBytes {

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Digits a short decimal may have; {@code JsonBytesTest} tries every one. */
  static final int SHORT_DECIMAL_DIGITS = 6;

  private static final long SHORT_DECIMAL_LIMIT = 1_000_000;

  /** 10 to the power of the index, up to the largest long holds. */
  private static final long[] TENS = new long[19];

  /** The two digits of each number below 100. */
  private static final byte[] TENS_DIGIT = new byte[100];

  private static final byte[] ONES_DIGIT = new byte[100];

  static {
    TENS[0] = 1;
    for (int i = 1; i < TENS.length; i++) {
      TENS[i] = TENS[i - 1] * 10;
    }
    for (int i = 0; i < 100; i++) {
      TENS_DIGIT[i] = (byte) ('0' + i / 10);
      ONES_DIGIT[i] = (byte) ('0' + i % 10);
    }
  }

  private byte[] bytes = new byte[1024];

  /**
   * The ASCII characters a JSON string holds as they are: all but the controls, the quote and the
   * backslash.
   */
  private static final boolean[] PLAIN = new boolean[0x80];

  static {
    for (char c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  /** Where a string's characters are copied before they are written. */
  private char[] chars = new char[256];

  private int size;

  /**
   * A value was just completed, so a comma goes before the next name or value; false after an
   * opening bracket or a name. That one bit is all the nesting JSON's commas need.
   */
  private boolean comma;

  /**
   * Names as written ({@code "name":}), kept by identity in a small open-addressed table found by
   * the name's (cached) hash: a file's rows write the same few names (its columns', the format's)
   * again and again, as the same String objects. A long-lived thread writes the names of file after
   * file: a name that finds no free slot near its own takes its own slot's place, so the names of
   * files long done give way to the current file's (before, the table filled up after a few dozen
   * files and names were encoded for every row from then on).
   */
  private final String[] nameKeys = new String[NAME_SLOTS];

  private final byte[][] nameBytes = new byte[NAME_SLOTS][];
  private static final int NAME_SLOTS = 512;
  private static final int NAME_PROBES = 4;

  JsonBytes reset() {
    size = 0;
    comma = false;
    return this;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  int size() {
    return size;
  }

  /** The bytes written, in {@code bytes()[0, size())}; the array is this writer's own. */
  byte[] bytes() {
    return bytes;
  }

  /** Appends another writer's bytes. */
  void append(JsonBytes other) {
    ensure(other.size);
    System.arraycopy(other.bytes, 0, bytes, size, other.size);
    size += other.size;
  }

  /** A value another writer wrote whole, as the next value here. */
  JsonBytes rawValue(JsonBytes value) {
    beforeValue();
    ensure(value.size);
    System.arraycopy(value.bytes, 0, bytes, size, value.size);
    size += value.size;
    return this;
  }

  /** A comma, before a value {@link #append}ed. */
  void comma() {
    put(',');
  }

  JsonBytes beginObject() {
    beforeValue();
    put('{');
    comma = false;
    return this;
  }

  JsonBytes endObject() {
    put('}');
    comma = true;
    return this;
  }

  JsonBytes beginArray() {
    beforeValue();
    put('[');
    comma = false;
    return this;
  }

  JsonBytes endArray() {
    put(']');
    comma = true;
    return this;
  }

  /** One of the format's own names, encoded once ({@code "name":}). */
  static final class Name {
    private final byte[] json;

    Name(String name) {
      JsonBytes out = new JsonBytes();
      out.string(name);
      out.put(':');
      this.json = out.toByteArray();
    }
  }

  JsonBytes name(Name name) {
    beforeName();
    byte[] json = name.json;
    ensure(json.length);
    System.arraycopy(json, 0, bytes, size, json.length);
    size += json.length;
    comma = false;
    return this;
  }

  JsonBytes name(String name) {
    beforeName();
    int home = name.hashCode() & NAME_SLOTS - 1;
    int free = home;
    for (int probe = 0; probe < NAME_PROBES; probe++) {
      int slot = home + probe & NAME_SLOTS - 1;
      String key = nameKeys[slot];
      if (key == name) {
        byte[] written = nameBytes[slot];
        ensure(written.length);
        System.arraycopy(written, 0, bytes, size, written.length);
        size += written.length;
        comma = false;
        return this;
      }
      if (key == null) {
        free = slot;
        break;
      }
    }
    int start = size;
    string(name);
    put(':');
    // Kept in a free slot near its own, or else in place of whatever its own slot kept.
    nameKeys[free] = name;
    nameBytes[free] = Arrays.copyOfRange(bytes, start, size);
    comma = false;
    return this;
  }

  /** Whether the name is kept written (for tests). */
  boolean keeps(String name) {
    int home = name.hashCode() & NAME_SLOTS - 1;
    for (int probe = 0; probe < NAME_PROBES; probe++) {
      if (nameKeys[home + probe & NAME_SLOTS - 1] == name) {
        return true;
      }
    }
    return false;
  }

  JsonBytes value(String value) {
    if (value == null) {
      return nullValue();
    }
    beforeValue();
    string(value);
    return this;
  }

  JsonBytes value(long value) {
    if (value == Long.MIN_VALUE) {
      return jsonValue(Long.toString(value));
    }
    beforeValue();
    ensure(20);
    if (value < 0) {
      bytes[size++] = '-';
      value = -value;
    }
    int digits = 1;
    while (digits < TENS.length && value >= TENS[digits]) {
      digits++;
    }
    int at = size + digits;
    size = at;
    // Two digits per division, in int arithmetic once the rest fits.
    while (value > Integer.MAX_VALUE) {
      long quotient = value / 100;
      int pair = (int) (value - quotient * 100);
      bytes[--at] = ONES_DIGIT[pair];
      bytes[--at] = TENS_DIGIT[pair];
      value = quotient;
    }
    int rest = (int) value;
    while (rest >= 100) {
      int quotient = rest / 100;
      int pair = rest - quotient * 100;
      bytes[--at] = ONES_DIGIT[pair];
      bytes[--at] = TENS_DIGIT[pair];
      rest = quotient;
    }
    if (rest >= 10) {
      bytes[--at] = ONES_DIGIT[rest];
      bytes[--at] = TENS_DIGIT[rest];
    } else {
      bytes[--at] = (byte) ('0' + rest);
    }
    return this;
  }

  /**
   * A double as {@link Double#toString} writes it, which always has a point or an exponent. A short
   * decimal (at most {@value #SHORT_DECIMAL_DIGITS} digits, at least 0.001) is written straight
   * from its digits, which {@code JsonBytesTest} proves gives Double.toString's text for every such
   * value; any other goes through Double.toString.
   */
  JsonBytes value(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 1e-3 && magnitude < SHORT_DECIMAL_LIMIT) {
      for (int fractionDigits = 0; fractionDigits <= SHORT_DECIMAL_DIGITS; fractionDigits++) {
        long digits = Math.round(magnitude * TENS[fractionDigits]);
        if (digits >= SHORT_DECIMAL_LIMIT) {
          break;
        }
        if (digits / (double) TENS[fractionDigits] == magnitude) {
          return shortDecimal(value < 0, digits, fractionDigits);
        }
      }
    }
    return jsonValue(Double.toString(value));
  }

  /**
   * Digits with the point {@code fractionDigits} from the right, and at least one digit on each
   * side of it.
   */
  private JsonBytes shortDecimal(boolean negative, long digits, int fractionDigits) {
    beforeValue();
    ensure(SHORT_DECIMAL_DIGITS + 4);
    if (negative) {
      bytes[size++] = '-';
    }
    long whole = digits / TENS[fractionDigits];
    long fraction = digits - whole * TENS[fractionDigits];
    writeDigits(whole, 1);
    bytes[size++] = '.';
    writeDigits(fraction, Math.max(1, fractionDigits));
    return this;
  }

  /** A non-negative number below 10^18 in at least {@code width} digits, zeros in front. */
  private void writeDigits(long number, int width) {
    int digits = 1;
    while (digits < TENS.length && number >= TENS[digits]) {
      digits++;
    }
    for (int zeros = width - digits; zeros > 0; zeros--) {
      bytes[size++] = '0';
    }
    int at = size + digits;
    size = at;
    do {
      bytes[--at] = (byte) ('0' + number % 10);
      number /= 10;
    } while (number > 0);
  }

  JsonBytes value(boolean value) {
    return jsonValue(value ? "true" : "false");
  }

  JsonBytes nullValue() {
    return jsonValue("null");
  }

  /** A value already in JSON (ASCII), written as it is. */
  JsonBytes jsonValue(String json) {
    beforeValue();
    ensure(json.length());
    for (int i = 0; i < json.length(); i++) {
      bytes[size++] = (byte) json.charAt(i);
    }
    return this;
  }

  private void beforeName() {
    if (comma) {
      put(',');
    }
  }

  private void beforeValue() {
    if (comma) {
      put(',');
    }
    comma = true;
  }

  private void string(String text) {
    int length = text.length();
    ensure(length * 3 + 2);
    if (chars.length < length) {
      chars = new char[Math.max(length, chars.length * 2)];
    }
    text.getChars(0, length, chars, 0);
    char[] in = chars;
    byte[] out = bytes;
    out[size++] = '"';
    // The plain run first, indexed from fixed starts so that the compiler checks bounds once for
    // the loop.
    int start = size;
    int plain = 0;
    while (plain < length) {
      char c = in[plain];
      if (c >= 0x80 || !PLAIN[c]) {
        break;
      }
      out[start + plain] = (byte) c;
      plain++;
    }
    size = start + plain;
    for (int i = plain; i < length; i++) {
      char c = in[i];
      if (c < 0x80 && PLAIN[c]) {
        bytes[size++] = (byte) c;
      } else if (c < 0x80) {
        escape(c);
      } else if (c < 0x800) {
        bytes[size++] = (byte) (0xC0 | c >> 6);
        bytes[size++] = (byte) (0x80 | c & 0x3F);
      } else if (c == '\u2028' || c == '\u2029') {
        escape(c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(in[i + 1])) {
        int code = Character.toCodePoint(c, in[++i]);
        bytes[size++] = (byte) (0xF0 | code >> 18);
        bytes[size++] = (byte) (0x80 | code >> 12 & 0x3F);
        bytes[size++] = (byte) (0x80 | code >> 6 & 0x3F);
        bytes[size++] = (byte) (0x80 | code & 0x3F);
      } else if (Character.isSurrogate(c)) {
        bytes[size++] = '?';
      } else {
        bytes[size++] = (byte) (0xE0 | c >> 12);
        bytes[size++] = (byte) (0x80 | c >> 6 & 0x3F);
        bytes[size++] = (byte) (0x80 | c & 0x3F);
      }
    }
    bytes[size++] = '"';
  }

  private void escape(char c) {
    ensure(6);
    bytes[size++] = '\\';
    switch (c) {
      case '"' -> bytes[size++] = '"';
      case '\\' -> bytes[size++] = '\\';
      case '\b' -> bytes[size++] = 'b';
      case '\t' -> bytes[size++] = 't';
      case '\n' -> bytes[size++] = 'n';
      case '\f' -> bytes[size++] = 'f';
      case '\r' -> bytes[size++] = 'r';
      default -> {
        bytes[size++] = 'u';
        bytes[size++] = HEX[c >> 12 & 0xF];
        bytes[size++] = HEX[c >> 8 & 0xF];
        bytes[size++] = HEX[c >> 4 & 0xF];
        bytes[size++] = HEX[c & 0xF];
      }
    }
  }

  private void put(char c) {
    ensure(1);
    bytes[size++] = (byte) c;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
