package dev.csvimport.engine;

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
 */
public record ImportOptions(String defaultAction, Instant importTime, int firstSegment) {

  public ImportOptions(String defaultAction, Instant importTime) {
    this(defaultAction, importTime, 0);
  }

  public ImportOptions resumingAt(int segment) {
    return new ImportOptions(defaultAction, importTime, segment);
  }
}
