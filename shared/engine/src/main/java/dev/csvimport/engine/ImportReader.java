package dev.csvimport.engine;

import dev.csvimport.engine.check.Header;
import dev.csvimport.engine.check.HeaderParser;
import dev.csvimport.engine.check.RowChecker;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.chunk.Chunker;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.OperationSink;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.CsvRecords;
import dev.csvimport.engine.read.Decompression;
import dev.csvimport.engine.read.Excerpt;
import dev.csvimport.engine.read.FileFailure;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The import engine's door: a CSV file in, chunks of checked rows out, streaming, so memory does
 * not grow with the file. A file that cannot be imported at all ends in one {@link FileFailure}.
 */
public final class ImportReader {

  private final ChunkLimits limits;

  public ImportReader(ChunkLimits limits) {
    this.limits = limits;
  }

  /**
   * Reads the file to the end without emitting anything, to find a {@link FileFailure} before any
   * row is applied: bytes that are not UTF-8 text or broken quoting show only where they are.
   */
  public long check(InputStream csv, ImportOptions options) throws FileFailure {
    Action defaultAction = defaultAction(options);
    try (CsvRecords records = records(csv, options)) {
      HeaderParser.parse(options.mapping().apply(records.header()), defaultAction);
      long rows = 0;
      while (records.next()) {
        rows++;
      }
      return rows;
    }
  }

  /**
   * Reads, checks and chunks every row, giving each chunk to {@code sink} as it closes.
   *
   * @throws FileFailure when the file cannot be imported; chunks may have been emitted before a
   *     failure found late in the file, which is why callers that apply chunks {@link #check} first
   * @throws Exception what the sink throws
   */
  public ImportSummary read(InputStream csv, ImportOptions options, Chunker.Sink sink)
      throws Exception {
    return read(csv, options, sink, failure -> {});
  }

  /**
   * {@link #read}, telling {@code failures} each row that fails, in file order, as its chunk will
   * carry it.
   */
  public ImportSummary read(
      InputStream csv, ImportOptions options, Chunker.Sink sink, Consumer<RowResult> failures)
      throws Exception {
    Action defaultAction = defaultAction(options);
    try (CsvRecords records = records(csv, options)) {
      Header header = HeaderParser.parse(options.mapping().apply(records.header()), defaultAction);
      RowChecker checker = new RowChecker(header, defaultAction, options.importTime());
      Chunker chunker = new Chunker(limits, sink, options.firstSegment());
      long rows = 0;
      long failed = 0;
      // A passing setUserAttributes or track row goes straight into its chunk's JSON, without the
      // objects of a result.
      OperationSink rowSink = chunker.rowSink();
      while (records.next()) {
        rows++;
        RowResult checked =
            checker.check(rows, records.line(), records, records.cellCount(), rowSink);
        RowResult added =
            checked == null ? chunker.addTold(rows, records.line()) : chunker.add(checked);
        if (added != null && !added.succeeded()) {
          failed++;
          failures.accept(added);
        }
      }
      chunker.finish();
      return new ImportSummary(rows, failed, chunker.chunksPerPartition(), chunker.segments());
    }
  }

  /**
   * Reads the whole of {@code csv} (a file's first part, for a person to look at before uploading)
   * as an import would, keeping the first {@code maxRows} rows with the values they would apply.
   *
   * @throws FileFailure when the part read cannot be imported (not UTF-8, broken quoting, a bad
   *     header)
   */
  public Preview preview(InputStream csv, ImportOptions options, int maxRows) throws FileFailure {
    Action defaultAction = defaultAction(options);
    try (CsvRecords records = records(csv, options)) {
      Header header = HeaderParser.parse(options.mapping().apply(records.header()), defaultAction);
      RowChecker checker = new RowChecker(header, defaultAction, options.importTime());
      List<Preview.Row> rows = new ArrayList<>();
      long read = 0;
      while (records.next()) {
        read++;
        if (rows.size() < maxRows) {
          List<String> cells = new ArrayList<>(records.cellCount());
          for (int i = 0; i < records.cellCount(); i++) {
            cells.add(records.cell(i));
          }
          rows.add(
              Preview.row(
                  header.columns(),
                  checker.check(read, records.line(), records, records.cellCount()),
                  List.copyOf(cells)));
        }
      }
      return new Preview(header.columns(), rows, read);
    }
  }

  /**
   * The file's header line as written, before any mapping: what a person maps.
   *
   * @throws FileFailure when not even the header can be read (not UTF-8, broken quoting, empty)
   */
  public static List<String> fileHeader(InputStream csv, ImportOptions options) throws FileFailure {
    try (CsvRecords records = records(csv, options)) {
      return List.copyOf(records.header());
    }
  }

  /**
   * The file's records: decompressed if it is gzip-compressed, its cells separated as given or as
   * its header line tells.
   */
  private static CsvRecords records(InputStream csv, ImportOptions options) throws FileFailure {
    InputStream bytes = Decompression.of(csv);
    return CsvRecords.open(bytes, options.delimiter());
  }

  private static Action defaultAction(ImportOptions options) throws FileFailure {
    String name = options.defaultAction();
    if (name == null || name.isEmpty()) {
      return null;
    }
    return Action.fromApiName(name)
        .orElseThrow(
            () ->
                new FileFailure(
                    "unknown action " + Excerpt.quote(name) + ": use " + Action.supportedNames()));
  }
}
