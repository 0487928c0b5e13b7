package dev.csvimport.fanout;

import dev.csvimport.job.Job;
import dev.csvimport.job.JobIds;
import java.time.Clock;
import java.time.Instant;

/**
 * New jobs, not yet stored: PENDING, created now, with this deployment's chunk limits and
 * retention.
 */
public final class NewJobs {

  private final FanOutSettings settings;
  private final Clock clock;

  public NewJobs(FanOutSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** The job of an object's finalize event: one per object generation, whatever is redelivered. */
  public Job forObject(NewImport object) {
    return create(object, JobIds.of(object.bucket(), object.object(), object.generation()));
  }

  /**
   * The job of an API request to import an object: each request is its own job, as each Leanplum
   * multi call is.
   */
  public Job forRequest(NewImport object, String requestId) {
    return create(
        object,
        JobIds.of(object.bucket(), object.object() + "#request:" + requestId, object.generation()));
  }

  private Job create(NewImport object, String jobId) {
    Instant now = clock.instant();
    return Job.create(
            object.appId(),
            jobId,
            object.bucket(),
            object.object(),
            object.generation(),
            object.action(),
            object.name(),
            object.uploadedBy(),
            now,
            settings.limits(),
            now.plus(settings.retention()))
        .withChoices(
            object.delimiter(), object.createDisposition(), object.dryRun(), object.mapping());
  }
}
