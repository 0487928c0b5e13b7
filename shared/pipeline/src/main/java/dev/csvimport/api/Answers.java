package dev.csvimport.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.csvimport.engine.apply.EventTotals;
import dev.csvimport.engine.apply.Profile;
import dev.csvimport.job.CreateDisposition;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobNotice;
import dev.csvimport.job.JobState;
import dev.csvimport.ports.PartitionTotals;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The answers of the API's actions, in Leanplum's shapes, built once for the HTTP API and the local
 * runner. Each is one element of Leanplum's {@code {"response":[...]}}; times are Unix seconds, as
 * in Leanplum's answers.
 */
public final class Answers {

  private final BiFunction<String, String, String> fileLink;

  /**
   * @param fileLink how a caller fetches a finished job's file, by bucket and object name: a signed
   *     URL, or a gs:// URI
   */
  public Answers(BiFunction<String, String, String> fileLink) {
    this.fileLink = fileLink;
  }

  public static String gsUri(String bucket, String object) {
    return "gs://" + bucket + "/" + object;
  }

  /** getMultiResults: the job's state, and its counts once FINISHED or its progress before. */
  public JsonObject multiResults(Job job, PartitionTotals totals) {
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("jobId", job.jobId());
    answer.addProperty("state", job.state().name());
    if (job.state() == JobState.FINISHED || job.state() == JobState.CANCELLED) {
      JsonObject data = new JsonObject();
      data.addProperty("successesCount", job.successesCount());
      data.addProperty("failuresCount", job.failuresCount());
      data.addProperty("skippedCount", job.skippedCount());
      JsonArray files = new JsonArray();
      if (job.resultsFile() != null) {
        files.add(fileLink.apply(job.bucket(), job.resultsFile()));
      }
      if (job.failedRowsFile() != null) {
        files.add(fileLink.apply(job.bucket(), job.failedRowsFile()));
      }
      data.add("files", files);
      answer.add("data", data);
    } else if (job.state() == JobState.FAILED) {
      answer.addProperty("reason", job.failure());
    } else {
      answer.add("progress", progress(job, totals));
    }
    answer.addProperty("file", job.object());
    answer.addProperty("action", job.action());
    answer.addProperty("createDisposition", createDisposition(job));
    answer.addProperty("dryRun", job.dryRun());
    if (job.mapping() != null) {
      answer.add("mapping", JsonParser.parseString(job.mapping()));
    }
    answer.addProperty("name", job.name());
    answer.addProperty("uploadedBy", job.uploadedBy());
    answer.add("createdAt", wholeSeconds(job.createdAt()));
    answer.add("finishedAt", wholeSeconds(job.finishedAt()));
    if (job.state().ended()) {
      answer.add("notice", notice(job.notice()));
    }
    return answer;
  }

  /**
   * What has been sent of an ended job's end: when its job-events message was published (null while
   * it is not), and each attempt to POST it to the app's webhook (null when the app has none).
   */
  private static JsonObject notice(JobNotice notice) {
    JsonObject answer = new JsonObject();
    answer.add("publishedAt", wholeSeconds(notice == null ? null : notice.publishedAt()));
    JobNotice.WebhookDelivery webhook = notice == null ? null : notice.webhook();
    if (webhook == null) {
      answer.add("webhook", JsonNull.INSTANCE);
      return answer;
    }
    JsonObject delivery = new JsonObject();
    delivery.addProperty("url", webhook.url());
    delivery.addProperty("attempts", webhook.attempts());
    delivery.add("lastAttemptAt", wholeSeconds(webhook.lastAttemptAt()));
    delivery.addProperty("lastResult", webhook.lastResult());
    delivery.add("deliveredAt", wholeSeconds(webhook.deliveredAt()));
    delivery.add("nextAttemptAt", wholeSeconds(webhook.nextAttemptAt()));
    delivery.addProperty("gaveUp", webhook.gaveUp());
    answer.add("webhook", delivery);
    return answer;
  }

  /**
   * How far a job that has not ended is: rows read from its file so far, and of those, rows applied
   * and rows failed; and why it waits, while its last attempt waits for a retry.
   */
  private static JsonObject progress(Job job, PartitionTotals totals) {
    JsonObject progress = new JsonObject();
    progress.addProperty(
        "rowsRead",
        job.fanOutComplete() ? job.rowsRead() : Math.max(job.rowsRead(), totals.rows()));
    progress.addProperty("rowsApplied", totals.successes());
    progress.addProperty("rowsFailed", totals.failures());
    progress.addProperty("rowsSkipped", totals.skipped());
    if (job.waiting() != null) {
      progress.addProperty("waiting", job.waiting());
    }
    return progress;
  }

  /**
   * One row of listJobs, CleverTap's uploads page: the job, its counts once FINISHED, its reason
   * once FAILED, its progress before it ended (read from {@code totals}), as getMultiResults tells
   * them.
   */
  public JsonObject jobRow(Job job, PartitionTotals totals) {
    JsonObject row = new JsonObject();
    row.addProperty("jobId", job.jobId());
    row.addProperty("name", job.name());
    row.addProperty("file", job.object());
    row.addProperty("bucket", job.bucket());
    row.addProperty("uploadedBy", job.uploadedBy());
    row.add("createdAt", wholeSeconds(job.createdAt()));
    row.addProperty("state", job.state().name());
    row.addProperty("successesCount", job.successesCount());
    row.addProperty("failuresCount", job.failuresCount());
    row.addProperty("skippedCount", job.skippedCount());
    row.addProperty("createDisposition", createDisposition(job));
    row.addProperty("dryRun", job.dryRun());
    row.addProperty("results", job.resultsFile() != null);
    row.addProperty("failedRows", job.failedRowsFile() != null);
    if (job.mapping() != null) {
      row.add("mapping", JsonParser.parseString(job.mapping()));
    }
    if (job.state() == JobState.FAILED) {
      row.addProperty("reason", job.failure());
    } else if (!job.state().ended()) {
      row.add("progress", progress(job, totals));
    }
    row.addProperty("action", job.action());
    row.add("finishedAt", wholeSeconds(job.finishedAt()));
    return row;
  }

  /** exportUser: the profile in Leanplum's shape. */
  public JsonObject exportUser(Profile profile, List<Map<String, Object>> devices) {
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("userId", profile.userId());
    JsonObject attributes = new JsonObject();
    new TreeMap<>(profile.attributes()).forEach((name, value) -> attributes.add(name, json(value)));
    answer.add("userAttributes", attributes);
    JsonObject events = new JsonObject();
    for (Map.Entry<String, EventTotals> event : new TreeMap<>(profile.events()).entrySet()) {
      EventTotals totals = event.getValue();
      JsonObject fields = new JsonObject();
      fields.add("count", json(totals.count()));
      fields.add("firstTime", seconds(totals.firstTime()));
      fields.add("lastTime", seconds(totals.lastTime()));
      fields.add("value", json(totals.value()));
      events.add(event.getKey(), fields);
    }
    answer.add("events", events);
    JsonArray deviceList = new JsonArray();
    for (Map<String, Object> device : devices) {
      JsonObject fields = new JsonObject();
      new TreeMap<>(device).forEach((name, value) -> fields.add(name, json(value)));
      deviceList.add(fields);
    }
    answer.add("devices", deviceList);
    answer.add("created", seconds(profile.created()));
    answer.add("lastActive", seconds(profile.lastActive()));
    return answer;
  }

  /** A value as JSON: a time as Unix seconds, a list as an array. */
  public static JsonElement json(Object value) {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof Instant time) {
      return seconds(time);
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(v -> array.add(json(v)));
      return array;
    }
    if (value instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (value instanceof Number n) {
      return new JsonPrimitive(n);
    }
    return new JsonPrimitive(String.valueOf(value));
  }

  private static String createDisposition(Job job) {
    return job.updatesExistingUsersOnly()
        ? CreateDisposition.CREATE_NEVER.apiName()
        : CreateDisposition.CREATE_IF_NEEDED.apiName();
  }

  private static JsonElement wholeSeconds(Instant time) {
    return time == null ? JsonNull.INSTANCE : new JsonPrimitive(time.getEpochSecond());
  }

  private static JsonElement seconds(Instant time) {
    if (time == null) {
      return JsonNull.INSTANCE;
    }
    return time.getNano() == 0
        ? new JsonPrimitive(time.getEpochSecond())
        : new JsonPrimitive(time.getEpochSecond() + time.getNano() / 1e9);
  }
}
