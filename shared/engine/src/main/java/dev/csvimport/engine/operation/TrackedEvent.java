package dev.csvimport.engine.operation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A track row: one occurrence of an event.
 *
 * @param time when it happened (the import time when the file gave none, or when it was older than
 *     a year)
 * @param value the event's value, or null
 * @param currencyCode ISO 4217 code in upper case, or null
 * @param info free text, or null
 * @param params parameter name to value, in column order
 */
public record TrackedEvent(
    String userId,
    String event,
    Instant time,
    Double value,
    String currencyCode,
    String info,
    Map<String, Object> params)
    implements Operation {

  @Override
  public Action action() {
    return Action.TRACK;
  }

  /**
   * Tells {@code sink} what this event records, as a row's checking would have told it (without
   * warnings).
   */
  public void tellTo(TrackedEventSink sink) {
    sink.beginTrackedEvent(userId);
    params.forEach(sink::param);
    sink.event(event, time, value, currencyCode, info, List.of());
  }
}
