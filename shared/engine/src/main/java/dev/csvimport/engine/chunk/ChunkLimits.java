package dev.csvimport.engine.chunk;

/**
 * How rows are grouped. Changing any of these changes which rows form which chunk, so an import
 * keeps the limits it started with.
 *
 * @param partitions how many ordered streams the rows are spread over (by user)
 * @param maxRows most rows in a chunk, at most 200: a chunk is applied in one Firestore
 *     transaction, which takes 500 writes, and a row writes at most two documents
 * @param maxBytes most bytes of a serialized chunk; also the largest row that can be imported
 * @param segmentRows every this many rows every partition's open chunk is closed, so that the
 *     chunks of a file do not depend on where a fan-out stopped and resumed
 */
public record ChunkLimits(int partitions, int maxRows, int maxBytes, int segmentRows) {

  /**
   * 200 rows keeps a chunk's transaction at 402 writes or fewer; 512 KiB lets a waiting chunk be
   * parked in a document.
   */
  public static final ChunkLimits DEFAULT = new ChunkLimits(32, 200, 512 * 1024, 50_000);

  /**
   * These limits for a file of {@code rows} data rows: one partition per chunk the rows fill, so a
   * small file uses few and a large one all of {@link #partitions()}, which is then the most a job
   * may use.
   */
  public ChunkLimits sizedFor(long rows) {
    long chunks = Math.max(1, (rows + maxRows - 1) / maxRows);
    return new ChunkLimits((int) Math.min(partitions, chunks), maxRows, maxBytes, segmentRows);
  }

  public ChunkLimits {
    if (partitions < 1 || maxRows < 1 || maxRows > 200 || maxBytes < 1024 || segmentRows < 1) {
      throw new IllegalArgumentException(
          "chunk limits out of range: "
              + partitions
              + ", "
              + maxRows
              + ", "
              + maxBytes
              + ", "
              + segmentRows);
    }
  }
}
