package dev.csvimport.engine.chunk;

import dev.csvimport.engine.operation.OperationSink;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;

/**
 * Groups checked rows into chunks: rows are spread over partitions by user, and each partition is
 * cut into chunks in file order, bounded by rows and bytes. The chunks are a function of the rows
 * alone.
 */
public final class Chunker {

  /** Receives each chunk as soon as it is closed. */
  @FunctionalInterface
  public interface Sink {
    void accept(EncodedChunk chunk) throws Exception;
  }

  private final ChunkLimits limits;
  private final Sink sink;
  private final OpenChunk[] open;
  private final int[] nextSequence;
  private int segment;
  private long rowsInSegment;
  private final int firstEmittedSegment;
  private final RowWriter told = new RowWriter();

  public Chunker(ChunkLimits limits, Sink sink) {
    this(limits, sink, 0);
  }

  /**
   * @param firstEmittedSegment chunks of earlier segments are counted but not given to the sink (a
   *     resume)
   */
  public Chunker(ChunkLimits limits, Sink sink, int firstEmittedSegment) {
    this.limits = limits;
    this.sink = sink;
    this.firstEmittedSegment = firstEmittedSegment;
    this.open = new OpenChunk[limits.partitions()];
    this.nextSequence = new int[limits.partitions()];
    for (int p = 0; p < open.length; p++) {
      open[p] = new OpenChunk();
    }
  }

  /**
   * Adds a row; a row that would not fit any chunk is replaced by its failure.
   *
   * @return the row as it travels: {@code row}, or its failure
   */
  public RowResult add(RowResult row) throws Exception {
    RowResult tooLarge = place(ChunkCodec.rowBytes(row), row.row(), row.line(), row.userId());
    return tooLarge == null ? row : tooLarge;
  }

  /**
   * Where setUserAttributes and track rows are told as they are checked, for {@link #addTold} to
   * add without a result.
   */
  public OperationSink rowSink() {
    return told;
  }

  /**
   * Adds the row last told to {@link #rowSink}, as {@link #add} adds its result.
   *
   * @return null when it travels as a success; the failure that replaces it when it would not fit
   *     any chunk
   */
  public RowResult addTold(long row, long line) throws Exception {
    return place(ChunkCodec.writtenRowBytes(row, line, told), row, line, told.userId());
  }

  /**
   * Puts a row's JSON into its partition's chunk; answers the failure that replaces a row too
   * large, else null.
   */
  private RowResult place(JsonBytes json, long row, long line, String userId) throws Exception {
    int bytes = json.size();
    RowResult tooLarge = null;
    if (bytes + ChunkCodec.ENVELOPE_BYTES > limits.maxBytes()) {
      tooLarge =
          RowResult.failure(
              row,
              line,
              userId,
              RowProblem.ofRow(
                  "the row is "
                      + bytes
                      + " bytes once read; a"
                      + " row may be at most "
                      + (limits.maxBytes() - ChunkCodec.ENVELOPE_BYTES)));
      json = ChunkCodec.rowBytes(tooLarge);
      bytes = json.size();
    }
    int partition = Partitions.of(userId, limits.partitions());
    OpenChunk chunk = open[partition];
    if (chunk.rows > 0 && chunk.bytes + bytes + 1 + ChunkCodec.ENVELOPE_BYTES > limits.maxBytes()) {
      close(partition);
    }
    if (chunk.rows > 0) {
      chunk.json.comma();
    }
    chunk.json.append(json);
    chunk.rows++;
    chunk.bytes += bytes + 1;
    if (chunk.rows >= limits.maxRows()) {
      close(partition);
    }
    if (++rowsInSegment >= limits.segmentRows()) {
      endSegment();
    }
    return tooLarge;
  }

  /** Closes every open chunk: call once after the last row. */
  public void finish() throws Exception {
    closeAll();
  }

  /** How many chunks each partition received, by partition. */
  public int[] chunksPerPartition() {
    return nextSequence.clone();
  }

  /** How many segments the rows so far began. */
  public int segments() {
    return rowsInSegment == 0 ? segment : segment + 1;
  }

  private void endSegment() throws Exception {
    closeAll();
    segment++;
    rowsInSegment = 0;
  }

  private void closeAll() throws Exception {
    for (int p = 0; p < open.length; p++) {
      if (open[p].rows > 0) {
        close(p);
      }
    }
  }

  private void close(int partition) throws Exception {
    OpenChunk chunk = open[partition];
    int sequence = nextSequence[partition]++;
    if (segment >= firstEmittedSegment) {
      byte[] payload =
          ChunkCodec.encode(partition, sequence, segment, chunk.json.bytes(), chunk.json.size());
      sink.accept(new EncodedChunk(partition, sequence, segment, chunk.rows, payload));
    }
    chunk.json.reset();
    chunk.rows = 0;
    chunk.bytes = 0;
  }

  /** A partition's chunk being filled: its rows' JSON, comma-separated. */
  private static final class OpenChunk {
    final JsonBytes json = new JsonBytes();
    int rows;
    int bytes;
  }
}
