package dev.csvimport.engine.operation;

import java.time.Instant;

/**
 * The {@code events.<Event>.*} columns of one setUserAttributes row for one event: each field null when not given.
 * {@code count} and {@code value} replace; {@code countIncrement} and {@code valueIncrement} add.
 */
public record EventHistory(
    Long count, Long countIncrement, Double value, Double valueIncrement, Instant firstTime, Instant lastTime) {

  public static final EventHistory EMPTY = new EventHistory(null, null, null, null, null, null);

  public EventHistory withCount(Long v) {
    return new EventHistory(v, countIncrement, value, valueIncrement, firstTime, lastTime);
  }

  public EventHistory withCountIncrement(Long v) {
    return new EventHistory(count, v, value, valueIncrement, firstTime, lastTime);
  }

  public EventHistory withValue(Double v) {
    return new EventHistory(count, countIncrement, v, valueIncrement, firstTime, lastTime);
  }

  public EventHistory withValueIncrement(Double v) {
    return new EventHistory(count, countIncrement, value, v, firstTime, lastTime);
  }

  public EventHistory withFirstTime(Instant v) {
    return new EventHistory(count, countIncrement, value, valueIncrement, v, lastTime);
  }

  public EventHistory withLastTime(Instant v) {
    return new EventHistory(count, countIncrement, value, valueIncrement, firstTime, v);
  }
}
