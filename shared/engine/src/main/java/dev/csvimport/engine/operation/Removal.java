package dev.csvimport.engine.operation;

/** The value of an attribute whose cell held the literal {@code null}: the attribute is removed. */
public enum Removal {
  REMOVE
}
