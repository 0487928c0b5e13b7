package dev.csvimport.ports;

import java.util.Map;

/**
 * What a job's partitions have applied so far, summed over their cursors.
 *
 * @param rows rows applied, failed or skipped
 * @param skipped rows skipped for a user not found (an import that updates existing users only)
 * @param allApplied whether every chunk of a complete fan-out is applied
 * @param operations the billable operations of the transactions that applied them, by name (reads,
 *     writes, deletes, transactions, attempts, millis)
 */
public record PartitionTotals(
    long rows,
    long successes,
    long failures,
    long skipped,
    boolean allApplied,
    Map<String, Long> operations) {

  /** The totals of a job that ended: its own document holds its counts. */
  public static final PartitionTotals NONE = new PartitionTotals(0, 0, 0, 0, true, Map.of());

  public PartitionTotals {
    operations = Map.copyOf(operations);
  }

  public PartitionTotals(long rows, long successes, long failures, boolean allApplied) {
    this(rows, successes, failures, 0, allApplied, Map.of());
  }
}
