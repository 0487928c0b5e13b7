package dev.csvimport.engine.read;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A file as its CSV bytes: a gzip-compressed file (told by its first two bytes, whatever its name
 * or its object's Content-Encoding) is decompressed as it is read, memory flat; any other file is
 * read as it is. Decompressing stops, failing the file, where it would expand past {@value
 * #MAX_RATIO} times the compressed bytes read (after the first {@value #FREE_BYTES} bytes): a real
 * export compresses by 5 to 20 times; a gzip bomb by a thousand.
 */
public final class Decompression {

  static final int MAX_RATIO = 200;
  static final long FREE_BYTES = 16L * 1024 * 1024;

  /** Why a gzip-compressed file could not be read: its message is for the person who sent it. */
  static final class Broken extends IOException {
    Broken(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Decompression() {}

  /** The CSV bytes of {@code file}. */
  public static InputStream of(InputStream file) throws FileFailure {
    try {
      BufferedInputStream buffered = new BufferedInputStream(file, 64 * 1024);
      buffered.mark(2);
      int first = buffered.read();
      int second = first < 0 ? -1 : buffered.read();
      buffered.reset();
      if (first != 0x1f || second != 0x8b) {
        return buffered;
      }
      Counted compressed = new Counted(buffered);
      try {
        return new Bounded(new GZIPInputStream(compressed, 64 * 1024), compressed);
      } catch (IOException e) {
        throw broken(e);
      }
    } catch (Broken e) {
      throw new FileFailure(e.getMessage(), e);
    } catch (IOException e) {
      throw new FileFailure("the file could not be read: " + e.getMessage(), e);
    }
  }

  private static Broken broken(IOException e) {
    return e instanceof Broken b
        ? b
        : new Broken(
            "the file is gzip-compressed but cannot be decompressed ("
                + e.getMessage()
                + "): compress it again, or upload it uncompressed",
            e);
  }

  /** Counts the bytes read through it. */
  private static final class Counted extends FilterInputStream {
    long count;

    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      int n = super.read(bytes, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /** The decompressed bytes, refused past the ratio. */
  private static final class Bounded extends FilterInputStream {
    private final Counted compressed;
    private long out;

    Bounded(InputStream gzip, Counted compressed) {
      super(gzip);
      this.compressed = compressed;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(bytes, off, len);
      } catch (IOException e) {
        throw broken(e);
      }
      if (n > 0) {
        out += n;
        if (out > FREE_BYTES && out > MAX_RATIO * compressed.count) {
          throw new Broken(
              "the gzip-compressed file expands more than "
                  + MAX_RATIO
                  + " times (past "
                  + out
                  + " bytes from "
                  + compressed.count
                  + "), which no CSV export does: it is refused as a gzip bomb",
              null);
        }
      }
      return n;
    }
  }
}
