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
}
