package dev.csvimport.engine;

/**
 * What reading a file produced.
 *
 * @param rows data rows read
 * @param failedRows rows that failed their checks (the rest carry an operation)
 * @param chunksPerPartition chunks cut from each partition, by partition
 * @param segments segments the file was cut into
 */
public record ImportSummary(long rows, long failedRows, int[] chunksPerPartition, int segments) {

  public long chunks() {
    long total = 0;
    for (int count : chunksPerPartition) {
      total += count;
    }
    return total;
  }
}
