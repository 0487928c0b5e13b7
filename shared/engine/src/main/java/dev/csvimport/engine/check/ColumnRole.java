package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.Action;

/**
 * What a column means, and the one action whose rows it belongs to (null: rows of every action).
 */
public enum ColumnRole {
  ACTION(null),
  USER_KEY(null),
  DEVICE_ID(Action.SET_DEVICE_ATTRIBUTES),
  USER_ATTRIBUTE(Action.SET_USER_ATTRIBUTES),
  VALUES_TO_ADD(Action.SET_USER_ATTRIBUTES),
  VALUES_TO_REMOVE(Action.SET_USER_ATTRIBUTES),
  VALUES_TO_INCREMENT(Action.SET_USER_ATTRIBUTES),
  EVENT_HISTORY(Action.SET_USER_ATTRIBUTES),
  CREATED(Action.SET_USER_ATTRIBUTES),
  LAST_ACTIVE(Action.SET_USER_ATTRIBUTES),
  EVENT(Action.TRACK),
  TIME(Action.TRACK),
  VALUE(Action.TRACK),
  CURRENCY_CODE(Action.TRACK),
  INFO(Action.TRACK),
  PARAM(Action.TRACK),
  DEVICE_ATTRIBUTE(Action.SET_DEVICE_ATTRIBUTES),
  /** A note for people, not data: its header starts with {@code #}; no row reads it. */
  NOTE(null);

  private final Action action;

  ColumnRole(Action action) {
    this.action = action;
  }

  /** The action whose rows this column belongs to, or null for every action. */
  public Action action() {
    return action;
  }

  public boolean appliesTo(Action rowAction) {
    return action == null || action == rowAction;
  }

  /** Whether the header may declare this column's type; the other roles have a fixed type. */
  public boolean typeable() {
    return this == USER_ATTRIBUTE
        || this == VALUES_TO_ADD
        || this == VALUES_TO_REMOVE
        || this == PARAM;
  }
}
