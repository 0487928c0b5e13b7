package dev.csvimport.engine;

import dev.csvimport.engine.check.Column;
import dev.csvimport.engine.check.ColumnRole;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Operation;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The first rows of a file as an import would check and apply them, for a person to read before
 * uploading: what each column means, and each row's values as they would be applied, or its
 * failure.
 *
 * @param columns the header, understood
 * @param rows the first rows
 * @param rowsRead data rows in the part of the file read (all of them were checked for file-level
 *     failures)
 */
public record Preview(List<Column> columns, List<Row> rows, long rowsRead) {

  /**
   * One row: its result, its cells as written, and for each column the value it would apply: a
   * typed value (Long, Double, Boolean, String, List, Instant), {@link
   * dev.csvimport.engine.operation.Removal#REMOVE}, or null when the cell leaves things unchanged
   * (or the row failed).
   */
  public record Row(RowResult result, List<String> cells, List<Object> values) {}

  static Row row(List<Column> columns, RowResult result, List<String> cells) {
    if (!result.succeeded()) {
      return new Row(result, cells, Collections.nCopies(columns.size(), null));
    }
    List<Object> values = new ArrayList<>(columns.size());
    for (Column column : columns) {
      values.add(valueOf(column, result.operation()));
    }
    return new Row(result, cells, Collections.unmodifiableList(values));
  }

  /** What the column sets in the operation, or null when it sets nothing. */
  private static Object valueOf(Column column, Operation operation) {
    if (column.role() == ColumnRole.USER_KEY) {
      return operation.userId();
    }
    if (column.role() == ColumnRole.ACTION) {
      return operation.action().apiName();
    }
    if (operation instanceof UserUpdate user) {
      switch (column.role()) {
        case USER_ATTRIBUTE:
          return user.attributes().get(column.name());
        case VALUES_TO_ADD:
          return user.valuesToAdd().get(column.name());
        case VALUES_TO_REMOVE:
          return user.valuesToRemove().get(column.name());
        case VALUES_TO_INCREMENT:
          return user.valuesToIncrement().get(column.name());
        case EVENT_HISTORY:
          EventHistory history = user.events().get(column.name());
          return history == null ? null : history.setFields().get(column.eventField());
        case CREATED:
          return user.created();
        case LAST_ACTIVE:
          return user.lastActive();
        default:
          return null;
      }
    }
    if (operation instanceof TrackedEvent track) {
      switch (column.role()) {
        case EVENT:
          return track.event();
        case TIME:
          return track.time();
        case VALUE:
          return track.value();
        case CURRENCY_CODE:
          return track.currencyCode();
        case INFO:
          return track.info();
        case PARAM:
          return track.params().get(column.name());
        default:
          return null;
      }
    }
    if (operation instanceof DeviceUpdate device) {
      switch (column.role()) {
        case DEVICE_ID:
          return device.deviceId();
        case DEVICE_ATTRIBUTE:
          return device.attributes().get(column.name());
        default:
          return null;
      }
    }
    return null;
  }

  /** What a column means, in words a person reads in the preview's header. */
  public static String meaning(Column column) {
    String type = column.type() == null ? "" : " (" + column.type().declaration() + ")";
    switch (column.role()) {
      case ACTION:
        return "the row's action";
      case USER_KEY:
        return "user key";
      case DEVICE_ID:
        return "device id";
      case USER_ATTRIBUTE:
        return "attribute " + column.name() + type;
      case VALUES_TO_ADD:
        return "adds values to " + column.name() + type;
      case VALUES_TO_REMOVE:
        return "removes values from " + column.name() + type;
      case VALUES_TO_INCREMENT:
        return "increments " + column.name();
      case EVENT_HISTORY:
        return "event history " + column.name() + ": " + column.eventField();
      case CREATED:
        return "when the user was created";
      case LAST_ACTIVE:
        return "when the user was last active";
      case EVENT:
        return "event name";
      case TIME:
        return "event time";
      case VALUE:
        return "event value";
      case CURRENCY_CODE:
        return "currency code";
      case INFO:
        return "event info";
      case PARAM:
        return "event parameter " + column.name() + type;
      case DEVICE_ATTRIBUTE:
        return "device field " + column.name();
      case NOTE:
        return "a note, not imported";
      default:
        return column.role().name().toLowerCase(Locale.ROOT);
    }
  }
}
