package dev.csvimport.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written date reading gives what {@link java.time.format.DateTimeFormatter} gives, value
 * or failure.
 */
class DateTypeTest {

  private static final long SEED = Long.getLong("csvimport.seed", 20261123L);
  private static final String[] MONTH_TEXTS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jan",
    "SEP", "Sept", "Foo", "Ma", "12"
  };

  private static DateType type(String format) {
    return (DateType) ValueType.declared(format).orElseThrow();
  }

  /** The outcome as comparable text: the value, or the failure's message. */
  private static String outcome(Callable call) {
    try {
      return "value " + call.call();
    } catch (CellError e) {
      return "failure " + e.getMessage();
    }
  }

  private interface Callable {
    Object call() throws CellError;
  }

  @Test
  void fixedCasesIncludingLeapDays() throws Exception {
    DateType dayFirst = type("dd/MM/yyyy HH:mm:ss");
    assertEquals(Instant.parse("2024-02-29T13:14:15Z"), dayFirst.parse("29/02/2024 13:14:15"));
    assertEquals(
        Instant.parse("2000-02-29T12:00:00Z"), dayFirst.parse("29/02/2000"), "2000 is a leap year");
    assertTrue(outcome(() -> dayFirst.parse("29/02/1900")).startsWith("failure"), "1900 is not");
    assertTrue(outcome(() -> dayFirst.parse("29/02/2023 00:00:00")).startsWith("failure"));
    assertTrue(outcome(() -> dayFirst.parse("31/04/2023")).startsWith("failure"));
    assertTrue(outcome(() -> dayFirst.parse("01/01/2023 24:00:00")).startsWith("failure"));
    assertEquals(
        Instant.parse("2020-01-05T06:07:08Z"),
        type("dd MMM yyyy HH:mm:ss").parse("05 Jan 2020 06:07:08"));
    assertEquals(
        Instant.parse("2020-09-30T12:00:00Z"), type("dd MMM yyyy HH:mm:ss").parse(" 30 Sep 2020 "));
    assertNull(DateType.byHand("05 jan 2020", "dd MMM uuuu"), "month names are case-sensitive");
    assertNotNull(DateType.byHand("2020/31/12 23:59:59", "uuuu/dd/MM HH:mm:ss"));
  }

  /**
   * Random texts in and around each format's shape: valid, out of range, leap days, wrong months
   * and separators.
   */
  @Test
  void handReadingAgreesWithTheFormatterOnRandomText() {
    Random random = new Random(SEED);
    int byHand = 0;
    int failures = 0;
    for (String format : ValueType.DATE_FORMATS) {
      DateType type = type(format);
      for (int i = 0; i < 20_000; i++) {
        String text = randomText(format, random);
        String expected = outcome(() -> type.withFormatter(text.trim(), text));
        String actual = outcome(() -> type.parse(text));
        if (!text.trim().chars().allMatch(Character::isDigit)) {
          assertEquals(expected, actual, format + ": '" + text + "' (seed " + SEED + ")");
        }
        failures += expected.startsWith("failure") ? 1 : 0;
        String trimmed = text.trim();
        byHand +=
            DateType.byHand(trimmed, format.replace("yyyy", "uuuu")) != null
                    || DateType.byHand(
                            trimmed, format.replace("yyyy", "uuuu").replace(" HH:mm:ss", ""))
                        != null
                ? 1
                : 0;
      }
    }
    assertTrue(
        byHand > 30_000 && failures > 20_000,
        "both paths and both outcomes are exercised: "
            + byHand
            + " read by hand, "
            + failures
            + " failures");
  }

  static String randomText(String format, Random random) {
    boolean withTime = random.nextInt(4) != 0;
    String pattern = withTime ? format : format.replace(" HH:mm:ss", "");
    StringBuilder text = new StringBuilder();
    for (int p = 0; p < pattern.length(); ) {
      char letter = pattern.charAt(p);
      int end = p;
      while (end < pattern.length() && pattern.charAt(end) == letter) {
        end++;
      }
      int width = end - p;
      switch (letter) {
        case 'd' ->
            text.append(
                twoDigits(random.nextInt(10) == 0 ? random.nextInt(100) : 1 + random.nextInt(31)));
        case 'M' ->
            text.append(
                width == 3
                    ? MONTH_TEXTS[random.nextInt(MONTH_TEXTS.length)]
                    : twoDigits(
                        random.nextInt(10) == 0 ? random.nextInt(100) : 1 + random.nextInt(12)));
        case 'y' -> text.append(year(random));
        case 'H' ->
            text.append(
                twoDigits(random.nextInt(10) == 0 ? 24 + random.nextInt(76) : random.nextInt(24)));
        case 'm', 's' ->
            text.append(
                twoDigits(random.nextInt(10) == 0 ? 60 + random.nextInt(40) : random.nextInt(60)));
        default -> text.append(random.nextInt(40) == 0 ? "-" : pattern.substring(p, end));
      }
      p = end;
    }
    String made = text.toString();
    switch (random.nextInt(20)) {
      case 0:
        return " " + made + " ";
      case 1:
        return made.substring(0, random.nextInt(made.length()));
      case 2:
        return made + random.nextInt(10);
      case 3:
        int at = random.nextInt(made.length());
        return made.substring(0, at) + (char) ('0' + random.nextInt(10)) + made.substring(at + 1);
      default:
        return made;
    }
  }

  private static String year(Random random) {
    List<Integer> leapAndCentury = List.of(1900, 2000, 2024, 2023, 2100, 1600, 0, 1, 9999);
    int year =
        random.nextInt(4) == 0
            ? leapAndCentury.get(random.nextInt(leapAndCentury.size()))
            : 1 + random.nextInt(9999);
    return String.format("%04d", year);
  }

  private static String twoDigits(int value) {
    return String.format("%02d", value);
  }

  @Test
  void epochDaysAreLocalDatesForEveryDayOfTenThousandYears() {
    for (java.time.LocalDate date = java.time.LocalDate.of(0, 1, 1);
        date.getYear() <= 9999;
        date = date.plusDays(1)) {
      if (DateType.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth())
          != date.toEpochDay()) {
        throw new AssertionError(
            date
                + ": "
                + DateType.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth())
                + " where LocalDate counts "
                + date.toEpochDay());
      }
    }
  }
}
