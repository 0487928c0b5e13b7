package dev.csvimport.job;

import java.time.Instant;
import java.util.List;

/** Jobs for unit tests: a {@link Job#create created} job moved on to where a test needs it. */
public final class TestJobs {

  private TestJobs() {}

  /**
   * {@code created} checked and fanned out over {@code chunksPerPartition} (empty: still fanning
   * out) with one segment published, in {@code state}.
   */
  public static Job fannedOut(
      Job created, JobState state, long rowsRead, List<Integer> chunksPerPartition) {
    return withOutcome(created, state, null, rowsRead, chunksPerPartition, 0, 0, null, null);
  }

  /**
   * {@code created} fanned out as {@link #fannedOut} does, in {@code state} with these counts,
   * files and notice.
   */
  public static Job withOutcome(
      Job created,
      JobState state,
      Instant finishedAt,
      long rowsRead,
      List<Integer> chunksPerPartition,
      long successesCount,
      long failuresCount,
      String resultsFile,
      JobNotice notice) {
    return new Job(
        created.appId(),
        created.jobId(),
        created.bucket(),
        created.object(),
        created.generation(),
        created.action(),
        created.name(),
        created.uploadedBy(),
        state,
        created.createdAt(),
        finishedAt,
        created.limits(),
        true,
        1,
        rowsRead,
        chunksPerPartition,
        successesCount,
        failuresCount,
        null,
        resultsFile,
        created.expireAt(),
        null,
        null,
        null,
        null,
        0,
        false,
        null,
        null,
        notice);
  }
}
