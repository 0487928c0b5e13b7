package dev.csvimport.engine.operation;

/**
 * Why a row failed, or what a person should know about a row that succeeded.
 *
 * @param column the header of the column at fault, or null when the row as a whole is at fault
 * @param value the offending cell (shortened when long), or null
 * @param message what is wrong and, where it helps, what to do about it
 */
public record RowProblem(String column, String value, String message) {

  private static final int MAX_VALUE_CHARS = 200;

  public RowProblem {
    if (value != null && value.length() > MAX_VALUE_CHARS) {
      value = value.substring(0, MAX_VALUE_CHARS) + "…";
    }
  }

  public static RowProblem ofRow(String message) {
    return new RowProblem(null, null, message);
  }
}
