package dev.csvimport.engine.apply;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's profile as rows change it: attributes (values as in {@link
 * dev.csvimport.engine.operation.Operation}), event totals, and the created and last-active times.
 * Mutable; {@link #copy()} before a change that may be refused.
 */
public final class Profile {

  private final String userId;
  private final Map<String, Object> attributes;
  private final Map<String, EventTotals> events;
  private Instant created;
  private Instant lastActive;

  public Profile(
      String userId,
      Map<String, Object> attributes,
      Map<String, EventTotals> events,
      Instant created,
      Instant lastActive) {
    this.userId = userId;
    this.attributes = new LinkedHashMap<>(attributes);
    this.events = new LinkedHashMap<>(events);
    this.created = created;
    this.lastActive = lastActive;
  }

  public static Profile empty(String userId) {
    return new Profile(userId, Map.of(), Map.of(), null, null);
  }

  public Profile copy() {
    return new Profile(userId, attributes, events, created, lastActive);
  }

  public String userId() {
    return userId;
  }

  /** Attribute name to value; changed in place by {@link ProfileChanges}. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** Event name to totals; changed in place by {@link ProfileChanges}. */
  public Map<String, EventTotals> events() {
    return events;
  }

  public Instant created() {
    return created;
  }

  public Instant lastActive() {
    return lastActive;
  }

  void setCreated(Instant created) {
    this.created = created;
  }

  void setLastActive(Instant lastActive) {
    this.lastActive = lastActive;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Profile p
        && userId.equals(p.userId)
        && attributes.equals(p.attributes)
        && events.equals(p.events)
        && java.util.Objects.equals(created, p.created)
        && java.util.Objects.equals(lastActive, p.lastActive);
  }

  @Override
  public int hashCode() {
    return userId.hashCode();
  }

  @Override
  public String toString() {
    return "Profile["
        + userId
        + ", "
        + attributes
        + ", "
        + events
        + ", "
        + created
        + ", "
        + lastActive
        + "]";
  }
}
