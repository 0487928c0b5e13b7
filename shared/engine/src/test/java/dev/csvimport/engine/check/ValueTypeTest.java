package dev.csvimport.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypeTest {

  @Test
  void textIsNeverChanged() throws Exception {
    assertEquals("007", ValueType.STRING.parse("007"));
    assertEquals("12345678901234567890", ValueType.STRING.parse("12345678901234567890"));
    assertEquals(" padded ", ValueType.STRING.parse(" padded "));
  }

  @Test
  void intsAre64BitWholeNumbers() throws Exception {
    assertEquals(Long.MAX_VALUE, ValueType.INT.parse("9223372036854775807"));
    assertEquals(-5L, ValueType.INT.parse(" -5 "));
    CellError tooLarge =
        assertThrows(CellError.class, () -> ValueType.INT.parse("9223372036854775808"));
    assertTrue(tooLarge.getMessage().contains("too large"), tooLarge.getMessage());
    assertThrows(CellError.class, () -> ValueType.INT.parse("1.0"));
    assertThrows(CellError.class, () -> ValueType.INT.parse("1e3"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "0x1p3", "1d", "1f", "", ".", "1e", "--1", "1e999"})
  void floatsRefuseWhatJavaWouldTake(String text) {
    assertThrows(CellError.class, () -> ValueType.FLOAT.parse(text));
  }

  @Test
  void floatsTakePlainDecimals() throws Exception {
    assertEquals(0.5, ValueType.FLOAT.parse(".5"));
    assertEquals(-1.5e10, ValueType.FLOAT.parse("-1.5E10"));
    assertEquals(3.0, ValueType.FLOAT.parse("3"));
  }

  @ParameterizedTest
  @CsvSource({"true,true", "TRUE,true", "yes,true", "1,true", "false,false", "No,false", "0,false"})
  void bools(String text, boolean expected) throws Exception {
    assertEquals(expected, ValueType.BOOL.parse(text));
  }

  @Test
  void listsAreBracketed() throws Exception {
    assertEquals(List.of("a", "b c", "d"), ValueType.LIST.parse("[a, b c ,d]"));
    assertEquals(List.of(), ValueType.LIST.parse("[ ]"));
    assertThrows(CellError.class, () -> ValueType.LIST.parse("a, b"));
    assertThrows(CellError.class, () -> ValueType.LIST.parse("[a,,b]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+44 20 7946 0958", "0044123", "5551234"})
  void phonesAreDigitsWithAnOptionalPlus(String phone) throws Exception {
    assertEquals(phone, ValueType.PHONE.parse(phone));
  }

  @ParameterizedTest
  @ValueSource(strings = {"555-1234", "(555) 1234", "1+2", "+", "call me"})
  void phonesRefuseOtherCharacters(String phone) {
    assertThrows(CellError.class, () -> ValueType.PHONE.parse(phone));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de"})
  void emailsMustLookLikeAddresses(String email) {
    assertThrows(CellError.class, () -> ValueType.EMAIL.parse(email));
  }

  @Test
  void datesFollowTheDeclaredFormatExactly() throws Exception {
    ValueType ddMM = ValueType.declared("dd/MM/yyyy HH:mm:ss").orElseThrow();
    assertEquals(Instant.parse("2020-02-01T10:11:12Z"), ddMM.parse("01/02/2020 10:11:12"));
    assertEquals(Instant.parse("2020-02-01T12:00:00Z"), ddMM.parse("01/02/2020"));
    assertEquals(Instant.ofEpochSecond(1_700_000_000), ddMM.parse("1700000000"));
    assertThrows(CellError.class, () -> ddMM.parse("2020-02-01"));
    assertThrows(CellError.class, () -> ddMM.parse("30/02/2020"));
    ValueType named = ValueType.declared("dd MMM yyyy HH:mm:ss").orElseThrow();
    assertEquals(Instant.parse("2020-01-05T06:07:08Z"), named.parse("05 Jan 2020 06:07:08"));
    ValueType yyyyddMM = ValueType.declared("yyyy/dd/MM HH:mm:ss").orElseThrow();
    assertEquals(Instant.parse("2024-01-31T00:00:00Z"), yyyyddMM.parse("2024/31/01 00:00:00"));
  }

  @Test
  void declarationsAreCaseSensitive() {
    assertTrue(ValueType.declared("dd/mm/yyyy HH:mm:ss").isEmpty());
    assertTrue(ValueType.declared("INT").isEmpty());
    assertTrue(
        ValueType.declared("email").isEmpty(), "email is checked by column name, not declared");
  }

  @Test
  void unixSecondsRefuseMilliseconds() throws Exception {
    assertEquals(Instant.ofEpochMilli(1_500_000_000_250L), UnixSeconds.parse("1500000000.25"));
    CellError millis = assertThrows(CellError.class, () -> UnixSeconds.parse("1500000000000"));
    assertTrue(millis.getMessage().contains("milliseconds"), millis.getMessage());
    assertThrows(CellError.class, () -> UnixSeconds.parse("2020-01-01"));
  }

  @Test
  void wholeUnixSecondsAreReadAsTheDecimalReadingReadsThem() throws Exception {
    java.util.Random random = new java.util.Random(20261123L);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder digits = new StringBuilder();
      for (int n = 1 + random.nextInt(12); n > 0; n--) {
        digits.append((char) ('0' + random.nextInt(10)));
      }
      String text = random.nextBoolean() ? digits.toString() : " " + digits + " ";
      assertEquals(
          outcome(() -> UnixSeconds.parseDecimal(text.trim(), text)),
          outcome(() -> UnixSeconds.parse(text)),
          text);
    }
  }

  private interface Reading {
    Instant read() throws CellError;
  }

  private static String outcome(Reading reading) {
    try {
      return reading.read().toString();
    } catch (CellError e) {
      return "failure: " + e.getMessage();
    }
  }

  @Test
  void numbersReadQuicklyAreWhatJavasParsersRead() {
    java.util.Random random = new java.util.Random(20261123L);
    String alphabet = "0123456789000.-+e";
    int quickDecimals = 0;
    int quickWholes = 0;
    for (int i = 0; i < 300_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(22); n > 0; n--) {
        text.append(
            alphabet.charAt(random.nextInt(random.nextInt(4) == 0 ? alphabet.length() : 11)));
      }
      if (random.nextInt(3) == 0) {
        text.insert(0, random.nextBoolean() ? '-' : '+');
      }
      if (random.nextInt(3) == 0) {
        text.insert(random.nextInt(text.length() + 1), '.');
      }
      String number = text.toString();
      double quick = NumberReader.quickDecimal(number);
      if (!Double.isNaN(quick)) {
        quickDecimals++;
        assertEquals(Double.valueOf(Double.parseDouble(number)), Double.valueOf(quick), number);
      }
      long whole = NumberReader.quickWholeNumber(number);
      if (whole != Long.MIN_VALUE) {
        quickWholes++;
        assertEquals(Long.parseLong(number), whole, number);
      }
    }
    assertTrue(
        quickDecimals > 50_000 && quickWholes > 20_000,
        quickDecimals + " decimals, " + quickWholes + " wholes");
  }

  @Test
  void emailsAreCheckedAsTheRuleSays() {
    java.util.Random random = new java.util.Random(20261123L);
    String alphabet = "ab@.. \t\u00a0\u2003x";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String cell = text.toString();
      // The rule as first written: one @ not first, the last dot after it, not next to it, not
      // last; no white space.
      String email = cell.trim();
      int at = email.indexOf('@');
      int dot = email.lastIndexOf('.');
      boolean expected =
          at > 0
              && at == email.lastIndexOf('@')
              && dot > at + 1
              && dot < email.length() - 1
              && email.chars().noneMatch(Character::isWhitespace);
      boolean accepted;
      try {
        accepted = ValueType.EMAIL.parse(cell).equals(email);
      } catch (CellError e) {
        accepted = false;
      }
      assertEquals(expected, accepted, cell);
    }
  }

  /**
   * A reader lends a typed cell's characters rather than its String: every type, the increments and
   * the Unix seconds give the same value or the same failure from those as from the text, on random
   * numbers, dates and junk.
   */
  @Test
  void charactersAreReadAsTheirTextIsRead() {
    java.util.Random random = new java.util.Random(20261123L);
    String alphabet = "0123456789 .-+eE/:aJn";
    List<ValueType> types =
        new java.util.ArrayList<>(
            List.of(
                ValueType.INT,
                ValueType.FLOAT,
                ValueType.BOOL,
                ValueType.STRING,
                ValueType.LIST,
                ValueType.PHONE,
                ValueType.EMAIL));
    ValueType.DATE_FORMATS.forEach(format -> types.add(ValueType.declared(format).orElseThrow()));
    int values = 0;
    for (int i = 0; i < 40_000; i++) {
      String text;
      switch (random.nextInt(4)) {
        case 0 ->
            text = DateTypeTest.randomText(ValueType.DATE_FORMATS.get(random.nextInt(5)), random);
        case 1 -> text = Long.toString(random.nextLong() >> random.nextInt(64));
        case 2 -> text = random.nextInt(1_000_000) / Math.pow(10, random.nextInt(8)) + "";
        default -> {
          StringBuilder junk = new StringBuilder();
          for (int n = random.nextInt(22); n > 0; n--) {
            junk.append(
                alphabet.charAt(random.nextInt(random.nextInt(3) == 0 ? alphabet.length() : 10)));
          }
          text = junk.toString();
        }
      }
      // Not a String: what a reader lends.
      CharSequence chars = new StringBuilder(text);
      for (ValueType type : types) {
        String expected = outcome(() -> type.parse(text));
        assertEquals(expected, outcome(() -> type.parseChars(chars)), type + ": '" + text + "'");
        values += expected.startsWith("failure") ? 0 : 1;
      }
      assertEquals(
          outcome(() -> NumberReader.parseWholeNumber(text.trim(), "an increment")),
          outcome(() -> NumberReader.wholeNumber(chars, "an increment")),
          text);
      assertEquals(
          outcome(() -> UnixSeconds.parse(text)),
          outcome(() -> UnixSeconds.parseChars(chars)),
          text);
    }
    assertTrue(values > 100_000, values + " values read");
  }

  private interface Parse {
    Object parse() throws CellError;
  }

  private static String outcome(Parse parse) {
    try {
      Object value = parse.parse();
      return value.getClass().getSimpleName() + " " + value;
    } catch (CellError e) {
      return "failure: " + e.getMessage();
    }
  }
}
