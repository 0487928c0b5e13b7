package dev.csvimport.engine.apply;

import java.time.Instant;

/**
 * A user's aggregated history of one event, as Leanplum's exportUser shows it; null fields are
 * unknown.
 *
 * @param count how many times it happened
 * @param value the sum of its values
 */
public record EventTotals(Long count, Double value, Instant firstTime, Instant lastTime) {

  public static final EventTotals NONE = new EventTotals(null, null, null, null);

  /** These totals with one more occurrence at {@code time} worth {@code value} (null: none). */
  public EventTotals plusOccurrence(Instant time, Double occurrenceValue) {
    Double total = value;
    if (occurrenceValue != null) {
      total = (value == null ? 0.0 : value.doubleValue()) + occurrenceValue;
    }
    return new EventTotals(
        (count == null ? 0 : count) + 1,
        total,
        firstTime == null || time.isBefore(firstTime) ? time : firstTime,
        lastTime == null || time.isAfter(lastTime) ? time : lastTime);
  }
}
