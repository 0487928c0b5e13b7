package dev.csvimport.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextInputTest {

  private static String read(byte[] bytes) throws IOException {
    try (Reader reader = TextInput.of(new ByteArrayInputStream(bytes))) {
      StringWriter out = new StringWriter();
      reader.transferTo(out);
      return out.toString();
    }
  }

  @Test
  void dropsOneLeadingByteOrderMark() throws IOException {
    assertEquals("a,b", read("\uFEFFa,b".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a\uFEFFb", read("a\uFEFFb".getBytes(StandardCharsets.UTF_8)));
    assertEquals("", read("\uFEFF".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keepsMultiByteCharacters() throws IOException {
    assertEquals("München,東京,😀", read("München,東京,😀".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void refusesMalformedUtf8() {
    assertThrows(TextInput.NotText.class, () -> read(new byte[] {'a', (byte) 0xFC, 'b'}));
    assertThrows(TextInput.NotText.class, () -> read(new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
  }

  @Test
  void refusesNul() {
    assertThrows(TextInput.NotText.class, () -> read(new byte[] {'a', 0, 'b'}));
  }
}
