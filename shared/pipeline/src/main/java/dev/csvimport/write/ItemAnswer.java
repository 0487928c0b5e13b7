package dev.csvimport.write;

import dev.csvimport.engine.operation.RowProblem;

/**
 * What became of one item of a write call, as Leanplum answers it: a success, a success with a
 * warning, or a failure.
 *
 * @param warning what a person should know about an item that succeeded, or null
 * @param error why the item failed, or null when it succeeded
 */
public record ItemAnswer(boolean success, String warning, String error) {

  public static final ItemAnswer SUCCESS = new ItemAnswer(true, null, null);

  /** Leanplum's warning when the user a call names does not exist and nothing was done. */
  public static final String USER_NOT_FOUND = "User not found; request skipped.";

  public static ItemAnswer warning(RowProblem problem) {
    return new ItemAnswer(true, text(problem), null);
  }

  public static ItemAnswer failure(RowProblem problem) {
    return new ItemAnswer(false, null, text(problem));
  }

  /** The problem as one message that names the field, when it has one. */
  private static String text(RowProblem problem) {
    return problem.column() == null
        ? problem.message()
        : problem.column() + ": " + problem.message();
  }
}
