package dev.csvimport.runner;

import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.job.Job;
import java.time.Duration;
import java.time.Instant;

/** Jobs created and never fanned out (no file behind them): what the cancel tests stop. */
final class UnstartedJobs {

  private UnstartedJobs() {}

  /** A PENDING setUserAttributes job of {@code appId} in the local bucket, created now. */
  static Job create(
      LocalCloud cloud, String appId, String jobId, String object, String name, String uploadedBy)
      throws Exception {
    Instant now = Instant.now();
    return cloud
        .stages()
        .jobs()
        .createIfAbsent(
            Job.create(
                appId,
                jobId,
                LocalCloud.BUCKET,
                object,
                1,
                "setUserAttributes",
                name,
                uploadedBy,
                now,
                ChunkLimits.DEFAULT,
                now.plus(Duration.ofDays(1))));
  }
}
