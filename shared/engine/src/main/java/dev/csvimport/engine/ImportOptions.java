package dev.csvimport.engine;

import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.read.Delimiter;
import java.time.Instant;

/**
 * What the file itself does not say.
 *
 * @param defaultAction the action of rows without an action cell, as given by the uploader (null:
 *     none given)
 * @param importTime "now" for the rules on event times; an import keeps one, so re-reading it gives
 *     the same chunks
 * @param firstSegment the segment from which chunks are emitted; earlier ones were emitted before a
 *     resume
 * @param delimiter what separates the cells; null to tell it from the header line
 * @param mapping what the columns are read as, in place of the header's cells
 */
public record ImportOptions(
    String defaultAction,
    Instant importTime,
    int firstSegment,
    Delimiter delimiter,
    ColumnMapping mapping) {

  public ImportOptions(String defaultAction, Instant importTime) {
    this(defaultAction, importTime, 0, null, ColumnMapping.NONE);
  }

  public ImportOptions resumingAt(int segment) {
    return new ImportOptions(defaultAction, importTime, segment, delimiter, mapping);
  }

  public ImportOptions withDelimiter(Delimiter given) {
    return new ImportOptions(defaultAction, importTime, firstSegment, given, mapping);
  }

  public ImportOptions withMapping(ColumnMapping given) {
    return new ImportOptions(defaultAction, importTime, firstSegment, delimiter, given);
  }
}
