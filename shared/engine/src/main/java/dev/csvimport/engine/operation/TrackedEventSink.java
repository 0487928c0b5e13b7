package dev.csvimport.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * What a track row records, told as the row is checked: made into a {@link TrackedEvent}, or
 * written straight into a chunk without one (the import's hot path).
 */
public interface TrackedEventSink {

  /** A track row about this user begins; anything told before is forgotten. */
  void beginTrackedEvent(String userId);

  /** A parameter, in column order; each name once. */
  void param(String name, Object value);

  /**
   * The event, once every column is read and the row has passed.
   *
   * @param warnings what the row's checking noticed but did not refuse; empty when nothing (kept
   *     only until the next row begins)
   */
  void event(
      String event,
      Instant time,
      Double value,
      String currencyCode,
      String info,
      List<RowProblem> warnings);
}
