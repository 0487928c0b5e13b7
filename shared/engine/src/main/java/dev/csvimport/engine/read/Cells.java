package dev.csvimport.engine.read;

/** A row's cells, by column index from 0. */
@FunctionalInterface
public interface Cells {

  /** The cell's text. */
  String cell(int index);

  /**
   * The cell's characters, for a value read out of them at once: a reader may lend a view of its
   * buffer instead of making a String, valid only until its next call of this method or its next
   * row.
   */
  default CharSequence chars(int index) {
    return cell(index);
  }
}
