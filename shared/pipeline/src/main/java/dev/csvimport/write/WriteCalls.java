package dev.csvimport.write;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.csvimport.engine.check.HeaderParser;
import dev.csvimport.engine.check.ItemChecker;
import dev.csvimport.engine.check.Names;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.job.CreateDisposition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Leanplum's write actions as items to apply: each item's action, user and arguments, checked by
 * the engine's rules for a CSV row ({@link ItemChecker}). An item that cannot be applied becomes
 * its own failure; the others go on.
 */
public final class WriteCalls {

  /** The actions a batch's items may have, and that may be called alone. */
  public static final List<String> ACTIONS =
      List.of("setUserAttributes", "setDeviceAttributes", "track", "deleteUser");

  /**
   * Leanplum's session and state calls, which SDKs and server clients send beside the writes:
   * analytics of a visit (its start, pauses, end, the app's states), which csvimport does not keep.
   * Each succeeds, as in Leanplum, with a warning saying it was not recorded; a start's {@code
   * userAttributes} are applied as setUserAttributes applies them.
   */
  public static final List<String> SESSION_ACTIONS =
      List.of(
          "start",
          "stop",
          "heartbeat",
          "pauseSession",
          "resumeSession",
          "advance",
          "pauseState",
          "resumeState");

  /** Leanplum's limit on the items of one batch. */
  public static final int MAX_ITEMS = 50;

  private WriteCalls() {}

  /**
   * @param data the batch's items, in order
   * @param now "now" for the rules about event times
   */
  public static List<WriteItem> items(List<JsonElement> data, Instant now) {
    ItemChecker checker = new ItemChecker(now);
    List<WriteItem> items = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      items.add(item(i + 1, data.get(i), checker));
    }
    return items;
  }

  private static WriteItem item(long row, JsonElement element, ItemChecker checker) {
    if (!element.isJsonObject()) {
      return failed(
          row,
          null,
          null,
          "each item must be a JSON object with an action, e.g. {\"action\":\"track\","
              + "\"userId\":\"u1\",\"event\":\"Purchase\"}");
    }
    JsonObject item = element.getAsJsonObject();
    String action = text(item.get("action"));
    if (action == null) {
      return failed(row, "action", null, "the item has no action: use " + supported());
    }
    String disposition = text(item.get("createDisposition"));
    if (disposition != null && CreateDisposition.named(disposition).isEmpty()) {
      return failed(row, "createDisposition", disposition, CreateDisposition.refusal());
    }
    boolean existingUserOnly = CreateDisposition.CREATE_NEVER.apiName().equals(disposition);
    if (SESSION_ACTIONS.contains(action)) {
      return session(row, action, item, existingUserOnly, checker);
    }
    if (!ACTIONS.contains(action)) {
      return failed(
          row,
          "action",
          action,
          "unknown action " + Excerpt.quote(action) + ": the write actions are " + supported());
    }
    if (action.equals("deleteUser")) {
      String userId = text(item.get("userId"));
      if (userId == null || userId.isBlank()) {
        return failed(
            row, "userId", null, "the item has no userId: deleteUser needs the user's id");
      }
      if (userId.length() > Names.MAX_ID_CHARS) {
        return failed(
            row,
            "userId",
            userId,
            "the id is "
                + userId.length()
                + " characters long; ids may have at most "
                + Names.MAX_ID_CHARS);
      }
      return new WriteItem.Deletion(userId);
    }
    return new WriteItem.Change(
        checker.check(row, Action.fromApiName(action).orElseThrow(), item), existingUserOnly);
  }

  /**
   * A session or state call: nothing of it is kept but a start's user attributes. It names its user
   * (or device, which is then its own user, as in setDeviceAttributes), and an advance its state,
   * as Leanplum requires.
   */
  private static WriteItem session(
      long row, String action, JsonObject item, boolean existingUserOnly, ItemChecker checker) {
    String userId = text(item.get("userId"));
    if (userId == null || userId.isBlank()) {
      userId = text(item.get("deviceId"));
    }
    if (userId == null || userId.isBlank()) {
      return failed(
          row,
          "userId",
          null,
          "the item has no userId or deviceId: " + action + " needs the user's or device's id");
    }
    boolean state = action.equals("advance") || action.endsWith("State");
    if (action.equals("advance") && blank(item.get("state"))) {
      return failed(row, "state", null, "the item has no state: advance needs the state's name");
    }
    String unrecorded =
        action
            + ": csvimport keeps users' profiles, not "
            + (state ? "the app's states" : "sessions")
            + ", so the "
            + (state ? "state" : "session")
            + " was not recorded";
    List<String> deviceFields =
        HeaderParser.DEVICE_ARGUMENTS.stream().filter(item::has).sorted().toList();
    if (!deviceFields.isEmpty()) {
      unrecorded +=
          "; its device fields ("
              + String.join(", ", deviceFields)
              + ") were not recorded: send them with setDeviceAttributes";
    }
    if (!action.equals("start") || blank(item.get("userAttributes"))) {
      return new WriteItem.Unrecorded(unrecorded);
    }
    JsonObject attributes = new JsonObject();
    attributes.addProperty("userId", userId);
    attributes.add("userAttributes", item.get("userAttributes"));
    RowResult checked = checker.check(row, Action.SET_USER_ATTRIBUTES, attributes);
    if (!checked.succeeded()) {
      return new WriteItem.Change(checked, existingUserOnly);
    }
    List<RowProblem> warnings = new ArrayList<>();
    warnings.add(RowProblem.ofRow(unrecorded + "; its userAttributes were applied"));
    warnings.addAll(checked.warnings());
    return new WriteItem.Change(
        RowResult.success(
            checked.row(),
            checked.line(),
            checked.operation(),
            List.of(ItemChecker.joined(warnings))),
        existingUserOnly);
  }

  private static boolean blank(JsonElement value) {
    return value == null
        || value.isJsonNull()
        || value.isJsonPrimitive() && value.getAsString().isBlank();
  }

  private static WriteItem failed(long row, String field, String value, String message) {
    return new WriteItem.Change(
        RowResult.failure(row, 0, null, new RowProblem(field, value, message)), false);
  }

  private static String supported() {
    return String.join(", ", ACTIONS.subList(0, ACTIONS.size() - 1))
        + " or "
        + ACTIONS.get(ACTIONS.size() - 1);
  }

  private static String text(JsonElement value) {
    return value == null || !value.isJsonPrimitive() ? null : value.getAsString();
  }
}
