package dev.csvimport.engine.operation;

import dev.csvimport.engine.read.Excerpt;
import java.util.List;

/**
 * What became of one data row: an operation to apply, or a failure. Never both, never neither.
 *
 * @param row the row's position among data rows, first data row = 1
 * @param line the line of the file where the row starts, header = line 1
 * @param userId the user the row is about, or null when the row has none
 * @param operation what to apply, or null when the row failed
 * @param failure why the row failed, or null when it succeeded
 * @param warnings what a person should know about a row that succeeded
 */
public record RowResult(
    long row,
    long line,
    String userId,
    Operation operation,
    RowProblem failure,
    List<RowProblem> warnings) {

  public RowResult {
    if ((operation == null) == (failure == null)) {
      throw new IllegalArgumentException("a row has exactly one of operation and failure");
    }
    warnings = warnings.isEmpty() ? List.of() : List.copyOf(warnings);
    if (failure != null) {
      // A failed row's user id is only shown to people: a 10 MB id must not make its result too
      // large to keep.
      userId = Excerpt.of(userId);
    }
  }

  public static RowResult success(
      long row, long line, Operation operation, List<RowProblem> warnings) {
    return new RowResult(row, line, operation.userId(), operation, null, warnings);
  }

  public static RowResult failure(long row, long line, String userId, RowProblem failure) {
    return new RowResult(row, line, userId, null, failure, List.of());
  }

  public boolean succeeded() {
    return operation != null;
  }
}
