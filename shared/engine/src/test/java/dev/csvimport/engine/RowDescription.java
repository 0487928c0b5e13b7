package dev.csvimport.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Operation;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A row result as readable JSON, for the expected outcomes beside the test corpus. Types show: a
 * timestamp is {"timestamp": ISO-8601}, a removal is null, a Long has no point and a Double always
 * has one.
 */
final class RowDescription {

  private RowDescription() {}

  static JsonObject of(RowResult row) {
    JsonObject json = new JsonObject();
    json.addProperty("row", row.row());
    json.addProperty("line", row.line());
    if (row.userId() != null) {
      json.addProperty("userId", row.userId());
    }
    if (row.failure() != null) {
      json.add("failure", problem(row.failure()));
    } else {
      json.add(row.operation().action().apiName(), operation(row.operation()));
    }
    if (!row.warnings().isEmpty()) {
      JsonArray warnings = new JsonArray();
      row.warnings().forEach(w -> warnings.add(problem(w)));
      json.add("warnings", warnings);
    }
    return json;
  }

  private static JsonObject problem(RowProblem problem) {
    JsonObject json = new JsonObject();
    if (problem.column() != null) {
      json.addProperty("column", problem.column());
    }
    if (problem.value() != null) {
      json.addProperty("value", problem.value());
    }
    json.addProperty("message", problem.message());
    return json;
  }

  private static JsonObject operation(Operation operation) {
    JsonObject json = new JsonObject();
    if (operation instanceof UserUpdate user) {
      putAll(json, "attributes", user.attributes());
      putAll(json, "valuesToAdd", user.valuesToAdd());
      putAll(json, "valuesToRemove", user.valuesToRemove());
      putAll(json, "valuesToIncrement", user.valuesToIncrement());
      if (!user.events().isEmpty()) {
        JsonObject events = new JsonObject();
        for (Map.Entry<String, EventHistory> e : user.events().entrySet()) {
          EventHistory h = e.getValue();
          JsonObject history = new JsonObject();
          putIfSet(history, "count", h.count());
          putIfSet(history, "countIncrement", h.countIncrement());
          putIfSet(history, "value", h.value());
          putIfSet(history, "valueIncrement", h.valueIncrement());
          putIfSet(history, "firstTime", h.firstTime());
          putIfSet(history, "lastTime", h.lastTime());
          events.add(e.getKey(), history);
        }
        json.add("events", events);
      }
      putIfSet(json, "created", user.created());
      putIfSet(json, "lastActive", user.lastActive());
    } else if (operation instanceof TrackedEvent track) {
      json.addProperty("event", track.event());
      putIfSet(json, "time", track.time());
      putIfSet(json, "value", track.value());
      putIfSet(json, "currencyCode", track.currencyCode());
      putIfSet(json, "info", track.info());
      putAll(json, "params", track.params());
    } else if (operation instanceof DeviceUpdate device) {
      json.addProperty("deviceId", device.deviceId());
      putAll(json, "attributes", device.attributes());
    }
    return json;
  }

  private static void putAll(JsonObject json, String name, Map<String, ?> values) {
    if (!values.isEmpty()) {
      JsonObject object = new JsonObject();
      values.forEach((k, v) -> object.add(k, value(v)));
      json.add(name, object);
    }
  }

  private static void putIfSet(JsonObject json, String name, Object value) {
    if (value != null) {
      json.add(name, value(value));
    }
  }

  static JsonElement value(Object value) {
    if (value == Removal.REMOVE) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof Instant time) {
      JsonObject json = new JsonObject();
      json.addProperty("timestamp", time.toString());
      return json;
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(v -> array.add(value(v)));
      return array;
    }
    if (value instanceof String s) {
      return new JsonPrimitive(s);
    }
    if (value instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (value instanceof Long || value instanceof Double) {
      return new JsonPrimitive((Number) value);
    }
    throw new IllegalArgumentException("not a value: " + value);
  }
}
