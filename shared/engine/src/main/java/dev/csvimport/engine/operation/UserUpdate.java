package dev.csvimport.engine.operation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A setUserAttributes row. Only what the row supplies changes; maps keep the file's column order.
 *
 * @param attributes attribute name to new value, or {@link Removal#REMOVE}
 * @param valuesToAdd values added to set-valued attributes
 * @param valuesToRemove values removed from set-valued attributes
 * @param valuesToIncrement integers added to attributes (an unset attribute counts as 0)
 * @param events aggregated event history per event name
 * @param created when the user was created, or null to leave it
 * @param lastActive when the user was last active, or null to leave it
 */
public record UserUpdate(
    String userId,
    Map<String, Object> attributes,
    Map<String, List<Object>> valuesToAdd,
    Map<String, List<Object>> valuesToRemove,
    Map<String, Long> valuesToIncrement,
    Map<String, EventHistory> events,
    Instant created,
    Instant lastActive)
    implements Operation {

  @Override
  public Action action() {
    return Action.SET_USER_ATTRIBUTES;
  }

  /** Tells {@code sink} what this update sets, as a row's checking would have told it. */
  public void tellTo(UserUpdateSink sink) {
    sink.beginUserUpdate(userId);
    attributes.forEach(sink::attribute);
    valuesToAdd.forEach(sink::valuesToAdd);
    valuesToRemove.forEach(sink::valuesToRemove);
    valuesToIncrement.forEach(sink::increment);
    events.forEach(
        (event, history) ->
            history.setFields().forEach((field, value) -> sink.eventField(event, field, value)));
    if (created != null) {
      sink.created(created);
    }
    if (lastActive != null) {
      sink.lastActive(lastActive);
    }
  }
}
