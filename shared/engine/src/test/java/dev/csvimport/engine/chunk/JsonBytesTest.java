package dev.csvimport.engine.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.stream.JsonWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chunk's hand-written JSON is byte for byte what gson's JsonWriter, encoded to UTF-8, makes of
 * the same calls.
 */
class JsonBytesTest {

  private static final long SEED = Long.getLong("csvimport.seed", 20261123L);
  private static final char[] SPECIAL = {
    '"', '\\', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u001f', '\u007f', '<', '&', '=', '\'', 'é',
    '\u07ff', '\u0800', '\u2028', '\u2029', '\uffff', '\ud83d', '\ude00', 'a', ' '
  };

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      text.append(
          random.nextInt(3) == 0
              ? (char) random.nextInt(0x10000)
              : SPECIAL[random.nextInt(SPECIAL.length)]);
    }
    return text.toString();
  }

  private static String shown(String text) {
    StringBuilder shown = new StringBuilder();
    text.chars()
        .forEach(
            c ->
                shown.append(
                    c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("<%04x>", c)));
    return shown.toString();
  }

  /**
   * Every double that {@link JsonBytes#value(double)} writes from its digits is the nearest double
   * to some decimal of at most 6 digits with at most 6 after the point: all of them are tried here,
   * both signs, so the fast path is proven to write Double.toString's text, not sampled.
   */
  @Test
  void everyShortDecimalIsWrittenAsDoubleToStringWritesIt() {
    JsonBytes out = new JsonBytes();
    long written = 0;
    for (int fractionDigits = 0;
        fractionDigits <= JsonBytes.SHORT_DECIMAL_DIGITS;
        fractionDigits++) {
      double scale = Math.pow(10, fractionDigits);
      for (long digits = 0; digits < 1_000_000; digits++) {
        double value = digits / scale;
        for (double signed : new double[] {value, -value}) {
          out.reset().value(signed);
          String text = new String(out.bytes(), 0, out.size(), StandardCharsets.US_ASCII);
          if (!text.equals(Double.toString(signed))) {
            throw new AssertionError(
                digits
                    + "e-"
                    + fractionDigits
                    + ": "
                    + text
                    + " where Double.toString writes "
                    + Double.toString(signed));
          }
          written++;
        }
      }
    }
    assertEquals(14_000_000L, written);
  }

  @Test
  void theCurrentFilesNamesAreKeptHoweverManyFilesCameBefore() {
    JsonBytes out = new JsonBytes();
    // A long-lived instance: 200 files of 50 columns, each file's names new String objects.
    for (int file = 0; file < 200; file++) {
      for (int column = 0; column < 50; column++) {
        out.reset().beginObject().name(new String("column " + column)).value(1L).endObject();
      }
    }
    String current = new String("Plan");
    out.reset().beginObject().name(current).value("gold").endObject();
    assertEquals("{\"Plan\":\"gold\"}", new String(out.toByteArray(), StandardCharsets.UTF_8));
    assertTrue(out.keeps(current));
  }

  @Test
  void randomDocumentsMatchGson() throws Exception {
    Random random = new Random(SEED);
    JsonBytes ours = new JsonBytes();
    for (int i = 0; i < 20_000; i++) {
      StringWriter text = new StringWriter();
      JsonWriter gson = new JsonWriter(text);
      gson.setSerializeNulls(true);
      ours.reset();
      gson.beginObject();
      ours.beginObject();
      for (int field = random.nextInt(6); field > 0; field--) {
        String name = randomText(random);
        gson.name(name);
        ours.name(name);
        switch (random.nextInt(6)) {
          case 0 -> {
            String value = randomText(random);
            gson.value(value);
            ours.value(value);
          }
          case 1 -> {
            // Every length of number, both signs, and the extremes.
            long value =
                switch (random.nextInt(4)) {
                  case 0 -> random.nextLong();
                  case 1 -> random.nextLong() >> random.nextInt(64);
                  case 2 -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                  default -> random.nextInt(1000) - 500;
                };
            gson.value(value);
            ours.value(value);
          }
          case 2 -> {
            gson.nullValue();
            ours.nullValue();
          }
          case 3 -> {
            boolean value = random.nextBoolean();
            gson.value(value);
            ours.value(value);
          }
          case 4 -> {
            double value =
                switch (random.nextInt(3)) {
                  case 0 -> random.nextDouble() * 1e6;
                  case 1 ->
                      (random.nextInt(2_000_000) - 1_000_000) / Math.pow(10, random.nextInt(8));
                  default -> Double.longBitsToDouble(random.nextLong());
                };
            gson.jsonValue(Double.toString(value));
            ours.value(value);
          }
          default -> {
            gson.beginArray();
            ours.beginArray();
            for (int e = random.nextInt(3); e > 0; e--) {
              String value = randomText(random);
              gson.value(value);
              ours.value(value);
            }
            gson.beginObject().name("t").value(7L).endObject();
            ours.beginObject().name("t").value(7L).endObject();
            gson.endArray();
            ours.endArray();
          }
        }
      }
      gson.endObject();
      ours.endObject();
      gson.flush();
      // The chunk was gson's text encoded to UTF-8 (a lone surrogate becoming '?'): the bytes are
      // what must match.
      String theirs =
          new String(text.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      String mine = new String(ours.toByteArray(), StandardCharsets.UTF_8);
      int at = 0;
      while (at < Math.min(theirs.length(), mine.length())
          && theirs.charAt(at) == mine.charAt(at)) {
        at++;
      }
      assertArrayEquals(
          text.toString().getBytes(StandardCharsets.UTF_8),
          ours.toByteArray(),
          "document "
              + i
              + " (seed "
              + SEED
              + ") differs at "
              + at
              + ": gson "
              + shown(theirs.substring(at, Math.min(theirs.length(), at + 12)))
              + ", ours "
              + shown(mine.substring(at, Math.min(mine.length(), at + 12))));
    }
  }
}
