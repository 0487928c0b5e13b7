package dev.csvimport.engine.read;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The characters of a CSV file: strict UTF-8 (a malformed byte is an error, never a replacement character),
 * a leading byte-order mark dropped, a NUL character refused since no text CSV holds one.
 */
public final class TextInput extends FilterReader {

  /** Thrown when the bytes are not a UTF-8 text file. */
  public static final class NotText extends IOException {
    NotText(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final char BYTE_ORDER_MARK = '\uFEFF';
  private boolean atStart = true;

  private TextInput(Reader in) {
    super(in);
  }

  public static TextInput of(InputStream bytes) {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new TextInput(new InputStreamReader(bytes, strict));
  }

  @Override
  public int read() throws IOException {
    char[] one = new char[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0];
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = in.read(buffer, offset, length);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new NotText("the file is not UTF-8 text: save it as CSV UTF-8 and upload it again", e);
    }
    if (n <= 0) {
      return n;
    }
    if (atStart) {
      atStart = false;
      if (buffer[offset] == BYTE_ORDER_MARK) {
        System.arraycopy(buffer, offset + 1, buffer, offset, n - 1);
        n--;
        if (n == 0) {
          return read(buffer, offset, length);
        }
      }
    }
    for (int i = offset, end = offset + n; i < end; i++) {
      if (buffer[i] == '\0') {
        throw new NotText("the file holds NUL bytes, so it is not a text CSV: export it as CSV UTF-8", null);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skip is not supported");
  }
}
