package dev.csvimport.engine.apply;

import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Operation;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import dev.csvimport.engine.read.Excerpt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an operation does to a profile, by Leanplum's rules. Pure: the same profile and row give the
 * same result.
 */
public final class ProfileChanges {

  private ProfileChanges() {}

  /**
   * Changes {@code profile} as {@code operation} asks.
   *
   * @throws RowRefused when the row cannot apply to the profile as it stands; the profile may then
   *     be half changed, so callers apply to a {@link Profile#copy()}
   */
  public static void apply(Profile profile, Operation operation) throws RowRefused {
    if (operation instanceof UserUpdate user) {
      applyUserUpdate(profile, user);
    } else if (operation instanceof TrackedEvent track) {
      profile
          .events()
          .merge(
              track.event(),
              EventTotals.NONE.plusOccurrence(track.time(), track.value()),
              (totals, ignored) -> totals.plusOccurrence(track.time(), track.value()));
    } else if (!(operation instanceof DeviceUpdate)) {
      throw new IllegalArgumentException("unknown operation " + operation);
    }
    // A device row only makes sure the user exists; the device itself is its own document.
  }

  private static void applyUserUpdate(Profile profile, UserUpdate user) throws RowRefused {
    Map<String, Object> attributes = profile.attributes();
    for (Map.Entry<String, Object> attribute : user.attributes().entrySet()) {
      if (attribute.getValue() == Removal.REMOVE) {
        attributes.remove(attribute.getKey());
      } else {
        attributes.put(attribute.getKey(), attribute.getValue());
      }
    }
    for (Map.Entry<String, List<Object>> added : user.valuesToAdd().entrySet()) {
      List<Object> values = asSet(attributes.get(added.getKey()));
      added.getValue().stream().filter(v -> !values.contains(v)).forEach(values::add);
      attributes.put(added.getKey(), values);
    }
    for (Map.Entry<String, List<Object>> removed : user.valuesToRemove().entrySet()) {
      List<Object> values = asSet(attributes.get(removed.getKey()));
      values.removeAll(removed.getValue());
      attributes.put(removed.getKey(), values);
    }
    for (Map.Entry<String, Long> increment : user.valuesToIncrement().entrySet()) {
      Object current = attributes.get(increment.getKey());
      if (current == null) {
        attributes.put(increment.getKey(), increment.getValue());
      } else if (current instanceof Long whole) {
        try {
          attributes.put(increment.getKey(), Math.addExact(whole, increment.getValue()));
        } catch (ArithmeticException overflow) {
          throw new RowRefused(
              "userAttributeValuesToIncrement." + increment.getKey(),
              increment.getValue(),
              "attribute " + increment.getKey() + " would pass the largest 64-bit whole number");
        }
      } else if (current instanceof Double decimal) {
        attributes.put(increment.getKey(), decimal + increment.getValue());
      } else {
        throw new RowRefused(
            "userAttributeValuesToIncrement." + increment.getKey(),
            increment.getValue(),
            "attribute "
                + increment.getKey()
                + " holds "
                + Excerpt.quote(current)
                + ", which is not a number, so it cannot be"
                + " incremented");
      }
    }
    for (Map.Entry<String, EventHistory> event : user.events().entrySet()) {
      profile
          .events()
          .put(
              event.getKey(),
              withHistory(
                  profile.events().getOrDefault(event.getKey(), EventTotals.NONE),
                  event.getValue()));
    }
    if (user.created() != null) {
      profile.setCreated(user.created());
    }
    if (user.lastActive() != null) {
      profile.setLastActive(user.lastActive());
    }
  }

  /** A set-valued attribute's values; a single value counts as a set of one. */
  private static List<Object> asSet(Object current) {
    if (current == null) {
      return new ArrayList<>();
    }
    if (current instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    List<Object> single = new ArrayList<>();
    single.add(current);
    return single;
  }

  private static EventTotals withHistory(EventTotals totals, EventHistory history) {
    Long count = history.count() != null ? history.count() : totals.count();
    if (history.countIncrement() != null) {
      count = (count == null ? 0 : count) + history.countIncrement();
    }
    Double value = history.value() != null ? history.value() : totals.value();
    if (history.valueIncrement() != null) {
      value = (value == null ? 0 : value) + history.valueIncrement();
    }
    return new EventTotals(
        count,
        value,
        history.firstTime() != null ? history.firstTime() : totals.firstTime(),
        history.lastTime() != null ? history.lastTime() : totals.lastTime());
  }
}
