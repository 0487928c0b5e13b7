package dev.csvimport.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * API items are checked by the rules of a CSV row: the same data gives the same operation, warning
 * or failure.
 */
class ItemCheckerTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final long SEED = Long.getLong("csvimport.seed", 20261123L);
  private final ItemChecker checker = new ItemChecker(NOW);

  private RowResult check(Action action, String json) {
    return checker.check(1, action, JsonParser.parseString(json).getAsJsonObject());
  }

  @Test
  void jsonTypesBecomeTheValuesATypedHeaderGives() {
    RowResult result =
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"userId\":123456,\"userAttributes\":{\"Plan\":\"007\","
                + "\"Age\":30,\"Score\":2.5,\"Vip\":true,\"Tags\":[\"a\",\"b\"],\"Old\":null,\"Blank\":\"\"},"
                + "\"userAttributeValuesToAdd\":{\"Sizes\":[1,2.5]},\"userAttributeValuesToRemove\":{\"Tags\":\"a\"},"
                + "\"userAttributeValuesToIncrement\":{\"Visits\":2},\"events\":{\"Purchase\":{\"count\":3,"
                + "\"lastTime\":1700000000}},\"created\":1600000000}");
    assertTrue(result.succeeded(), String.valueOf(result.failure()));
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("Plan", "007");
    attributes.put("Age", 30L);
    attributes.put("Score", 2.5);
    attributes.put("Vip", true);
    attributes.put("Tags", List.of("a", "b"));
    attributes.put("Old", Removal.REMOVE);
    assertEquals(
        new UserUpdate(
            "123456",
            attributes,
            Map.of("Sizes", List.of(1.0, 2.5)),
            Map.of("Tags", List.of("a")),
            Map.of("Visits", 2L),
            Map.of(
                "Purchase",
                EventHistory.EMPTY
                    .with("count", 3L)
                    .with("lastTime", Instant.ofEpochSecond(1_700_000_000))),
            Instant.ofEpochSecond(1_600_000_000),
            null),
        result.operation());
  }

  @Test
  void trackAndDeviceItemsTakeLeanplumsArguments() {
    RowResult track =
        check(
            Action.TRACK,
            "{\"userId\":\"u1\",\"event\":\"Purchase\",\"time\":1795000000.5,"
                + "\"value\":9.99,\"currencyCode\":\"usd\",\"info\":\"first\",\"params\":{\"Item\":\"hat\",\"Qty\":2},"
                + "\"allowOffline\":true}");
    assertEquals(
        new TrackedEvent(
            "u1",
            "Purchase",
            Instant.ofEpochMilli(1_795_000_000_500L),
            9.99,
            "USD",
            "first",
            Map.of("Item", "hat", "Qty", 2L)),
        track.operation());
    assertTrue(track.warnings().isEmpty(), "client bookkeeping is no warning: " + track.warnings());
    RowResult device =
        check(
            Action.SET_DEVICE_ATTRIBUTES,
            "{\"deviceId\":\"d1\",\"deviceAttributes\":"
                + "{\"appVersion\":\"2.1\",\"iosPushToken\":\"tok\"},\"locale\":\"en_GB\"}");
    assertEquals(
        new DeviceUpdate(
            "d1", "d1", Map.of("appVersion", "2.1", "iosPushToken", "tok", "locale", "en_GB")),
        device.operation());
  }

  /**
   * Leanplum's Java SDK (scopely/leanplum-java-sdk) serializes its items with Gson, every absent
   * argument as null: an argument sent as null is an argument not given, and none is a warning. A
   * null inside userAttributes still removes.
   */
  @Test
  void argumentsSentAsNullAreArgumentsNotGiven() {
    RowResult track =
        check(
            Action.TRACK,
            "{\"action\":\"track\",\"userId\":\"u1\",\"time\":1795000000,"
                + "\"event\":\"Login\",\"value\":null,\"currencyCode\":null,\"info\":null,\"params\":null,"
                + "\"messageId\":null,\"allowOffline\":false}");
    assertTrue(track.succeeded(), String.valueOf(track.failure()));
    assertEquals(
        new TrackedEvent(
            "u1", "Login", Instant.ofEpochSecond(1_795_000_000), null, null, null, Map.of()),
        track.operation());
    assertTrue(track.warnings().isEmpty(), track.warnings().toString());
    RowResult user =
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"action\":\"setUserAttributes\",\"userId\":\"u1\","
                + "\"userAttributes\":{\"Plan\":\"gold\",\"Old\":null},\"userAttributeValuesToAdd\":null,"
                + "\"userAttributeValuesToRemove\":null,\"newUserId\":null}");
    assertTrue(user.succeeded(), String.valueOf(user.failure()));
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("Plan", "gold");
    attributes.put("Old", Removal.REMOVE);
    assertEquals(attributes, ((UserUpdate) user.operation()).attributes());
    assertTrue(user.warnings().isEmpty(), user.warnings().toString());
    assertEquals(
        "userId",
        check(Action.TRACK, "{\"userId\":null,\"event\":\"E\"}").failure().column(),
        "a required argument sent as null is missing");
  }

  /**
   * Leanplum's Ruby client (lumoslabs/leanplum_api) sends the device's fields inside
   * deviceAttributes: the fields csvimport keeps are read as at the top level; the others are
   * ignored with a warning that names them.
   */
  @Test
  void deviceFieldsInsideDeviceAttributesAreReadAndOthersNamedAsIgnored() {
    RowResult device =
        check(
            Action.SET_DEVICE_ATTRIBUTES,
            "{\"deviceId\":\"fu123\",\"action\":"
                + "\"setDeviceAttributes\",\"deviceAttributes\":{\"appVersion\":\"x42x\",\"deviceModel\":\"p0d\","
                + "\"create_date\":\"2018-01-01\"}}");
    assertTrue(device.succeeded(), String.valueOf(device.failure()));
    assertEquals(
        new DeviceUpdate("fu123", "fu123", Map.of("appVersion", "x42x", "deviceModel", "p0d")),
        device.operation());
    assertEquals(
        List.of("ignored deviceAttributes.create_date: not a setDeviceAttributes argument here"),
        device.warnings().stream().map(w -> w.message()).toList());
  }

  @Test
  void aSingleCallsParametersAreTextButForItsObjects() {
    JsonObject item =
        ItemChecker.itemOf(Map.of("userId", "u1", "userAttributes", "{\"Age\":30}", "time", "17"));
    assertEquals(new JsonPrimitive("17"), item.get("time"));
    assertEquals(
        30L,
        ((UserUpdate) checker.check(1, Action.SET_USER_ATTRIBUTES, item).operation())
            .attributes()
            .get("Age"));
    RowResult encoded =
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"userId\":\"u1\",\"userAttributes\":\"{\\\"Age\\\":30}\"}");
    assertEquals(
        30L,
        ((UserUpdate) encoded.operation()).attributes().get("Age"),
        "SDKs that send objects as JSON text");
    RowResult notJson =
        checker.check(
            1,
            Action.SET_USER_ATTRIBUTES,
            ItemChecker.itemOf(Map.of("userId", "u1", "userAttributes", "Age=30")));
    assertEquals("userAttributes", notJson.failure().column());
    assertEquals(
        "userAttributes must be a JSON object of names and values", notJson.failure().message());
  }

  @Test
  void aBadItemFailsNamingItsField() {
    assertFailure(
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"userId\":\"u1\",\"userAttributes\":{\"Age\":\"x\","
                + "\"email\":\"not-an-address\"}}"),
        "userAttributes.email",
        "'not-an-address' is not an email address like" + " name@example.com");
    assertFailure(
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"userId\":\"u1\",\"userAttributeValuesToIncrement\":" + "{\"Visits\":1.5}}"),
        "userAttributeValuesToIncrement.Visits",
        "'1.5' is not a whole number");
    assertFailure(
        check(Action.SET_USER_ATTRIBUTES, "{\"userAttributes\":{\"Age\":1}}"),
        "userId",
        "the item has no userId: setUserAttributes needs the user's id");
    assertFailure(
        check(Action.TRACK, "{\"userId\":\"u1\"}"),
        "event",
        "the item has no event: track needs the" + " event's name");
    assertFailure(
        check(Action.SET_DEVICE_ATTRIBUTES, "{\"userId\":\"u1\"}"),
        "deviceId",
        "the item has no deviceId: setDeviceAttributes needs the device's id");
    assertFailure(
        check(
            Action.SET_USER_ATTRIBUTES, "{\"userId\":\"u1\",\"userAttributes\":{\"Tags\":[1,2]}}"),
        "userAttributes.Tags",
        "a list attribute holds text: send its values as strings");
    assertFailure(
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"userId\":\"u1\",\"userAttributes\":{\"Tags\":[\"a,b\"]}}"),
        "userAttributes.Tags",
        "'a,b' cannot be a list value: list values are text without a comma or surrounding"
            + " spaces, as in a CSV cell [a, b]");
    assertFailure(
        check(
            Action.SET_USER_ATTRIBUTES,
            "{\"userId\":\"u1\",\"userAttributes\":{\"Home\":{\"x\":1}}}"),
        "userAttributes.Home",
        "a value here is text, a number, true/false, a list or null, not an object");
    assertFailure(
        check(Action.TRACK, "{\"userId\":\"u1\",\"event\":\"E\",\"time\":[1]}"),
        "time",
        "time takes one value, not a list");
    RowResult badName =
        check(Action.SET_USER_ATTRIBUTES, "{\"userId\":\"u1\",\"userAttributes\":{\"a|b\":1}}");
    assertNull(badName.failure().column());
    assertTrue(
        badName
            .failure()
            .message()
            .startsWith(
                "field 'userAttributes.a|b<int>' cannot be imported: the name" + " contains '|'"),
        badName.failure().message());
  }

  @Test
  void fieldsTheActionDoesNotTakeAreNamedInAWarning() {
    RowResult result =
        check(
            Action.TRACK,
            "{\"userId\":\"u1\",\"event\":\"E\",\"newUserId\":\"u2\",\"state\":\"x\","
                + "\"time\":1000}");
    assertTrue(result.succeeded());
    assertEquals(
        "time: the event time 1970-01-01T00:16:40Z is more than 365 days before the import, so the"
            + " event is recorded at the import time 2026-11-23T12:00:00Z; ignored newUserId,"
            + " state: not a track argument here",
        result.warnings().get(0).message());
  }

  private static void assertFailure(RowResult result, String field, String message) {
    assertFalse(result.succeeded(), "expected a failure");
    assertEquals(field, result.failure().column());
    assertEquals(message, result.failure().message());
  }

  /**
   * Random data, written once as a CSV file with a typed header (as a person would) and once as API
   * items (as a client would): each row and its item end the same, operation for operation, warning
   * for warning, failure for failure; through the chunk codec, as an import's rows travel.
   */
  @Test
  void theSameDataAsACsvRowOrAsAnItemEndsTheSame() throws Exception {
    Random random = new Random(SEED);
    int failures = 0;
    int warnings = 0;
    for (int trial = 0; trial < 3000; trial++) {
      Action action = Action.values()[random.nextInt(Action.values().length)];
      Map<String, JsonElement> fields = RandomItems.fields(action, random, NOW);
      JsonObject item = RandomItems.item(fields);
      RowResult viaApi = checker.check(1, action, item);
      RowResult viaCsv = csvRow(action, fields);
      String context = "trial " + trial + " (seed " + SEED + "): " + item;
      assertEquals(
          viaCsv.succeeded(),
          viaApi.succeeded(),
          context + " csv " + viaCsv.failure() + " api " + viaApi.failure());
      if (viaCsv.succeeded()) {
        assertEquals(viaCsv.operation(), viaApi.operation(), context);
        assertEquals(
            viaCsv.warnings().stream().map(w -> w.message()).toList(),
            viaApi.warnings().stream().map(w -> w.message()).toList(),
            context);
        warnings += viaCsv.warnings().isEmpty() ? 0 : 1;
      } else {
        assertEquals(viaCsv.failure().message(), viaApi.failure().message(), context);
        failures++;
      }
    }
    assertTrue(
        failures > 100 && warnings > 20,
        "the data exercises failures (" + failures + ") and warnings (" + warnings + ")");
  }

  private static RowResult csvRow(Action action, Map<String, JsonElement> fields) throws Exception {
    List<String> header = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    RandomItems.csv(fields, header, cells);
    String csv = RandomItems.line(header) + "\n" + RandomItems.line(cells) + "\n";
    List<RowResult> rows = new ArrayList<>();
    new ImportReader(new ChunkLimits(1, 10, 1 << 20, 1000))
        .read(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
            new ImportOptions(action.apiName(), NOW),
            chunk -> rows.addAll(ChunkCodec.decode(chunk.payload()).rows()));
    assertEquals(1, rows.size(), csv);
    return rows.get(0);
  }

  /** Random items of each action, and the CSV a person would write for the same data. */
  static final class RandomItems {
    private static final String[] STRINGS = {
      "gold",
      "007",
      "null",
      "",
      "a@b.co",
      "not-an-address",
      "+44 20 7946",
      "é😀",
      "x,y",
      "[a, b]",
      "true",
      "12"
    };
    private static final String[] ATTRIBUTES = {
      "Plan", "Age", "Score", "Vip", "Tags", "email", "phone"
    };

    private RandomItems() {}

    static Map<String, JsonElement> fields(Action action, Random random, Instant now) {
      Map<String, JsonElement> fields = new LinkedHashMap<>();
      if (action != Action.SET_DEVICE_ATTRIBUTES || random.nextBoolean()) {
        fields.put("userId", new JsonPrimitive("u" + random.nextInt(5)));
      }
      switch (action) {
        case SET_USER_ATTRIBUTES:
          JsonObject attributes = new JsonObject();
          for (String name : ATTRIBUTES) {
            if (random.nextInt(3) == 0) {
              attributes.add(name, value(name, random));
            }
          }
          fields.put("userAttributes", attributes);
          if (random.nextBoolean()) {
            JsonObject add = new JsonObject();
            JsonArray values = new JsonArray();
            boolean numbers = random.nextBoolean();
            for (int i = random.nextInt(3); i > 0; i--) {
              values.add(
                  numbers
                      ? new JsonPrimitive(random.nextInt(4))
                      : new JsonPrimitive("t" + random.nextInt(4)));
            }
            add.add("Tags", values);
            fields.put(
                random.nextBoolean() ? "userAttributeValuesToAdd" : "userAttributeValuesToRemove",
                add);
          }
          if (random.nextBoolean()) {
            JsonObject increment = new JsonObject();
            increment.add(
                "Visits",
                random.nextInt(5) == 0
                    ? new JsonPrimitive(1.5)
                    : new JsonPrimitive(random.nextInt(9)));
            fields.put("userAttributeValuesToIncrement", increment);
          }
          if (random.nextBoolean()) {
            JsonObject history = new JsonObject();
            history.addProperty("count", random.nextInt(9));
            history.add("lastTime", time(random, now));
            JsonObject events = new JsonObject();
            events.add("Purchase", history);
            fields.put("events", events);
          }
          if (random.nextInt(4) == 0) {
            fields.put("created", time(random, now));
          }
          break;
        case TRACK:
          String[] events = {"Purchase", "Login", "1", "a|b"};
          fields.put("event", new JsonPrimitive(events[random.nextInt(events.length)]));
          if (random.nextBoolean()) {
            fields.put("time", time(random, now));
          }
          if (random.nextBoolean()) {
            fields.put(
                "value",
                random.nextInt(6) == 0
                    ? new JsonPrimitive("ten")
                    : new JsonPrimitive(random.nextInt(100) / 4.0));
          }
          if (random.nextBoolean()) {
            fields.put("currencyCode", new JsonPrimitive(random.nextBoolean() ? "eur" : "EURO"));
          }
          if (random.nextBoolean()) {
            JsonObject params = new JsonObject();
            params.add("Item", value("Plan", random));
            params.add("Qty", value("Age", random));
            fields.put("params", params);
          }
          break;
        default:
          fields.put("deviceId", new JsonPrimitive("d" + random.nextInt(5)));
          fields.put("appVersion", new JsonPrimitive(STRINGS[random.nextInt(STRINGS.length)]));
          if (random.nextBoolean()) {
            fields.put("locale", JsonNull.INSTANCE);
          }
      }
      return fields;
    }

    private static JsonElement value(String name, Random random) {
      if (random.nextInt(8) == 0) {
        return JsonNull.INSTANCE;
      }
      switch (name) {
        case "Age":
          return new JsonPrimitive(random.nextInt(100) - 10);
        case "Score":
          return new JsonPrimitive(random.nextInt(1000) / 8.0);
        case "Vip":
          return new JsonPrimitive(random.nextBoolean());
        case "Tags":
          JsonArray tags = new JsonArray();
          for (int i = random.nextInt(3); i > 0; i--) {
            tags.add("t" + random.nextInt(4));
          }
          return tags;
        default:
          return new JsonPrimitive(STRINGS[random.nextInt(STRINGS.length)]);
      }
    }

    /** Unix seconds: recent, older than a year, or ahead of now. */
    private static JsonElement time(Random random, Instant now) {
      long days = random.nextInt(4) == 0 ? -400 : random.nextInt(8) == 0 ? 3 : -random.nextInt(300);
      return new JsonPrimitive(now.getEpochSecond() + days * 86_400 + random.nextInt(1000));
    }

    static JsonObject item(Map<String, JsonElement> fields) {
      JsonObject item = new JsonObject();
      fields.forEach(item::add);
      return item;
    }

    /**
     * The header and row a person writes for the data: a type declared where the value is not text.
     */
    static void csv(Map<String, JsonElement> fields, List<String> header, List<String> cells) {
      for (Map.Entry<String, JsonElement> field : fields.entrySet()) {
        JsonElement value = field.getValue();
        if (!value.isJsonObject()) {
          header.add(field.getKey());
          cells.add(value.isJsonNull() ? "null" : value.getAsString());
          continue;
        }
        for (Map.Entry<String, JsonElement> named : value.getAsJsonObject().entrySet()) {
          String column = field.getKey() + "." + named.getKey();
          JsonElement v = named.getValue();
          if (v.isJsonObject()) {
            v.getAsJsonObject()
                .entrySet()
                .forEach(
                    e -> {
                      header.add(column + "." + e.getKey());
                      cells.add(e.getValue().getAsString());
                    });
            continue;
          }
          boolean fixed = field.getKey().equals("userAttributeValuesToIncrement");
          header.add(column + (fixed ? "" : declaration(field.getKey(), v)));
          cells.add(cellOf(v));
        }
      }
    }

    private static String declaration(String field, JsonElement value) {
      if (value.isJsonArray()) {
        if (!field.equals("userAttributes")) {
          boolean numbers =
              value.getAsJsonArray().asList().stream()
                  .anyMatch(e -> e.getAsJsonPrimitive().isNumber());
          boolean text =
              value.getAsJsonArray().asList().stream()
                  .anyMatch(e -> e.getAsJsonPrimitive().isString());
          return numbers && !text ? "<int>" : "";
        }
        return "<list>";
      }
      if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
        return value.getAsString().contains(".") ? "<float>" : "<int>";
      }
      if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()) {
        return "<bool>";
      }
      return "";
    }

    private static String cellOf(JsonElement value) {
      if (value.isJsonNull()) {
        return "null";
      }
      if (value.isJsonArray()) {
        List<String> elements =
            value.getAsJsonArray().asList().stream().map(JsonElement::getAsString).toList();
        return "[" + String.join(", ", elements) + "]";
      }
      return value.getAsString();
    }

    static String line(List<String> cells) {
      List<String> quoted = new ArrayList<>();
      cells.forEach(cell -> quoted.add("\"" + cell.replace("\"", "\"\"") + "\""));
      return String.join(",", quoted);
    }
  }
}
