package dev.csvimport.engine.operation;

import dev.csvimport.engine.read.Excerpt;

/**
 * Why a row failed, or what a person should know about a row that succeeded.
 *
 * @param column the header of the column at fault (shortened when long), or null when the row as a
 *     whole is at fault
 * @param value the offending cell (shortened when long), or null
 * @param message what is wrong and, where it helps, what to do about it
 */
public record RowProblem(String column, String value, String message) {

  /** Messages quote their values as excerpts; this bounds a message whatever it quotes. */
  private static final int MAX_MESSAGE_CHARS = 2000;

  public RowProblem {
    column = Excerpt.of(column);
    value = Excerpt.of(value);
    message = Excerpt.of(message, MAX_MESSAGE_CHARS);
  }

  public static RowProblem ofRow(String message) {
    return new RowProblem(null, null, message);
  }
}
