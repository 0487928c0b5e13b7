package dev.csvimport.engine.check;

/** A cell that does not hold what its column needs; the message completes "column X: ...". */
final class CellError extends Exception {

  CellError(String message) {
    super(message, null, false, false);
  }
}
