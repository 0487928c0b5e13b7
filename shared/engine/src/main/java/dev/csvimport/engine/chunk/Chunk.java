package dev.csvimport.engine.chunk;

import dev.csvimport.engine.operation.RowResult;
import java.util.List;

/**
 * Rows about the users of one partition, in file order.
 *
 * @param partition the ordered stream it belongs to
 * @param sequence its position in the partition, from 0
 * @param segment the segment of the file it was cut from, from 0
 * @param rows the rows, in file order
 */
public record Chunk(int partition, int sequence, int segment, List<RowResult> rows) {

  public Chunk {
    rows = List.copyOf(rows);
  }
}
