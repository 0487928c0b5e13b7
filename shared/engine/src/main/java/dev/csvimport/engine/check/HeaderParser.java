package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.engine.read.FileFailure;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header row: each column's role, name and type, or one clear reason the file cannot be
 * imported.
 */
public final class HeaderParser {

  public static final List<String> USER_KEYS = List.of("userId", "identity", "objectId");
  public static final List<String> DEVICE_ARGUMENTS =
      List.of(
          "appVersion",
          "systemName",
          "systemVersion",
          "browserName",
          "browserVersion",
          "deviceName",
          "deviceModel",
          "iosPushToken",
          "gcmRegistrationId",
          "webPushSubscription",
          "locale");

  private static final Map<String, ColumnRole> NAMED_BY_PREFIX = new LinkedHashMap<>();
  private static final String EVENTS = "events.";

  /**
   * How a header marks a column as a note that is not imported, such as the {@code #error} column
   * of a failed-rows file.
   */
  public static final String NOTE_PREFIX = "#";

  static {
    NAMED_BY_PREFIX.put("userAttributes.", ColumnRole.USER_ATTRIBUTE);
    NAMED_BY_PREFIX.put("userAttributeValuesToAdd.", ColumnRole.VALUES_TO_ADD);
    NAMED_BY_PREFIX.put("userAttributeValuesToRemove.", ColumnRole.VALUES_TO_REMOVE);
    NAMED_BY_PREFIX.put("userAttributeValuesToIncrement.", ColumnRole.VALUES_TO_INCREMENT);
    NAMED_BY_PREFIX.put("params.", ColumnRole.PARAM);
  }

  private static final Map<String, ColumnRole> TRACK_ARGUMENTS =
      Map.of(
          "event",
          ColumnRole.EVENT,
          "time",
          ColumnRole.TIME,
          "value",
          ColumnRole.VALUE,
          "currencyCode",
          ColumnRole.CURRENCY_CODE,
          "info",
          ColumnRole.INFO);

  private HeaderParser() {}

  /**
   * @param cells the header row as read
   * @param defaultAction the file's action where a row has none, or null
   */
  public static Header parse(List<String> cells, Action defaultAction) throws FileFailure {
    if (cells.stream().allMatch(c -> c.trim().isEmpty())) {
      throw new FileFailure(
          "the file has no header: its first line must name the columns, e.g. userId,email");
    }
    Set<Action> actions = possibleActions(cells, defaultAction);
    List<Column> columns = new ArrayList<>();
    Map<String, Integer> seenHeaders = new HashMap<>();
    Map<String, Column> seenTargets = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      String header = cells.get(i).trim();
      if (header.isEmpty()) {
        throw new FileFailure(
            "column " + (i + 1) + " of the header has no name: every column needs one");
      }
      Integer earlier = seenHeaders.putIfAbsent(header, i);
      if (earlier != null) {
        throw new FileFailure(
            "the header names column "
                + Excerpt.quote(header)
                + " twice (columns "
                + (earlier + 1)
                + " and "
                + (i + 1)
                + "): each column may appear once");
      }
      Column column = column(i, header, actions);
      Column sameTarget = seenTargets.putIfAbsent(target(column), column);
      if (sameTarget != null && column.role() == ColumnRole.USER_KEY) {
        throw new FileFailure(
            "the header has two user-key columns, "
                + Excerpt.quote(sameTarget.header())
                + " and "
                + Excerpt.quote(header)
                + ": keep one of userId, identity and objectId");
      }
      if (sameTarget != null) {
        throw new FileFailure(
            "columns "
                + Excerpt.quote(sameTarget.header())
                + " and "
                + Excerpt.quote(header)
                + " set the same thing: keep one");
      }
      columns.add(column);
    }
    Header parsed = new Header(columns);
    requireKeys(parsed, actions);
    return parsed;
  }

  /**
   * The actions the file's rows can have: any, with an action column; else the default's; else
   * none.
   */
  private static Set<Action> possibleActions(List<String> cells, Action defaultAction) {
    if (cells.stream().anyMatch(c -> c.trim().equals("action"))) {
      return EnumSet.allOf(Action.class);
    }
    return defaultAction == null ? EnumSet.noneOf(Action.class) : EnumSet.of(defaultAction);
  }

  private static String target(Column column) {
    if (column.role() == ColumnRole.USER_KEY) {
      return "userKey";
    }
    if (column.role() == ColumnRole.NOTE) {
      return "note/" + column.header();
    }
    return column.role() + "/" + column.name() + "/" + column.eventField();
  }

  private static Column column(int index, String header, Set<Action> actions) throws FileFailure {
    if (header.startsWith(NOTE_PREFIX)) {
      return new Column(index, header, ColumnRole.NOTE, null, null, ValueType.STRING);
    }
    String base = header;
    ValueType declared = null;
    int open = header.lastIndexOf('<');
    if (header.endsWith(">") && open >= 0) {
      String declaration = header.substring(open + 1, header.length() - 1);
      declared =
          ValueType.declared(declaration)
              .orElseThrow(
                  () ->
                      new FileFailure(
                          "column "
                              + Excerpt.quote(header)
                              + " declares the unknown type <"
                              + Excerpt.of(declaration)
                              + ">; the types are "
                              + ValueType.declarableNames()
                              + " (spelled exactly so)"));
      base = header.substring(0, open).trim();
      if (base.isEmpty()) {
        throw new FileFailure("column " + Excerpt.quote(header) + " has a type but no name");
      }
    }
    Column column = classify(index, header, base, declared, actions);
    if (column.role().action() != null
        && !actions.isEmpty()
        && !actions.contains(column.role().action())) {
      throw new FileFailure(
          "column "
              + Excerpt.quote(header)
              + " belongs to "
              + column.role().action().apiName()
              + " rows, but this file's rows are "
              + actions.iterator().next().apiName()
              + ": remove the column, or add an action column to mix actions");
    }
    if (declared != null && !column.role().typeable()) {
      throw new FileFailure(
          "column "
              + Excerpt.quote(header)
              + " has a fixed type, so it cannot declare <"
              + declared.declaration()
              + ">: remove the type from the header");
    }
    if (column.name() != null && column.role() != ColumnRole.DEVICE_ATTRIBUTE) {
      String problem = Names.problem(column.name());
      if (problem != null) {
        throw new FileFailure(
            "column " + Excerpt.quote(header) + " cannot be imported: " + problem);
      }
    }
    return column;
  }

  private static Column classify(
      int index, String header, String base, ValueType declared, Set<Action> actions)
      throws FileFailure {
    ValueType type = declared;
    if (base.equals("action")) {
      return new Column(index, header, ColumnRole.ACTION, null, null, ValueType.STRING);
    }
    if (USER_KEYS.contains(base)) {
      return new Column(index, header, ColumnRole.USER_KEY, null, null, ValueType.STRING);
    }
    for (Map.Entry<String, ColumnRole> prefix : NAMED_BY_PREFIX.entrySet()) {
      if (base.startsWith(prefix.getKey())) {
        ColumnRole role = prefix.getValue();
        String name = base.substring(prefix.getKey().length());
        ValueType valueType =
            role == ColumnRole.VALUES_TO_INCREMENT ? ValueType.INT : byName(name, declared);
        return new Column(index, header, role, name, null, valueType);
      }
    }
    if (base.startsWith(EVENTS)) {
      return eventHistory(index, header, base.substring(EVENTS.length()));
    }
    boolean all = actions.isEmpty();
    if ((all || actions.contains(Action.TRACK)) && TRACK_ARGUMENTS.containsKey(base)) {
      ColumnRole role = TRACK_ARGUMENTS.get(base);
      return new Column(
          index,
          header,
          role,
          null,
          null,
          role == ColumnRole.VALUE ? ValueType.FLOAT : ValueType.STRING);
    }
    if (all || actions.contains(Action.SET_USER_ATTRIBUTES)) {
      if (base.equals("created") || base.equals("lastActive")) {
        ColumnRole role = base.equals("created") ? ColumnRole.CREATED : ColumnRole.LAST_ACTIVE;
        return new Column(index, header, role, null, null, ValueType.STRING);
      }
    }
    if (all || actions.contains(Action.SET_DEVICE_ATTRIBUTES)) {
      if (base.equals("deviceId")) {
        return new Column(index, header, ColumnRole.DEVICE_ID, null, null, ValueType.STRING);
      }
      if (DEVICE_ARGUMENTS.contains(base)) {
        return new Column(index, header, ColumnRole.DEVICE_ATTRIBUTE, base, null, ValueType.STRING);
      }
    }
    if (all || actions.contains(Action.SET_USER_ATTRIBUTES)) {
      // CleverTap style: a bare column is a user attribute.
      return new Column(index, header, ColumnRole.USER_ATTRIBUTE, base, null, byName(base, type));
    }
    if (actions.contains(Action.TRACK)) {
      throw new FileFailure(
          "column "
              + Excerpt.quote(header)
              + " is not a track argument (userId, event, time, value, currencyCode,"
              + " info, params.<name>): to send it as an event parameter, name it params."
              + base);
    }
    throw new FileFailure(
        "column "
            + Excerpt.quote(header)
            + " is not a setDeviceAttributes argument (deviceId, userId, "
            + String.join(", ", DEVICE_ARGUMENTS)
            + ")");
  }

  private static Column eventHistory(int index, String header, String rest) throws FileFailure {
    int dot = rest.lastIndexOf('.');
    String field = dot < 0 ? "" : rest.substring(dot + 1);
    if (dot <= 0 || !EventHistory.FIELDS.contains(field)) {
      throw new FileFailure(
          "column "
              + Excerpt.quote(header)
              + " must be events.<Event>.<field> with field one of "
              + String.join(", ", EventHistory.FIELDS));
    }
    String event = rest.substring(0, dot);
    ValueType type =
        field.equals("count") || field.equals("countIncrement") ? ValueType.INT : ValueType.FLOAT;
    return new Column(index, header, ColumnRole.EVENT_HISTORY, event, field, type);
  }

  /** A column named phone or email is checked as one, unless its header declares another type. */
  private static ValueType byName(String name, ValueType declared) {
    if (declared != null) {
      return declared;
    }
    switch (name.toLowerCase(Locale.ROOT)) {
      case "phone":
        return ValueType.PHONE;
      case "email":
        return ValueType.EMAIL;
      default:
        return ValueType.STRING;
    }
  }

  private static void requireKeys(Header header, Set<Action> actions) throws FileFailure {
    boolean needsUserKey =
        actions.contains(Action.SET_USER_ATTRIBUTES) || actions.contains(Action.TRACK);
    if (needsUserKey && header.userKeyColumn() == null) {
      throw new FileFailure(
          "the header has no user-key column: add userId (or identity, or objectId)");
    }
    if (actions.equals(EnumSet.of(Action.SET_DEVICE_ATTRIBUTES))
        && header.deviceIdColumn() == null) {
      throw new FileFailure(
          "the header has no deviceId column, which setDeviceAttributes rows need");
    }
  }
}
