package dev.csvimport.engine.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileChangesTest {

  private static UserUpdate attributes(Map<String, Object> attributes) {
    return new UserUpdate("u", attributes, Map.of(), Map.of(), Map.of(), Map.of(), null, null);
  }

  private static UserUpdate sets(Map<String, List<Object>> add, Map<String, List<Object>> remove) {
    return new UserUpdate("u", Map.of(), add, remove, Map.of(), Map.of(), null, null);
  }

  private static UserUpdate increment(String name, long by) {
    return new UserUpdate(
        "u", Map.of(), Map.of(), Map.of(), Map.of(name, by), Map.of(), null, null);
  }

  @Test
  void onlySuppliedAttributesChangeAndNullRemoves() throws RowRefused {
    Profile profile = Profile.empty("u");
    ProfileChanges.apply(profile, attributes(Map.of("a", "1", "b", 2L)));
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("a", Removal.REMOVE);
    change.put("c", true);
    ProfileChanges.apply(profile, attributes(change));
    assertEquals(Map.of("b", 2L, "c", true), profile.attributes());
  }

  @Test
  void setValuedAttributesAddWithoutDuplicatesAndRemove() throws RowRefused {
    Profile profile = Profile.empty("u");
    ProfileChanges.apply(profile, sets(Map.of("tags", List.of("a", "b")), Map.of()));
    ProfileChanges.apply(profile, sets(Map.of("tags", List.of("b", "c")), Map.of()));
    ProfileChanges.apply(profile, sets(Map.of(), Map.of("tags", List.of("a", "zzz"))));
    assertEquals(List.of("b", "c"), profile.attributes().get("tags"));
    ProfileChanges.apply(profile, attributes(Map.of("single", "x")));
    ProfileChanges.apply(profile, sets(Map.of("single", List.of("y")), Map.of()));
    assertEquals(
        List.of("x", "y"),
        profile.attributes().get("single"),
        "a single value counts as a set of one");
  }

  @Test
  void incrementsStartAtZeroAndRefuseText() throws RowRefused {
    Profile profile = Profile.empty("u");
    ProfileChanges.apply(profile, increment("n", 3));
    ProfileChanges.apply(profile, increment("n", -1));
    assertEquals(2L, profile.attributes().get("n"));
    ProfileChanges.apply(profile, attributes(Map.of("score", 1.5)));
    ProfileChanges.apply(profile, increment("score", 1));
    assertEquals(2.5, profile.attributes().get("score"));
    ProfileChanges.apply(profile, attributes(Map.of("text", "abc")));
    RowRefused refused =
        assertThrows(RowRefused.class, () -> ProfileChanges.apply(profile, increment("text", 1)));
    assertEquals("userAttributeValuesToIncrement.text", refused.problem().column());
    ProfileChanges.apply(profile, attributes(Map.of("big", Long.MAX_VALUE)));
    assertThrows(RowRefused.class, () -> ProfileChanges.apply(profile, increment("big", 1)));
  }

  @Test
  void trackedEventsKeepExactTotals() throws RowRefused {
    Profile profile = Profile.empty("u");
    ProfileChanges.apply(
        profile,
        new TrackedEvent("u", "Buy", Instant.ofEpochSecond(200), 2.5, "USD", null, Map.of()));
    ProfileChanges.apply(
        profile,
        new TrackedEvent("u", "Buy", Instant.ofEpochSecond(100), null, null, null, Map.of()));
    ProfileChanges.apply(
        profile,
        new TrackedEvent("u", "Buy", Instant.ofEpochSecond(300), 1.0, null, null, Map.of()));
    assertEquals(
        new EventTotals(3L, 3.5, Instant.ofEpochSecond(100), Instant.ofEpochSecond(300)),
        profile.events().get("Buy"));
    ProfileChanges.apply(
        profile,
        new TrackedEvent("u", "Open", Instant.ofEpochSecond(5), null, null, null, Map.of()));
    assertNull(profile.events().get("Open").value());
  }

  @Test
  void eventHistorySetsOrAddsEachField() throws RowRefused {
    Profile profile = Profile.empty("u");
    UserUpdate history =
        new UserUpdate(
            "u",
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(
                "Buy",
                EventHistory.EMPTY
                    .with("count", 5L)
                    .with("value", 10.0)
                    .with("firstTime", Instant.ofEpochSecond(1))),
            Instant.ofEpochSecond(7),
            null);
    ProfileChanges.apply(profile, history);
    ProfileChanges.apply(
        profile,
        new UserUpdate(
            "u",
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(
                "Buy",
                EventHistory.EMPTY
                    .with("countIncrement", 2L)
                    .with("valueIncrement", 0.5)
                    .with("lastTime", Instant.ofEpochSecond(9))),
            null,
            Instant.ofEpochSecond(8)));
    assertEquals(
        new EventTotals(7L, 10.5, Instant.ofEpochSecond(1), Instant.ofEpochSecond(9)),
        profile.events().get("Buy"));
    assertEquals(Instant.ofEpochSecond(7), profile.created());
    assertEquals(Instant.ofEpochSecond(8), profile.lastActive());
  }

  @Test
  void aDeviceRowLeavesTheProfileAsItIsAndACopyIsIndependent() throws RowRefused {
    Profile profile = Profile.empty("u");
    ProfileChanges.apply(profile, attributes(Map.of("a", "1")));
    Profile copy = profile.copy();
    ProfileChanges.apply(copy, new DeviceUpdate("u", "d1", Map.of("locale", "en")));
    assertEquals(profile, copy);
    ProfileChanges.apply(copy, attributes(Map.of("a", "2")));
    assertEquals("1", profile.attributes().get("a"));
    assertFalse(profile.equals(copy));
  }
}
