package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.Fields;
import dev.csvimport.engine.operation.Operation;
import dev.csvimport.engine.operation.OperationSink;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.TrackedEventSink;
import dev.csvimport.engine.operation.UserUpdate;
import dev.csvimport.engine.operation.UserUpdateSink;
import dev.csvimport.engine.read.Cells;
import dev.csvimport.engine.read.Excerpt;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one data row into the operation it asks for, or into the one reason it cannot be applied.
 */
public final class RowChecker {

  public static final int MAX_PARAMS = 50;
  static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);
  static final Duration OLDEST_EVENT = Duration.ofDays(365);
  private static final String NULL = "null";

  private final Header header;
  private final Action defaultAction;
  private final Instant importTime;
  private final Instant shownImportTime;
  private final Instant latestEventTime;
  private final Instant oldestEventTime;

  /** The warnings of the row being told to a sink. */
  private final List<RowProblem> noticed = new ArrayList<>();

  /**
   * @param defaultAction the action of rows without an action cell, or null
   * @param importTime "now" for the rules about event times; fixed per import so the result is
   *     repeatable
   */
  public RowChecker(Header header, Action defaultAction, Instant importTime) {
    this.header = header;
    this.defaultAction = defaultAction;
    this.importTime = importTime;
    this.shownImportTime = importTime.truncatedTo(ChronoUnit.SECONDS);
    this.latestEventTime = importTime.plus(FUTURE_TOLERANCE);
    this.oldestEventTime = importTime.minus(OLDEST_EVENT);
  }

  /**
   * @param cells the row's cells, by column index
   * @param cellCount how many cells the row has
   */
  public RowResult check(long row, long line, Cells cells, int cellCount) {
    return check(row, line, cells, cellCount, null);
  }

  /**
   * {@link #check}, except that a setUserAttributes or track row that passes is told to {@code
   * rows} (from its {@code begin...} call on) instead of made into a {@link UserUpdate} or {@link
   * TrackedEvent}, and null is answered: what an import writes into chunks needs no objects. Any
   * other row is answered as {@link #check} answers it.
   *
   * @param rows where passing setUserAttributes and track rows go; null to make them into results
   *     as {@link #check} does
   */
  public RowResult check(long row, long line, Cells cells, int cellCount, OperationSink rows) {
    Column userKey = header.userKeyColumn();
    // Named in the failure when the row has it, even if the row fails for another reason.
    String userId =
        userKey != null && userKey.index() < cellCount
            ? emptyToNull(cells.cell(userKey.index()))
            : null;
    if (cellCount != header.size()) {
      return RowResult.failure(
          row,
          line,
          userId,
          RowProblem.ofRow(
              "the row has "
                  + cellCount
                  + " cells but the header has "
                  + header.size()
                  + ": look for an unquoted comma or a missing cell"));
    }
    try {
      Action action = action(cells);
      if (rows != null && action == Action.SET_USER_ATTRIBUTES) {
        refuseForeignCells(action, cells);
        rows.beginUserUpdate(requiredId(userKey, cells, "userId"));
        userUpdate(cells, rows);
        return null;
      }
      if (rows != null && action == Action.TRACK) {
        refuseForeignCells(action, cells);
        rows.beginTrackedEvent(requiredId(userKey, cells, "userId"));
        noticed.clear();
        trackedEvent(cells, rows, noticed);
        return null;
      }
      List<RowProblem> warnings = new ArrayList<>(0);
      Operation operation = operation(action, cells, warnings);
      return RowResult.success(row, line, operation, warnings);
    } catch (RowError e) {
      return RowResult.failure(row, line, userId, e.problem);
    }
  }

  private Action action(Cells cells) throws RowError {
    Column column = header.actionColumn();
    String cell = column == null ? null : emptyToNull(cells.cell(column.index()));
    if (cell == null) {
      if (defaultAction == null) {
        throw new RowError(
            column == null ? null : column.header(),
            null,
            column == null
                ? "the row has no action: give the import a default action ("
                    + Action.supportedNames()
                    + ") or add an action column"
                : "the row has no action: fill the action column, or give the import a default"
                    + " action ("
                    + Action.supportedNames()
                    + ")");
      }
      return defaultAction;
    }
    return Action.fromApiName(cell.trim())
        .orElseThrow(
            () ->
                new RowError(
                    column.header(),
                    cell,
                    "unknown action " + Excerpt.quote(cell) + ": use " + Action.supportedNames()));
  }

  private Operation operation(Action action, Cells cells, List<RowProblem> warnings)
      throws RowError {
    refuseForeignCells(action, cells);
    switch (action) {
      case SET_USER_ATTRIBUTES:
        UserUpdateBuilder user = new UserUpdateBuilder(header);
        user.beginUserUpdate(requiredId(header.userKeyColumn(), cells, "userId"));
        userUpdate(cells, user);
        return user.build();
      case TRACK:
        TrackedEventBuilder track = new TrackedEventBuilder(header);
        track.beginTrackedEvent(requiredId(header.userKeyColumn(), cells, "userId"));
        trackedEvent(cells, track, warnings);
        return track.build();
      case SET_DEVICE_ATTRIBUTES:
        return deviceUpdate(cells);
      default:
        throw new IllegalStateException("unhandled action " + action);
    }
  }

  private void refuseForeignCells(Action action, Cells cells) throws RowError {
    for (Column foreign : header.foreignColumnsOf(action)) {
      String cell = cells.cell(foreign.index());
      if (!cell.isEmpty()) {
        throw new RowError(
            foreign.header(),
            cell,
            "column "
                + Excerpt.quote(foreign.header())
                + " belongs to "
                + foreign.role().action().apiName()
                + " rows, and this row is "
                + action.apiName()
                + ": leave it empty");
      }
    }
  }

  private static String requiredId(Column column, Cells cells, String what) throws RowError {
    String id = column == null ? null : emptyToNull(cells.cell(column.index()));
    if (id == null || id.isBlank() || id.equals(NULL)) {
      throw new RowError(
          column == null ? what : column.header(),
          id,
          "the row has no " + what + (column == null ? " column" : ": fill it in"));
    }
    return checkedId(column, id);
  }

  private static String checkedId(Column column, String id) throws RowError {
    if (id.length() > Names.MAX_ID_CHARS) {
      throw new RowError(
          column.header(),
          id,
          "the id is "
              + id.length()
              + " characters long; ids may have at most "
              + Names.MAX_ID_CHARS);
    }
    return id;
  }

  /** Tells {@code out} what the row sets, column by column; {@code out} has begun the row. */
  private void userUpdate(Cells cells, UserUpdateSink out) throws RowError {
    for (Column column : header.columnsOf(Action.SET_USER_ATTRIBUTES)) {
      // Typed values are read from the cell's characters; text values need the cell's String.
      CharSequence chars = cells.chars(column.index());
      if (chars.length() == 0) {
        continue;
      }
      if (isNull(chars)) {
        if (column.role() == ColumnRole.USER_ATTRIBUTE) {
          out.attribute(column.name(), Removal.REMOVE);
        }
        continue;
      }
      try {
        switch (column.role()) {
          case USER_ATTRIBUTE:
            out.attribute(
                column.name(),
                column.type() == ValueType.STRING
                    ? cells.cell(column.index())
                    : column.type().parseChars(chars));
            break;
          case VALUES_TO_ADD:
            out.valuesToAdd(column.name(), values(cells.cell(column.index()), column.type()));
            break;
          case VALUES_TO_REMOVE:
            out.valuesToRemove(column.name(), values(cells.cell(column.index()), column.type()));
            break;
          case VALUES_TO_INCREMENT:
            out.increment(column.name(), NumberReader.wholeNumber(chars, "an increment"));
            break;
          case EVENT_HISTORY:
            out.eventField(
                column.name(),
                column.eventField(),
                eventFieldValue(column, cells.cell(column.index())));
            break;
          case CREATED:
            out.created(UnixSeconds.parseChars(chars));
            break;
          case LAST_ACTIVE:
            out.lastActive(UnixSeconds.parseChars(chars));
            break;
          default:
            break;
        }
      } catch (CellError e) {
        throw RowError.of(column, cells.cell(column.index()), e);
      }
    }
  }

  /**
   * {@code fields} with the entry added, made when it is null. The header names each thing a row
   * sets once (two columns setting the same attribute, parameter or value list are refused), so the
   * name is new to the map.
   */
  private <V> Fields<V> with(Fields<V> fields, Column column, V value) {
    return (fields == null ? new Fields<V>(header.count(column.role())) : fields)
        .append(column.name(), value);
  }

  private static <V> Map<String, V> orEmpty(Map<String, V> map) {
    return map == null ? Map.of() : map;
  }

  /** A cell of a values-to-add or -remove column: a list [a, b] or a single value. */
  private static List<Object> values(String cell, ValueType elementType) throws CellError {
    String trimmed = cell.trim();
    ValueType element = elementType == ValueType.LIST ? ValueType.STRING : elementType;
    if (trimmed.startsWith("[")) {
      return ValueType.parseList(trimmed, element);
    }
    return List.of(element.parse(cell));
  }

  private static Object eventFieldValue(Column column, String cell) throws CellError {
    return column.eventField().endsWith("Time")
        ? UnixSeconds.parse(cell)
        : column.type().parse(cell);
  }

  /** Tells {@code out} the row's parameters, then its event; {@code out} has begun the row. */
  private void trackedEvent(Cells cells, TrackedEventSink out, List<RowProblem> warnings)
      throws RowError {
    String event = null;
    Instant time = importTime;
    Double value = null;
    String currencyCode = null;
    String info = null;
    int params = 0;
    for (Column column : header.columnsOf(Action.TRACK)) {
      // Typed values are read from the cell's characters; text values need the cell's String.
      CharSequence chars = cells.chars(column.index());
      if (chars.length() == 0 || isNull(chars)) {
        continue;
      }
      try {
        switch (column.role()) {
          case EVENT:
            String cell = cells.cell(column.index());
            String problem = Names.problem(cell);
            if (problem != null) {
              throw new CellError(Excerpt.quote(cell) + " cannot be an event name: " + problem);
            }
            event = cell;
            break;
          case TIME:
            time = eventTime(UnixSeconds.parseChars(chars), column, cells, warnings);
            break;
          case VALUE:
            value = NumberReader.decimal(chars);
            break;
          case CURRENCY_CODE:
            currencyCode = currencyCode(cells.cell(column.index()));
            break;
          case INFO:
            info = cells.cell(column.index());
            break;
          case PARAM:
            out.param(
                column.name(),
                column.type() == ValueType.STRING
                    ? cells.cell(column.index())
                    : column.type().parseChars(chars));
            params++;
            break;
          default:
            break;
        }
      } catch (CellError e) {
        throw RowError.of(column, cells.cell(column.index()), e);
      }
    }
    if (event == null) {
      throw new RowError("event", null, "the row has no event: track rows need the event's name");
    }
    if (params > MAX_PARAMS) {
      throw new RowError(
          null, null, "the row has " + params + " params; an event may have at most " + MAX_PARAMS);
    }
    out.event(event, time, value, currencyCode, info, warnings);
  }

  private Instant eventTime(Instant time, Column column, Cells cells, List<RowProblem> warnings)
      throws CellError {
    String cell =
        time.isAfter(latestEventTime) || time.isBefore(oldestEventTime)
            ? cells.cell(column.index())
            : null;
    if (time.isAfter(latestEventTime)) {
      throw new CellError(
          Excerpt.quote(cell)
              + " ("
              + time
              + ") is more than a day after the import ("
              + shownImportTime
              + "): events cannot be in the future");
    }
    if (time.isBefore(oldestEventTime)) {
      warnings.add(
          new RowProblem(
              column.header(),
              cell,
              "the event time "
                  + time
                  + " is more than 365 days before"
                  + " the import, so the event is recorded at the import time "
                  + shownImportTime));
      return importTime;
    }
    return time;
  }

  private static String currencyCode(String cell) throws CellError {
    String code = cell.trim();
    boolean letters = code.length() == 3;
    for (int i = 0; letters && i < 3; i++) {
      char c = Character.toUpperCase(code.charAt(i));
      letters = c >= 'A' && c <= 'Z';
    }
    if (!letters) {
      throw new CellError(
          Excerpt.quote(cell)
              + " is not a currency code: use the three letters of ISO 4217, like USD");
    }
    return code.toUpperCase(Locale.ROOT);
  }

  private DeviceUpdate deviceUpdate(Cells cells) throws RowError {
    String deviceId = requiredId(header.deviceIdColumn(), cells, "deviceId");
    Column userKey = header.userKeyColumn();
    String userId = userKey == null ? null : emptyToNull(cells.cell(userKey.index()));
    userId = userId == null || userId.equals(NULL) ? deviceId : checkedId(userKey, userId);
    Fields<Object> attributes = null;
    for (Column column : header.columnsOf(Action.SET_DEVICE_ATTRIBUTES)) {
      if (column.role() != ColumnRole.DEVICE_ATTRIBUTE) {
        continue;
      }
      String cell = cells.cell(column.index());
      if (!cell.isEmpty()) {
        attributes = with(attributes, column, cell.equals(NULL) ? Removal.REMOVE : cell);
      }
    }
    return new DeviceUpdate(userId, deviceId, orEmpty(attributes));
  }

  /**
   * Whether a cell is the text null, which removes a value; most cells are not four characters
   * long.
   */
  private static boolean isNull(CharSequence chars) {
    return chars.length() == 4 && NULL.contentEquals(chars);
  }

  private static String emptyToNull(String cell) {
    return cell == null || cell.isEmpty() ? null : cell;
  }

  /** Ends the checking of a row with its one failure. */
  private static final class RowError extends Exception {
    final RowProblem problem;

    RowError(String column, String value, String message) {
      super(message, null, false, false);
      this.problem = new RowProblem(column, value, message);
    }

    static RowError of(Column column, String cell, CellError error) {
      return new RowError(column.header(), cell, error.getMessage());
    }
  }
}
