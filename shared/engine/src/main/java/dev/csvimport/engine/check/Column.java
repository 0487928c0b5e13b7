package dev.csvimport.engine.check;

/**
 * One column of the header, understood.
 *
 * @param index position in the row, from 0
 * @param header the header cell as written, for messages
 * @param role what the column means
 * @param name the attribute, event, parameter or device argument it names; null for roles without a
 *     name
 * @param eventField for {@link ColumnRole#EVENT_HISTORY}: count, countIncrement, value,
 *     valueIncrement, firstTime or lastTime
 * @param type how its cells become values
 */
public record Column(
    int index, String header, ColumnRole role, String name, String eventField, ValueType type) {}
