package dev.csvimport.engine.operation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code events.<Event>.*} columns of one setUserAttributes row for one event: each field null
 * when not given. {@code count} and {@code value} replace; {@code countIncrement} and {@code
 * valueIncrement} add.
 */
public record EventHistory(
    Long count,
    Long countIncrement,
    Double value,
    Double valueIncrement,
    Instant firstTime,
    Instant lastTime) {

  /** The field names, as the CSV header and the chunk format spell them. */
  public static final List<String> FIELDS =
      List.of("count", "countIncrement", "value", "valueIncrement", "firstTime", "lastTime");

  public static final EventHistory EMPTY = new EventHistory(null, null, null, null, null, null);

  /**
   * {@code histories} by event name (made when null) with one field of one event's history set:
   * several columns of a row fill one event's history.
   */
  public static Fields<EventHistory> withField(
      Fields<EventHistory> histories, String event, String field, Object fieldValue) {
    Fields<EventHistory> all = histories == null ? new Fields<>() : histories;
    EventHistory history = all.get(event);
    all.put(event, (history == null ? EMPTY : history).with(field, fieldValue));
    return all;
  }

  /**
   * This history with one field set: a Long for the counts, a Double for the values, an Instant for
   * the times.
   */
  public EventHistory with(String field, Object fieldValue) {
    switch (field) {
      case "count":
        return new EventHistory(
            (Long) fieldValue, countIncrement, value, valueIncrement, firstTime, lastTime);
      case "countIncrement":
        return new EventHistory(
            count, (Long) fieldValue, value, valueIncrement, firstTime, lastTime);
      case "value":
        return new EventHistory(
            count, countIncrement, (Double) fieldValue, valueIncrement, firstTime, lastTime);
      case "valueIncrement":
        return new EventHistory(
            count, countIncrement, value, (Double) fieldValue, firstTime, lastTime);
      case "firstTime":
        return new EventHistory(
            count, countIncrement, value, valueIncrement, (Instant) fieldValue, lastTime);
      case "lastTime":
        return new EventHistory(
            count, countIncrement, value, valueIncrement, firstTime, (Instant) fieldValue);
      default:
        throw new IllegalArgumentException("not an event history field: " + field);
    }
  }

  /** The fields that are set, by name, in {@link #FIELDS} order. */
  public Map<String, Object> setFields() {
    Object[] values = {count, countIncrement, value, valueIncrement, firstTime, lastTime};
    Map<String, Object> set = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        set.put(FIELDS.get(i), values[i]);
      }
    }
    return set;
  }
}
