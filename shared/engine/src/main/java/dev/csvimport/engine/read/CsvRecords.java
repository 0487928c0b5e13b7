package dev.csvimport.engine.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The records of an RFC 4180 file, one at a time, with the line each starts on, read straight from
 * the UTF-8 bytes.
 *
 * <p>It reads exactly what commons-csv's {@code CSVFormat.RFC4180} with empty lines ignored reads,
 * cell for cell and line for line ({@code CsvRecordsTest} holds it to that on random hostile
 * files), four times faster, since it finds the commas and quotes in the bytes and makes a cell's
 * text only when it is asked for. On top of that parse it refuses what is not a UTF-8 text file:
 * malformed UTF-8 and NUL bytes; a leading byte-order mark is dropped.
 *
 * <p>Memory is bounded by the largest record, not by the file: a record over {@value
 * #MAX_RECORD_BYTES} bytes (almost always a quote left open, swallowing the rest of the file) ends
 * the file with a {@link FileFailure} naming its line.
 */
public final class CsvRecords implements Cells, AutoCloseable {

  /** No importable row comes near this: a chunk holds at most 512 KiB. */
  static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  private static final int READ_BYTES = 64 * 1024;
  private static final String QUOTING_HINT =
      "; check that every quoted cell has its closing quote and that quotes inside cells are"
          + " doubled";

  // The bytes the parse stops at; every other byte below 0x80 is plain text.
  private static final byte TEXT = 0;
  private static final byte COMMA = 1;
  private static final byte QUOTE = 2;
  private static final byte CR = 3;
  private static final byte LF = 4;
  private static final byte NUL = 5;
  private static final byte HIGH = 6;
  // The class of each byte, for each delimiter (COMMA is the delimiter's class, whichever it is).
  private static final byte[][] CLASSES = new byte[Delimiter.values().length][];

  /** The same inside an unquoted cell, where a quote is text. */
  private static final byte[][] IN_CELLS = new byte[Delimiter.values().length][];

  static {
    for (Delimiter delimiter : Delimiter.values()) {
      byte[] classes = new byte[256];
      classes[delimiter.symbol()] = COMMA;
      classes['"'] = QUOTE;
      classes['\r'] = CR;
      classes['\n'] = LF;
      classes[0] = NUL;
      Arrays.fill(classes, 0x80, 256, HIGH);
      CLASSES[delimiter.ordinal()] = classes;
      byte[] inCell = classes.clone();
      inCell['"'] = TEXT;
      IN_CELLS[delimiter.ordinal()] = inCell;
    }
  }

  private final InputStream in;
  private final CharsetDecoder strictUtf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] buffer = new byte[READ_BYTES];

  /** Where the unread bytes start and end in {@link #buffer}. */
  private int start;

  private int limit;
  private boolean endOfInput;
  private boolean byteOrderMarkChecked;

  // The current record: cell i is text[i] once made (at once for a cell with doubled quotes or
  // non-ASCII bytes, when
  // first asked for otherwise), from buffer[cellStart[i], cellEnd[i]).
  private int cells;
  private int[] cellStart = new int[16];
  private int[] cellEnd = new int[16];
  private String[] text = new String[16];
  private long currentLine;

  /** The line the next record's bytes start on. */
  private long nextLine = 1;

  private final List<String> header;
  private final Delimiter delimiter;
  private final byte[] classOf;
  private final byte[] inCell;

  private CsvRecords(InputStream in, Delimiter given) throws FileFailure {
    this.in = in;
    this.delimiter = given != null ? given : ofHeaderLine();
    this.classOf = CLASSES[delimiter.ordinal()];
    this.inCell = IN_CELLS[delimiter.ordinal()];
    if (!advance()) {
      throw new FileFailure(
          "the file is empty: it needs a header row naming the columns, then one row per user");
    }
    String[] names = new String[cells];
    for (int i = 0; i < cells; i++) {
      names[i] = cell(i);
    }
    this.header = List.of(names);
  }

  /** The records of an RFC 4180 file: comma-separated. */
  public static CsvRecords open(InputStream bytes) throws FileFailure {
    return open(bytes, Delimiter.COMMA);
  }

  /**
   * The records of a file whose cells {@code delimiter} separates; null to tell it from the header
   * line ({@link Delimiter#ofHeader}).
   */
  public static CsvRecords open(InputStream bytes, Delimiter delimiter) throws FileFailure {
    return new CsvRecords(bytes, delimiter);
  }

  /**
   * The delimiter of the first line that is not empty, read far enough to see its end (or the
   * file's); a comma when even {@link #MAX_RECORD_BYTES} do not reach it, which the parse then
   * refuses.
   */
  private Delimiter ofHeaderLine() throws FileFailure {
    // Offsets from start, which a fill may move: the leading line breaks, and the bytes looked at.
    int skipped = 0;
    int seen = 0;
    boolean inLine = false;
    boolean quoted = false;
    while (true) {
      for (int p = start + seen; p < limit; p++, seen++) {
        byte b = buffer[p];
        if (!inLine) {
          if (b == '\n' || b == '\r') {
            skipped++;
            continue;
          }
          inLine = true;
        }
        if (b == '"') {
          quoted = !quoted;
        } else if (!quoted && (b == '\n' || b == '\r')) {
          return Delimiter.ofHeader(buffer, start + skipped, p);
        }
      }
      if (endOfInput) {
        return Delimiter.ofHeader(buffer, start + skipped, limit);
      }
      if (!fill()) {
        return Delimiter.COMMA;
      }
    }
  }

  /** What separates the file's cells: as given, or as its header line told. */
  public Delimiter delimiter() {
    return delimiter;
  }

  /** The header row's cells, as written. */
  public List<String> header() {
    return header;
  }

  /** Moves to the next data row; false at the end of the file. */
  public boolean next() throws FileFailure {
    return advance();
  }

  @Override
  public String cell(int index) {
    if (index < 0 || index >= cells) {
      throw new IndexOutOfBoundsException("cell " + index + " of a record of " + cells);
    }
    String cell = text[index];
    if (cell == null) {
      // The cell's bytes are ASCII: each byte is its character.
      cell =
          new String(
              buffer,
              cellStart[index],
              cellEnd[index] - cellStart[index],
              StandardCharsets.ISO_8859_1);
      text[index] = cell;
    }
    return cell;
  }

  /**
   * The cell's text if it was made, or else a view of its ASCII bytes, lent until the next call.
   */
  @Override
  public CharSequence chars(int index) {
    if (index < 0 || index >= cells) {
      throw new IndexOutOfBoundsException("cell " + index + " of a record of " + cells);
    }
    String cell = text[index];
    if (cell != null) {
      return cell;
    }
    lent.from = cellStart[index];
    lent.to = cellEnd[index];
    return lent;
  }

  private final AsciiView lent = new AsciiView();

  /** Bytes of {@link #buffer} below 0x80, seen as the characters they are. */
  private final class AsciiView implements CharSequence {
    int from;
    int to;

    @Override
    public int length() {
      return to - from;
    }

    @Override
    public char charAt(int index) {
      if (index < 0 || index >= to - from) {
        throw new IndexOutOfBoundsException(index);
      }
      return (char) buffer[from + index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return toString().subSequence(start, end);
    }

    @Override
    public String toString() {
      return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }
  }

  public int cellCount() {
    return cells;
  }

  /** The line of the file where the current record starts, the first line being 1. */
  public long line() {
    return currentLine;
  }

  private boolean advance() throws FileFailure {
    while (true) {
      int end = parse();
      if (end >= 0) {
        start = end;
        return cells > 0;
      }
      if (!fill()) {
        throw new FileFailure(
            "the file is not valid CSV: the row that starts on line "
                + nextLine
                + " is over "
                + MAX_RECORD_BYTES / (1024 * 1024)
                + " MiB, far larger than a row can be"
                + QUOTING_HINT);
      }
    }
  }

  /** What a step of the parse answers when the bytes read so far end inside the record. */
  private static final int MORE = -1;

  /** The cell ended at the end of the file. */
  private static final byte END = -1;

  // Where the parse stands between its steps: the line it is on, and the class of the byte that
  // ended the last cell (COMMA, CR, LF or END).
  private long parseLine;
  private byte stop;

  /**
   * Parses the record at {@link #start}: its end, or {@link #MORE} when the bytes read so far end
   * inside it. At the end of the file it leaves no cells.
   */
  private int parse() throws FileFailure {
    cells = 0;
    parseLine = nextLine;
    int p = skipEmptyLines(start);
    if (p == MORE || p == limit) {
      return p;
    }
    long recordLine = parseLine;
    while (true) {
      int cell = cells;
      if (cell == cellStart.length) {
        grow();
      }
      text[cell] = null;
      p = buffer[p] == '"' ? quotedCell(p, cell) : plainCell(p, cell);
      if (p == MORE) {
        return MORE;
      }
      cells = cell + 1;
      if (stop == COMMA) {
        p++;
        if (p < limit) {
          continue;
        }
        if (!endOfInput) {
          return MORE;
        }
        // A comma at the very end of the file: one more, empty, cell.
        addEmptyCell(p);
      }
      return endOfRecord(p, recordLine);
    }
  }

  /**
   * Skips empty lines from {@code p}, as commons-csv does with empty lines ignored: where the
   * record starts, {@link #limit} at the end of the file, or {@link #MORE}.
   */
  private int skipEmptyLines(int p) {
    byte[] b = buffer;
    while (true) {
      if (p == limit) {
        if (!endOfInput) {
          return MORE;
        }
        nextLine = parseLine;
        return p;
      }
      byte c = b[p];
      if (c == '\n') {
        p++;
        parseLine++;
      } else if (c == '\r') {
        if (p + 1 == limit && !endOfInput) {
          return MORE;
        }
        p += p + 1 < limit && b[p + 1] == '\n' ? 2 : 1;
        parseLine++;
      } else {
        return p;
      }
    }
  }

  /**
   * Reads the quoted cell whose opening quote is at {@code p}, and the white space that may follow
   * its closing quote: where it ends (at the byte in {@link #stop}), or {@link #MORE}.
   */
  private int quotedCell(int p, int cell) throws FileFailure {
    byte[] b = buffer;
    byte[] classes = classOf;
    long line = parseLine;
    long quoteLine = line;
    int from = ++p;
    boolean plain = true;
    byte kind;
    while (true) {
      if (p == limit) {
        if (!endOfInput) {
          return MORE;
        }
        throw new FileFailure(
            "the file is not valid CSV: the quoted cell that starts on line "
                + quoteLine
                + " (cell "
                + (cell + 1)
                + ") has no closing quote"
                + QUOTING_HINT);
      }
      kind = classes[b[p] & 0xff];
      if (kind == TEXT || kind == COMMA) {
        p++;
      } else if (kind == QUOTE) {
        if (p + 1 == limit && !endOfInput) {
          return MORE;
        }
        if (p + 1 < limit && b[p + 1] == '"') {
          plain = false;
          p += 2;
        } else {
          break;
        }
      } else if (kind == HIGH) {
        plain = false;
        p++;
      } else if (kind == NUL) {
        throw nul(line);
      } else {
        // A line break inside the cell: \r\n counts once.
        if (kind == CR) {
          if (p + 1 == limit && !endOfInput) {
            return MORE;
          }
          if (p + 1 < limit && b[p + 1] == '\n') {
            p++;
          }
        }
        p++;
        line++;
        plain = false;
      }
    }
    cellStart[cell] = from;
    cellEnd[cell] = p;
    if (!plain) {
      text[cell] = quotedText(from, p, line);
    }
    p++;
    // After the closing quote only white space may come before the comma or the line's end.
    while (true) {
      if (p == limit) {
        if (!endOfInput) {
          return MORE;
        }
        kind = END;
        break;
      }
      kind = classes[b[p] & 0xff];
      if (kind == COMMA || kind == CR || kind == LF) {
        break;
      }
      int width = whiteSpaceWidth(p, line, cell);
      if (width < 0) {
        return MORE;
      }
      p += width;
    }
    parseLine = line;
    stop = kind;
    return p;
  }

  /**
   * Reads the unquoted cell that starts at {@code p}: where it ends (at the byte in {@link #stop}),
   * or {@link #MORE}.
   */
  private int plainCell(int p, int cell) throws FileFailure {
    byte[] b = buffer;
    byte[] classes = inCell;
    int from = p;
    boolean ascii = true;
    byte kind;
    while (true) {
      while (p < limit && classes[b[p] & 0xff] == TEXT) {
        p++;
      }
      if (p == limit) {
        if (!endOfInput) {
          return MORE;
        }
        kind = END;
        break;
      }
      kind = classes[b[p] & 0xff];
      if (kind == HIGH) {
        ascii = false;
        p++;
      } else if (kind == NUL) {
        throw nul(parseLine);
      } else {
        break;
      }
    }
    cellStart[cell] = from;
    cellEnd[cell] = p;
    if (!ascii) {
      text[cell] = utf8(from, p, parseLine);
    }
    stop = kind;
    return p;
  }

  /**
   * Ends the record at {@code p}, past its line break: where the next record starts, or {@link
   * #MORE} when a CR is the last byte read so far.
   */
  private int endOfRecord(int p, long recordLine) {
    if (stop == CR) {
      if (p + 1 == limit && !endOfInput) {
        return MORE;
      }
      p += p + 1 < limit && buffer[p + 1] == '\n' ? 2 : 1;
      parseLine++;
    } else if (stop == LF) {
      p++;
      parseLine++;
    }
    currentLine = recordLine;
    nextLine = parseLine;
    return p;
  }

  private void addEmptyCell(int at) {
    if (cells == cellStart.length) {
      grow();
    }
    cellStart[cells] = at;
    cellEnd[cells] = at;
    text[cells] = null;
    cells++;
  }

  private void grow() {
    int size = cellStart.length * 2;
    cellStart = Arrays.copyOf(cellStart, size);
    cellEnd = Arrays.copyOf(cellEnd, size);
    text = Arrays.copyOf(text, size);
  }

  /**
   * How many bytes the white space character at {@code p} takes (white space as {@link
   * Character#isWhitespace} has it, which is what commons-csv allows between a closing quote and
   * the next comma), or -1 when the bytes read so far end inside it.
   */
  private int whiteSpaceWidth(int p, long line, int cell) throws FileFailure {
    int first = buffer[p] & 0xff;
    int width = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2;
    if (p + width > limit) {
      if (!endOfInput) {
        return -1;
      }
      width = limit - p;
    }
    if (first == 0) {
      throw nul(line);
    }
    String character = utf8(p, p + width, line);
    if (character.length() != 1 || !Character.isWhitespace(character.charAt(0))) {
      throw new FileFailure(
          "the file is not valid CSV: on line "
              + line
              + ", cell "
              + (cell + 1)
              + " is quoted and "
              + Excerpt.quote(character)
              + " follows its closing quote"
              + QUOTING_HINT);
    }
    return width;
  }

  /** A quoted cell's text, its doubled quotes made single. */
  private String quotedText(int from, int to, long line) throws FileFailure {
    String raw = utf8(from, to, line);
    return raw.indexOf('"') < 0 ? raw : raw.replace("\"\"", "\"");
  }

  private String utf8(int from, int to, long line) throws FileFailure {
    try {
      return strictUtf8.decode(ByteBuffer.wrap(buffer, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      throw new FileFailure(
          "the file is not UTF-8 text (line "
              + line
              + " holds bytes that are not): save it as CSV"
              + " UTF-8 and upload it again",
          e);
    }
  }

  private static FileFailure nul(long line) {
    return new FileFailure(
        "the file holds NUL bytes (the first on line "
            + line
            + "), so it is not a text CSV: "
            + "export it as CSV UTF-8");
  }

  /**
   * Reads more bytes after the unread ones, moving those to the front of the buffer or growing it.
   * False when the record being read would outgrow {@link #MAX_RECORD_BYTES}.
   */
  private boolean fill() throws FileFailure {
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, limit - start);
      limit -= start;
      start = 0;
    }
    if (limit == buffer.length) {
      if (buffer.length >= MAX_RECORD_BYTES) {
        return false;
      }
      buffer = Arrays.copyOf(buffer, Math.min(MAX_RECORD_BYTES, buffer.length * 2));
    }
    try {
      int n;
      do {
        n = in.read(buffer, limit, buffer.length - limit);
        if (n > 0) {
          limit += n;
        }
        // The first read goes on until it can tell whether the file starts with a byte-order mark.
      } while (n == 0 || n > 0 && !byteOrderMarkChecked && limit < 3);
      endOfInput = n < 0;
    } catch (Decompression.Broken e) {
      throw new FileFailure(e.getMessage(), e);
    } catch (IOException e) {
      throw new FileFailure("the file could not be read to its end: " + e.getMessage(), e);
    }
    if (!byteOrderMarkChecked) {
      byteOrderMarkChecked = true;
      if (limit >= 3
          && (buffer[0] & 0xff) == 0xEF
          && (buffer[1] & 0xff) == 0xBB
          && (buffer[2] & 0xff) == 0xBF) {
        // A leading byte-order mark is not part of the first column's name.
        start = 3;
      }
    }
    return true;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // Closing a stream we only read from: nothing is lost.
    }
  }
}
