package dev.csvimport.notify;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.csvimport.job.Job;
import java.time.Instant;
import java.util.Map;

/**
 * The message that tells a job's end, the same on the job-events topic and in a webhook's body
 * (docs/api.md has its schema). Its {@code eventId} is the same for every copy of one job's end:
 * delivery is at least once, and a receiver drops a copy it has seen.
 */
public final class JobEvent {

  public static final String TYPE = "csvimport.job.ended";

  private JobEvent() {}

  public static String eventId(Job job) {
    return job.appId() + "/" + job.jobId() + "/" + job.state().name();
  }

  /** What a subscription may filter on: the event's id, type, app, job and state. */
  public static Map<String, String> attributes(Job job) {
    return Map.of(
        "eventId",
        eventId(job),
        "type",
        TYPE,
        "appId",
        job.appId(),
        "jobId",
        job.jobId(),
        "state",
        job.state().name());
  }

  /** The event of an ended job, as JSON text. */
  public static String json(Job job) {
    JsonObject event = new JsonObject();
    event.addProperty("eventId", eventId(job));
    event.addProperty("type", TYPE);
    event.addProperty("appId", job.appId());
    event.addProperty("jobId", job.jobId());
    event.addProperty("state", job.state().name());
    event.addProperty("endedAt", text(job.finishedAt()));
    event.addProperty("createdAt", text(job.createdAt()));
    event.addProperty("bucket", job.bucket());
    event.addProperty("file", job.object());
    event.addProperty("generation", Long.toString(job.generation()));
    event.addProperty("action", job.action());
    event.addProperty("name", job.name());
    event.addProperty("uploadedBy", job.uploadedBy());
    event.addProperty("dryRun", job.dryRun());
    event.addProperty("successesCount", job.successesCount());
    event.addProperty("failuresCount", job.failuresCount());
    event.addProperty("skippedCount", job.skippedCount());
    event.addProperty("failure", job.failure());
    JsonArray files = new JsonArray();
    if (job.resultsFile() != null) {
      files.add(gsUri(job, job.resultsFile()));
    }
    if (job.failedRowsFile() != null) {
      files.add(gsUri(job, job.failedRowsFile()));
    }
    event.add("files", files);
    return event.toString();
  }

  private static String gsUri(Job job, String object) {
    return "gs://" + job.bucket() + "/" + object;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
