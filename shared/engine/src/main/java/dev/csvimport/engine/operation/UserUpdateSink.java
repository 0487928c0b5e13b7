package dev.csvimport.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * What a setUserAttributes row sets, told as the row is checked, column by column: made into a
 * {@link UserUpdate}, or written straight into a chunk without one (the import's hot path). Names
 * are the columns' own strings, each told once per row except an event's, which several columns
 * fill.
 */
public interface UserUpdateSink {

  /** A row about this user begins; anything told before is forgotten. */
  void beginUserUpdate(String userId);

  /** An attribute's new value, or {@link Removal#REMOVE}. */
  void attribute(String name, Object value);

  void valuesToAdd(String name, List<Object> values);

  void valuesToRemove(String name, List<Object> values);

  void increment(String name, Long by);

  /**
   * One field of an event's history ({@link EventHistory#FIELDS}), with its value as {@link
   * EventHistory#with} takes it.
   */
  void eventField(String event, String field, Object value);

  void created(Instant time);

  void lastActive(Instant time);
}
