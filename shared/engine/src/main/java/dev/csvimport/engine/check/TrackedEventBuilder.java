package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.Fields;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.TrackedEventSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Makes the {@link TrackedEvent} of what a row records; its parameters' map is sized by the header.
 */
final class TrackedEventBuilder implements TrackedEventSink {

  private final Header header;
  private String userId;
  private Fields<Object> params;
  private TrackedEvent event;

  TrackedEventBuilder(Header header) {
    this.header = header;
  }

  @Override
  public void beginTrackedEvent(String userId) {
    this.userId = userId;
    params = null;
    event = null;
  }

  @Override
  public void param(String name, Object value) {
    // The header names each parameter once, so the name is new to the map.
    params =
        (params == null ? new Fields<>(header.count(ColumnRole.PARAM)) : params)
            .append(name, value);
  }

  @Override
  public void event(
      String name,
      Instant time,
      Double value,
      String currencyCode,
      String info,
      List<RowProblem> warnings) {
    Map<String, Object> madeParams = params == null ? Map.of() : params;
    event = new TrackedEvent(userId, name, time, value, currencyCode, info, madeParams);
  }

  TrackedEvent build() {
    return event;
  }
}
