package dev.csvimport.engine.check;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.engine.read.FileFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One item of Leanplum's write API (a setUserAttributes, setDeviceAttributes or track call, as
 * JSON) checked by the rules of a CSV row: the item is written as the header and the one row a file
 * would hold for the same data, and that row goes through {@link HeaderParser} and {@link
 * RowChecker}. The same data thus gives the same operation either way.
 *
 * <p>JSON types become the header's type declarations: a number is {@code <int>} when written
 * without fraction or exponent and {@code <float>} otherwise, true and false are {@code <bool>}, an
 * array of strings is {@code <list>}, {@code null} is the cell {@code null} (the attribute is
 * removed). A string is a cell with no declaration, typed as a file's would be (a column named
 * email must hold an address). Fields with a fixed type (time, value,
 * userAttributeValuesToIncrement, events.*) take a number or its text.
 */
public final class ItemChecker {

  /** Fields whose value is a JSON object; a single call may send them as JSON text. */
  public static final List<String> OBJECT_FIELDS =
      List.of(
          "userAttributes",
          "userAttributeValuesToAdd",
          "userAttributeValuesToRemove",
          "userAttributeValuesToIncrement",
          "events",
          "params",
          "deviceAttributes");

  /**
   * Fields every call may carry that change nothing here: the call's own parameters and client
   * bookkeeping.
   */
  private static final Set<String> QUIETLY_IGNORED =
      Set.of(
          "action",
          "appId",
          "clientKey",
          "apiVersion",
          "devMode",
          "allowOffline",
          "requestId",
          "sdkVersion",
          "createDisposition",
          "time",
          "client",
          "deviceId");

  private static final Map<Action, List<String>> FIELDS =
      Map.of(
          Action.SET_USER_ATTRIBUTES,
              List.of(
                  "userId",
                  "userAttributes",
                  "userAttributeValuesToAdd",
                  "userAttributeValuesToRemove",
                  "userAttributeValuesToIncrement",
                  "events",
                  "created",
                  "lastActive"),
          Action.TRACK,
              List.of("userId", "event", "time", "value", "currencyCode", "info", "params"),
          Action.SET_DEVICE_ATTRIBUTES, deviceFields());
  private static final String LIST_ELEMENT_RULE =
      "list values are text without a comma or surrounding spaces," + " as in a CSV cell [a, b]";

  private final Instant now;

  /**
   * @param now "now" for the rules about event times
   */
  public ItemChecker(Instant now) {
    this.now = now;
  }

  private static List<String> deviceFields() {
    List<String> fields = new ArrayList<>(List.of("userId", "deviceId", "deviceAttributes"));
    fields.addAll(HeaderParser.DEVICE_ARGUMENTS);
    return List.copyOf(fields);
  }

  /**
   * A single call's parameters as an item: each a JSON string, but those of {@link #OBJECT_FIELDS},
   * which are read as the JSON they hold.
   */
  public static JsonObject itemOf(Map<String, String> parameters) {
    JsonObject item = new JsonObject();
    parameters.forEach(
        (name, value) ->
            item.add(
                name, OBJECT_FIELDS.contains(name) ? jsonOrText(value) : new JsonPrimitive(value)));
    return item;
  }

  private static JsonElement jsonOrText(String value) {
    try {
      return JsonParser.parseString(value);
    } catch (JsonParseException notJson) {
      return new JsonPrimitive(value);
    }
  }

  /**
   * The item's operation, or its one failure.
   *
   * @param index the item's position in its call, from 1: its row number
   * @param action the item's action
   */
  public RowResult check(long index, Action action, JsonObject item) {
    String userId = text(item.get("userId"));
    try {
      Row row = new Row();
      List<String> ignored = new ArrayList<>();
      for (Map.Entry<String, JsonElement> field : item.entrySet()) {
        if (field.getValue().isJsonNull()
            && !HeaderParser.DEVICE_ARGUMENTS.contains(field.getKey())) {
          // An argument sent as null is an argument not given (Leanplum's Java SDK sends every
          // absent one so); a
          // device field's null is data, as a userAttributes null is: it removes the device's
          // value.
          continue;
        }
        if (field.getKey().equals("deviceAttributes")
            && FIELDS.get(action).contains(field.getKey())) {
          deviceAttributes(row, object(field.getKey(), field.getValue()), ignored);
          continue;
        }
        if (!FIELDS.get(action).contains(field.getKey())) {
          if (!QUIETLY_IGNORED.contains(field.getKey())) {
            ignored.add(field.getKey());
          }
          continue;
        }
        add(row, action, field.getKey(), field.getValue());
      }
      requireFields(action, row);
      Header header = HeaderParser.parse(row.headers, action);
      RowResult result =
          new RowChecker(header, action, now).check(index, 0, row.cells::get, row.cells.size());
      if (!result.succeeded()) {
        return RowResult.failure(index, 0, result.userId(), row.named(result.failure()));
      }
      if (ignored.isEmpty()) {
        return result;
      }
      List<RowProblem> warnings = new ArrayList<>(result.warnings());
      warnings.add(
          RowProblem.ofRow(
              "ignored "
                  + String.join(", ", new TreeSet<>(ignored))
                  + ": not a "
                  + action.apiName()
                  + " argument here"));
      return RowResult.success(index, 0, result.operation(), List.of(joined(warnings)));
    } catch (ItemError e) {
      return RowResult.failure(index, 0, userId, e.problem);
    } catch (FileFailure e) {
      // The header's messages name columns; an item's columns are its fields.
      return RowResult.failure(
          index, 0, userId, RowProblem.ofRow(e.getMessage().replaceFirst("^column ", "field ")));
    }
  }

  /** Several warnings as the one an item's answer carries, each naming its field. */
  public static RowProblem joined(List<RowProblem> warnings) {
    if (warnings.size() == 1) {
      return warnings.get(0);
    }
    StringBuilder message = new StringBuilder();
    for (RowProblem warning : warnings) {
      message
          .append(message.length() == 0 ? "" : "; ")
          .append(warning.column() == null ? "" : warning.column() + ": ")
          .append(warning.message());
    }
    return RowProblem.ofRow(message.toString());
  }

  private static void requireFields(Action action, Row row) throws ItemError {
    if (action != Action.SET_DEVICE_ATTRIBUTES && !row.hasCell("userId")) {
      throw new ItemError(
          "userId", null, "the item has no userId: " + action.apiName() + " needs the user's id");
    }
    if (action == Action.SET_DEVICE_ATTRIBUTES && !row.hasCell("deviceId")) {
      throw new ItemError(
          "deviceId", null, "the item has no deviceId: setDeviceAttributes needs the device's id");
    }
    if (action == Action.TRACK && !row.hasCell("event")) {
      throw new ItemError("event", null, "the item has no event: track needs the event's name");
    }
  }

  private static void add(Row row, Action action, String field, JsonElement value)
      throws ItemError {
    switch (field) {
      case "userAttributes":
        for (Map.Entry<String, JsonElement> attribute : object(field, value).entrySet()) {
          typed(row, field + "." + attribute.getKey(), attribute.getValue(), true);
        }
        break;
      case "params":
        for (Map.Entry<String, JsonElement> param : object(field, value).entrySet()) {
          typed(row, field + "." + param.getKey(), param.getValue(), true);
        }
        break;
      case "userAttributeValuesToAdd":
      case "userAttributeValuesToRemove":
        for (Map.Entry<String, JsonElement> values : object(field, value).entrySet()) {
          values(row, field + "." + values.getKey(), values.getValue());
        }
        break;
      case "userAttributeValuesToIncrement":
        for (Map.Entry<String, JsonElement> increment : object(field, value).entrySet()) {
          row.add(
              field + "." + increment.getKey(),
              cell(field + "." + increment.getKey(), increment.getValue()));
        }
        break;
      case "events":
        for (Map.Entry<String, JsonElement> event : object(field, value).entrySet()) {
          String path = field + "." + event.getKey();
          for (Map.Entry<String, JsonElement> history : object(path, event.getValue()).entrySet()) {
            row.add(
                path + "." + history.getKey(),
                cell(path + "." + history.getKey(), history.getValue()));
          }
        }
        break;
      default:
        row.add(field, cell(field, value));
    }
  }

  /**
   * The device fields sent inside {@code deviceAttributes} (as Leanplum's Ruby client does), read
   * as the same fields at the top level (a null removes the device's value); a name that is no
   * device field csvimport keeps is noted as ignored, never a failure.
   */
  private static void deviceAttributes(Row row, JsonObject attributes, List<String> ignored)
      throws ItemError {
    for (Map.Entry<String, JsonElement> attribute : attributes.entrySet()) {
      if (HeaderParser.DEVICE_ARGUMENTS.contains(attribute.getKey())) {
        row.add(
            attribute.getKey(),
            cell("deviceAttributes." + attribute.getKey(), attribute.getValue()));
      } else {
        ignored.add("deviceAttributes." + attribute.getKey());
      }
    }
  }

  /**
   * A value of a column whose type the header may declare: the declaration follows the JSON type.
   */
  private static void typed(Row row, String path, JsonElement value, boolean listAllowed)
      throws ItemError {
    if (value.isJsonNull()) {
      row.add(path, "null");
    } else if (value.isJsonArray()) {
      if (!listAllowed) {
        throw new ItemError(
            path,
            value.toString(),
            "a value here is text, a number, true/false or null, not a list");
      }
      List<String> elements = new ArrayList<>();
      for (JsonElement element : value.getAsJsonArray()) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
          throw new ItemError(
              path, value.toString(), "a list attribute holds text: send its values as strings");
        }
        elements.add(listElement(path, element.getAsString()));
      }
      row.add(path, "<list>", "[" + String.join(", ", elements) + "]");
    } else if (value.isJsonObject()) {
      throw new ItemError(
          path,
          value.toString(),
          "a value here is text, a number, true/false, a list or null, not an" + " object");
    } else {
      JsonPrimitive primitive = value.getAsJsonPrimitive();
      row.add(path, declaration(path, primitive), primitive.getAsString());
    }
  }

  /**
   * The values of a values-to-add or -remove field: one value, or an array of values of one JSON
   * type.
   */
  private static void values(Row row, String path, JsonElement value) throws ItemError {
    if (!value.isJsonArray()) {
      typed(row, path, value, false);
      return;
    }
    List<String> elements = new ArrayList<>();
    String declaration = null;
    for (JsonElement element : value.getAsJsonArray()) {
      if (!element.isJsonPrimitive()) {
        throw new ItemError(path, value.toString(), "the values are text, numbers or true/false");
      }
      JsonPrimitive primitive = element.getAsJsonPrimitive();
      String own = declaration(path, primitive);
      if (declaration == null || declaration.equals("<int>") && own.equals("<float>")) {
        declaration = own;
      } else if (!declaration.equals(own)
          && !(declaration.equals("<float>") && own.equals("<int>"))) {
        throw new ItemError(
            path, value.toString(), "the values must be all text, all numbers or all true/false");
      }
      elements.add(
          primitive.isString()
              ? listElement(path, primitive.getAsString())
              : primitive.getAsString());
    }
    row.add(
        path,
        declaration == null ? declaration(path, new JsonPrimitive("")) : declaration,
        "[" + String.join(", ", elements) + "]");
  }

  private static String listElement(String path, String element) throws ItemError {
    if (element.indexOf(',') >= 0 || !element.equals(element.trim()) || element.isEmpty()) {
      throw new ItemError(
          path, element, Excerpt.quote(element) + " cannot be a list value: " + LIST_ELEMENT_RULE);
    }
    return element;
  }

  /**
   * The header declaration for a JSON value: none for text (so a column named email is checked as
   * one), unless the name itself ends in '>' and would read as a declaration.
   */
  private static String declaration(String path, JsonPrimitive value) {
    if (value.isBoolean()) {
      return "<bool>";
    }
    if (value.isNumber()) {
      String text = value.getAsString();
      return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0
          ? "<int>"
          : "<float>";
    }
    return path.endsWith(">") ? "<string>" : "";
  }

  /**
   * The cell of a field with a fixed type: text, a number or true/false as written, null as the
   * cell null.
   */
  private static String cell(String path, JsonElement value) throws ItemError {
    if (value.isJsonNull()) {
      return "null";
    }
    if (!value.isJsonPrimitive()) {
      throw new ItemError(
          path,
          value.toString(),
          path + " takes one value, not " + (value.isJsonArray() ? "a list" : "an object"));
    }
    return value.getAsString();
  }

  private static JsonObject object(String path, JsonElement value) throws ItemError {
    JsonElement object = value;
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      object = jsonOrText(value.getAsString());
    }
    if (!object.isJsonObject()) {
      throw new ItemError(
          path, value.toString(), path + " must be a JSON object of names and values");
    }
    return object.getAsJsonObject();
  }

  /** A field's value as text, when it is a single value. */
  private static String text(JsonElement value) {
    return value == null || !value.isJsonPrimitive() ? null : value.getAsString();
  }

  /** The header and the one row a CSV file would hold for the item. */
  private static final class Row {
    final List<String> headers = new ArrayList<>();
    final List<String> cells = new ArrayList<>();

    /** Each header with a type declaration, to the field it was made from. */
    final Map<String, String> fields = new HashMap<>();

    void add(String header, String cell) {
      headers.add(header);
      cells.add(cell);
    }

    void add(String field, String declaration, String cell) {
      add(field + declaration, cell);
      fields.put(field + declaration, field);
    }

    /**
     * The problem with its column named as the item's field, without the declaration the item did
     * not write.
     */
    RowProblem named(RowProblem problem) {
      String field = problem.column() == null ? null : fields.get(problem.column());
      return field == null ? problem : new RowProblem(field, problem.value(), problem.message());
    }

    boolean hasCell(String header) {
      int index = headers.indexOf(header);
      return index >= 0 && !cells.get(index).isBlank() && !cells.get(index).equals("null");
    }
  }

  /** An item that is not a call this action can take. */
  private static final class ItemError extends Exception {
    final RowProblem problem;

    ItemError(String field, String value, String message) {
      super(message, null, false, false);
      this.problem = new RowProblem(field, value, message);
    }
  }
}
