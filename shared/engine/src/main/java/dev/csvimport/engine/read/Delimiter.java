package dev.csvimport.engine.read;

import java.util.Locale;
import java.util.Optional;

/**
 * What separates a file's cells: a comma, or what spreadsheets write where the comma is the decimal
 * sign (a semicolon), or a tab or a pipe. Given by the import, or told from the header line.
 */
public enum Delimiter {
  COMMA(',', "comma"),
  SEMICOLON(';', "semicolon"),
  TAB('\t', "tab"),
  PIPE('|', "pipe");

  private final byte symbol;
  private final String word;

  Delimiter(char symbol, String word) {
    this.symbol = (byte) symbol;
    this.word = word;
  }

  byte symbol() {
    return symbol;
  }

  /** The character itself. */
  public char character() {
    return (char) symbol;
  }

  /** How a person names it: the character itself, or its word. */
  public String shown() {
    return this == TAB ? "tab" : "'" + (char) symbol + "' (" + word + ")";
  }

  /** The word a {@code delimiter} parameter names it by: comma, semicolon, tab or pipe. */
  public String word() {
    return word;
  }

  /** The delimiter a parameter names: its character ({@code , ; |} or a tab) or its word. */
  public static Optional<Delimiter> named(String name) {
    for (Delimiter delimiter : values()) {
      if (name.equals(String.valueOf((char) delimiter.symbol))
          || name.toLowerCase(Locale.ROOT).equals(delimiter.word)) {
        return Optional.of(delimiter);
      }
    }
    return Optional.empty();
  }

  /** "comma, semicolon, tab, pipe" for messages. */
  public static String names() {
    StringBuilder names = new StringBuilder();
    for (Delimiter delimiter : values()) {
      names.append(names.length() == 0 ? "" : ", ").append(delimiter.word);
    }
    return names.toString();
  }

  /**
   * The delimiter of a header line (its bytes from {@code from} to {@code to}, without its line
   * break): the candidate found most often outside quotes; a comma when there is none (a file of
   * one column).
   *
   * @throws FileFailure when two candidates are found equally often
   */
  static Delimiter ofHeader(byte[] bytes, int from, int to) throws FileFailure {
    int[] counts = new int[values().length];
    boolean quoted = false;
    for (int p = from; p < to; p++) {
      byte b = bytes[p];
      if (b == '"') {
        quoted = !quoted;
      } else if (!quoted) {
        for (Delimiter delimiter : values()) {
          if (b == delimiter.symbol) {
            counts[delimiter.ordinal()]++;
          }
        }
      }
    }
    Delimiter best = COMMA;
    Delimiter tied = null;
    for (Delimiter delimiter : values()) {
      int count = counts[delimiter.ordinal()];
      if (count > counts[best.ordinal()]) {
        best = delimiter;
        tied = null;
      } else if (delimiter != best && count > 0 && count == counts[best.ordinal()]) {
        tied = delimiter;
      }
    }
    if (tied != null) {
      throw new FileFailure(
          "the header line holds "
              + counts[best.ordinal()]
              + " of each of "
              + best.shown()
              + " and "
              + tied.shown()
              + ", so which one separates the columns cannot be told: import the file with the"
              + " delimiter parameter ("
              + names()
              + ")");
    }
    return best;
  }
}
