package dev.csvimport.engine.apply;

import dev.csvimport.engine.operation.RowProblem;

/**
 * A valid row that cannot be applied to the profile as it stands, e.g. an increment of a text
 * attribute.
 */
public final class RowRefused extends Exception {

  private final RowProblem problem;

  public RowRefused(String column, Object value, String message) {
    super(message, null, false, false);
    this.problem = new RowProblem(column, value == null ? null : String.valueOf(value), message);
  }

  public RowProblem problem() {
    return problem;
  }
}
