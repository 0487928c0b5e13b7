package dev.csvimport.job;

/** Leanplum's job states. */
public enum JobState {
  /** Known, not yet started. */
  PENDING,
  /** Rows are being read and applied. */
  RUNNING,
  /** Every row ended as a success or a failure. */
  FINISHED,
  /** The file could not be imported at all; nothing of it was applied. */
  FAILED;

  public boolean ended() {
    return this == FINISHED || this == FAILED;
  }

  /**
   * Whether a job in this state may become {@code next}: a PENDING job may start; a job that has
   * not ended may end, FINISHED or FAILED; nothing leaves an ended state, so a job ends once.
   */
  public boolean mayBecome(JobState next) {
    return switch (this) {
      case PENDING -> next != PENDING;
      case RUNNING -> next.ended();
      case FINISHED, FAILED -> false;
    };
  }
}
