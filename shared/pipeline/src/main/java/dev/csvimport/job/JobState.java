package dev.csvimport.job;

/** Leanplum's job states, and the two of a cancel. */
public enum JobState {
  /** Known, not yet started. */
  PENDING,
  /** Rows are being read and applied. */
  RUNNING,
  /**
   * Cancelled while a chunk was being applied in slices: that chunk is finished, no other chunk is
   * applied, and the job ends CANCELLED once no chunk is part-applied.
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
   * not ended may end (FINISHED, FAILED or CANCELLED) or, running, be cancelling; nothing leaves an
   * ended state, so a job ends once.
   */
  public boolean mayBecome(JobState next) {
    return switch (this) {
      case PENDING -> next == RUNNING || next.ended();
      case RUNNING -> next.ended() || next == CANCELLING;
      case CANCELLING -> next.ended();
      case FINISHED, FAILED, CANCELLED -> false;
    };
  }
}
