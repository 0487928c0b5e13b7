package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Fields;
import dev.csvimport.engine.operation.UserUpdate;
import dev.csvimport.engine.operation.UserUpdateSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Makes the {@link UserUpdate} of what a row sets; its maps are made only for what the row has,
 * sized by the header.
 */
final class UserUpdateBuilder implements UserUpdateSink {

  private final Header header;
  private String userId;
  private Fields<Object> attributes;
  private Fields<List<Object>> toAdd;
  private Fields<List<Object>> toRemove;
  private Fields<Long> toIncrement;
  private Fields<EventHistory> events;
  private Instant created;
  private Instant lastActive;

  UserUpdateBuilder(Header header) {
    this.header = header;
  }

  @Override
  public void beginUserUpdate(String userId) {
    this.userId = userId;
    attributes = null;
    toAdd = null;
    toRemove = null;
    toIncrement = null;
    events = null;
    created = null;
    lastActive = null;
  }

  @Override
  public void attribute(String name, Object value) {
    attributes = with(attributes, ColumnRole.USER_ATTRIBUTE, name, value);
  }

  @Override
  public void valuesToAdd(String name, List<Object> values) {
    toAdd = with(toAdd, ColumnRole.VALUES_TO_ADD, name, values);
  }

  @Override
  public void valuesToRemove(String name, List<Object> values) {
    toRemove = with(toRemove, ColumnRole.VALUES_TO_REMOVE, name, values);
  }

  @Override
  public void increment(String name, Long by) {
    toIncrement = with(toIncrement, ColumnRole.VALUES_TO_INCREMENT, name, by);
  }

  @Override
  public void eventField(String event, String field, Object value) {
    events = EventHistory.withField(events, event, field, value);
  }

  @Override
  public void created(Instant time) {
    created = time;
  }

  @Override
  public void lastActive(Instant time) {
    lastActive = time;
  }

  UserUpdate build() {
    return new UserUpdate(
        userId,
        orEmpty(attributes),
        orEmpty(toAdd),
        orEmpty(toRemove),
        orEmpty(toIncrement),
        orEmpty(events),
        created,
        lastActive);
  }

  /**
   * {@code fields} with the entry added, made when it is null. The header names each thing a row
   * sets once (two columns setting the same attribute or value list are refused), so the name is
   * new to the map.
   */
  private <V> Fields<V> with(Fields<V> fields, ColumnRole role, String name, V value) {
    return (fields == null ? new Fields<V>(header.count(role)) : fields).append(name, value);
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
  }
}
