package dev.csvimport.ports;

import dev.csvimport.job.Job;
import java.time.Duration;

/**
 * Where a job's fan-out lease is kept: the right of one invocation (its owner) to fan the job out
 * until a time, and the checkpoints only that owner may write. Each call is one transaction on the
 * job.
 */
public interface LeaseStore {

  /**
   * A transaction on the job's lease, as billed: each attempt read the job once (a retry on
   * contention is one more), and it wrote the job once if {@code wrote}.
   *
   * @param wrote for taking the lease, whether it was taken; otherwise, whether {@code owner} held
   *     it, and so wrote
   */
  record Transaction(boolean wrote, int attempts) {}

  /**
   * Takes the lease until {@code term} from now, unless another owner holds one that has not run
   * out. The same owner (a redelivered event) takes it back at once.
   */
  Transaction acquire(Job job, String owner, Duration term) throws StoreException;

  /**
   * Extends {@code owner}'s lease to {@code term} from now: a live fan-out's heartbeat. Writes
   * nothing when the lease is no longer {@code owner}'s (it ran out and another took the job).
   */
  Transaction renew(Job job, String owner, Duration term) throws StoreException;

  /**
   * Records the fan-out's checkpoint, {@code segments} published and {@code rowsRead}, and extends
   * {@code owner}'s lease, in one transaction that only the lease's holder passes: an invocation
   * that lost the job can never move another's checkpoint.
   */
  Transaction checkpoint(Job job, String owner, int segments, long rowsRead, Duration term)
      throws StoreException;

  /** Gives the lease back if {@code owner} holds it. */
  Transaction release(Job job, String owner) throws StoreException;
}
