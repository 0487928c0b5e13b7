package dev.csvimport.job;

/** Leanplum's job states, and the two of a cancel. */
public enum JobState {
  /** Known, not yet started. */
  PENDING,
  /** Rows are being read and applied. */
  RUNNING,
  /**
   * Cancelled, not yet ended: no chunk is applied but the rest of one part-applied in slices, and
   * the job ends CANCELLED once none is and its results files are written.
   */
  CANCELLING,
  /** Every row ended as a success or a failure. */
  FINISHED,
  /** The file could not be imported at all; nothing of it was applied. */
  FAILED,
  /** Stopped on request at a chunk boundary: what was applied stays, and nothing more is. */
  CANCELLED;

  public boolean ended() {
    return this == FINISHED || this == FAILED || this == CANCELLED;
  }

  /** Whether the job's file may still be fanned out: not once it ends or is being cancelled. */
  public boolean fansOut() {
    return this == PENDING || this == RUNNING;
  }

  /**
   * Whether a job in this state may become {@code next}: a PENDING job may start; a job that has
   * not ended may end FINISHED or FAILED, or be cancelling, and a cancelling job only ends
   * CANCELLED; nothing leaves an ended state, so a job ends once.
   */
  public boolean mayBecome(JobState next) {
    return switch (this) {
      case PENDING -> next == RUNNING || next == CANCELLING || next.endsUncancelled();
      case RUNNING -> next == CANCELLING || next.endsUncancelled();
      case CANCELLING -> next == CANCELLED;
      case FINISHED, FAILED, CANCELLED -> false;
    };
  }

  private boolean endsUncancelled() {
    return this == FINISHED || this == FAILED;
  }
}
