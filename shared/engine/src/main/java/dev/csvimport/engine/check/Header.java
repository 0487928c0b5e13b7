package dev.csvimport.engine.check;

import dev.csvimport.engine.operation.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * The header row, understood: every column's role, and for each action the columns its rows read.
 */
public final class Header {

  private final List<Column> columns;
  private final Column actionColumn;
  private final Column userKeyColumn;
  private final Column deviceIdColumn;
  // By action ordinal: arrays, since every row walks them.
  private final Column[][] columnsByAction = new Column[Action.values().length][];
  private final Column[][] foreignColumnsByAction = new Column[Action.values().length][];
  private final int[] columnsByRole = new int[ColumnRole.values().length];

  Header(List<Column> columns) {
    this.columns = List.copyOf(columns);
    this.actionColumn = find(ColumnRole.ACTION);
    this.userKeyColumn = find(ColumnRole.USER_KEY);
    this.deviceIdColumn = find(ColumnRole.DEVICE_ID);
    columns.forEach(column -> columnsByRole[column.role().ordinal()]++);
    for (Action action : Action.values()) {
      List<Column> own = new ArrayList<>();
      List<Column> foreign = new ArrayList<>();
      for (Column column : columns) {
        (column.role().appliesTo(action) ? own : foreign).add(column);
      }
      columnsByAction[action.ordinal()] = own.toArray(new Column[0]);
      foreignColumnsByAction[action.ordinal()] = foreign.toArray(new Column[0]);
    }
  }

  private Column find(ColumnRole role) {
    return columns.stream().filter(c -> c.role() == role).findFirst().orElse(null);
  }

  public List<Column> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  /** The {@code action} column, or null. */
  public Column actionColumn() {
    return actionColumn;
  }

  /** The {@code userId} (or {@code identity}, {@code objectId}) column, or null. */
  public Column userKeyColumn() {
    return userKeyColumn;
  }

  /** The {@code deviceId} column, or null. */
  public Column deviceIdColumn() {
    return deviceIdColumn;
  }

  /** How many columns have this role. */
  int count(ColumnRole role) {
    return columnsByRole[role.ordinal()];
  }

  /**
   * The columns a row of this action reads, in header order (the header's own array: not to be
   * changed).
   */
  Column[] columnsOf(Action action) {
    return columnsByAction[action.ordinal()];
  }

  /** The columns that belong to other actions: a row of this action must leave them empty. */
  Column[] foreignColumnsOf(Action action) {
    return foreignColumnsByAction[action.ordinal()];
  }
}
