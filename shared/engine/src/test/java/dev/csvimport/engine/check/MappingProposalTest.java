package dev.csvimport.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.read.FileFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MappingProposalTest {

  private static Map<String, String> proposed(Action action, String... header) {
    return MappingProposal.of(List.of(header), action).headers();
  }

  @Test
  void anExportsHeadersAreReadAsTheKnownNamesTheySpellOtherwise() {
    assertEquals(
        Map.of("customer_id", "userId", "E-mail", "email", "Phone Number", "phone"),
        proposed(Action.SET_USER_ATTRIBUTES, "customer_id", "E-mail", "Phone Number", "Plan"));
    assertEquals(
        Map.of("User ID", "userId", "Event Name", "event", "timestamp", "time"),
        proposed(Action.TRACK, "User ID", "Event Name", "timestamp", "params.sku"));
    assertEquals(
        Map.of("Device_ID", "deviceId", "app version", "appVersion", "APNS token", "iosPushToken"),
        proposed(Action.SET_DEVICE_ATTRIBUTES, "Device_ID", "app version", "APNS token"));
  }

  @Test
  void theMostTellingNameBecomesTheUserKeyAndOnlyWhenTheFileHasNone() {
    assertEquals(Map.of("user_id", "userId"), proposed(null, "id", "user_id", "customer"));
    assertEquals(Map.of("Identity", "userId"), proposed(null, "Identity", "id"));
    assertEquals(Map.of(), proposed(Action.SET_USER_ATTRIBUTES, "identity", "customer_id"));
  }

  @Test
  void fieldsAreProposedOnlyWhereTheFilesRowsCanHaveThem() {
    assertEquals(
        Map.of(), proposed(Action.SET_USER_ATTRIBUTES, "userId", "Event Name", "device id"));
    assertEquals(Map.of(), proposed(Action.TRACK, "userId", "Created At"));
    assertEquals(
        Map.of("Event Name", "event", "device id", "deviceId", "Created At", "created"),
        proposed(Action.TRACK, "action", "userId", "Event Name", "device id", "Created At"));
  }

  @Test
  void nothingIsProposedThatTheFileAlreadySaysOrThatWouldSetOneThingTwice() {
    assertEquals(Map.of(), proposed(Action.SET_USER_ATTRIBUTES, "userId", "email", "E-mail"));
    assertEquals(
        Map.of("Email", "email"), proposed(Action.SET_USER_ATTRIBUTES, "userId", "Email", "MAIL"));
    assertEquals(
        Map.of(),
        proposed(Action.SET_USER_ATTRIBUTES, "userId", "E-mail<string>", "#note", "params.x"));
  }

  private static final List<String> VOCABULARY =
      List.of(
          "userId",
          "user_id",
          "Customer ID",
          "identity",
          "id",
          "email",
          "E-mail",
          "EMAIL",
          "e_mail",
          "Phone",
          "mobile",
          "Plan",
          "Age<int>",
          "event",
          "Event Name",
          "time",
          "timestamp",
          "value",
          "currency",
          "deviceId",
          "device-id",
          "locale",
          "Locale",
          "created",
          "Created At",
          "last seen",
          "action",
          "#note",
          "params.sku",
          "Info");

  /**
   * For headers drawn from names that collide in every way: the proposal maps each column at most
   * once, to a target no other column has, adds a user key only where there is none, and never
   * turns a header the engine reads into one it refuses.
   */
  @Test
  void aProposalNeverSetsOneThingTwiceNorBreaksAHeaderThatWorks() throws FileFailure {
    Random random = new Random(27);
    List<Action> actions = new ArrayList<>(List.of(Action.values()));
    actions.add(null);
    for (int n = 0; n < 5000; n++) {
      Set<String> drawn = new LinkedHashSet<>();
      int size = 1 + random.nextInt(8);
      while (drawn.size() < size) {
        drawn.add(VOCABULARY.get(random.nextInt(VOCABULARY.size())));
      }
      List<String> header = List.copyOf(drawn);
      Action action = actions.get(random.nextInt(actions.size()));
      ColumnMapping proposal = MappingProposal.of(header, action);
      List<String> mapped = proposal.apply(header);
      assertEquals(mapped.size(), new HashSet<>(mapped).size(), header + " became " + mapped);
      long keys = header.stream().filter(HeaderParser.USER_KEYS::contains).count();
      assertEquals(
          Math.max(keys, proposal.headers().containsValue("userId") ? 1 : 0),
          mapped.stream().filter(HeaderParser.USER_KEYS::contains).count(),
          header + " became " + mapped + ": a user key is proposed only where the file has none");
      boolean worked;
      try {
        HeaderParser.parse(header, action);
        worked = true;
      } catch (FileFailure e) {
        worked = false;
      }
      if (worked) {
        HeaderParser.parse(mapped, action);
      }
    }
  }
}
