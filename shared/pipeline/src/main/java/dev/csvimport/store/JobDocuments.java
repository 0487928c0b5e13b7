package dev.csvimport.store;

import static dev.csvimport.store.FirestoreValues.instant;
import static dev.csvimport.store.FirestoreValues.timestamp;

import com.google.cloud.firestore.DocumentSnapshot;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobNotice;
import dev.csvimport.job.JobState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job document {@code apps/{app}/jobs/{job}}: its fields and how a {@link Job} maps to them.
 * {@link JobStore} changes its state and records; {@link FirestoreLeases} its fan-out lease ({@link
 * #LEASE_OWNER}, {@link #LEASE_UNTIL}) and checkpoints.
 */
final class JobDocuments {

  /** The invocation that holds the job's fan-out lease. */
  static final String LEASE_OWNER = "leaseOwner";

  /** Until when the lease holds unless renewed. */
  static final String LEASE_UNTIL = "leaseUntil";

  private JobDocuments() {}

  /** The limits a job's chunks are cut by, as its document holds them. */
  static Map<String, Object> limits(ChunkLimits limits) {
    return Map.of(
        "partitions",
        limits.partitions(),
        "maxRows",
        limits.maxRows(),
        "maxBytes",
        limits.maxBytes(),
        "segmentRows",
        limits.segmentRows());
  }

  /** A new job's document. */
  static Map<String, Object> of(Job job) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("appId", job.appId());
    doc.put("jobId", job.jobId());
    doc.put("bucket", job.bucket());
    doc.put("object", job.object());
    doc.put("generation", job.generation());
    doc.put("action", job.action());
    doc.put("name", job.name());
    doc.put("uploadedBy", job.uploadedBy());
    doc.put("state", job.state().name());
    doc.put("createdAt", timestamp(job.createdAt()));
    doc.put("finishedAt", timestamp(job.finishedAt()));
    doc.put("limits", limits(job.limits()));
    doc.put("checked", job.checked());
    doc.put("segmentsPublished", job.segmentsPublished());
    doc.put("rowsRead", job.rowsRead());
    doc.put(
        "chunksPerPartition", job.chunksPerPartition().stream().map(Integer::longValue).toList());
    doc.put("successesCount", job.successesCount());
    doc.put("failuresCount", job.failuresCount());
    doc.put("failure", job.failure());
    doc.put("resultsFile", job.resultsFile());
    doc.put("expireAt", timestamp(job.expireAt()));
    doc.put("delimiter", job.delimiter());
    doc.put("createDisposition", job.createDisposition());
    doc.put("skippedCount", job.skippedCount());
    doc.put("dryRun", job.dryRun());
    doc.put("failedRowsFile", job.failedRowsFile());
    doc.put("mapping", job.mapping());
    return doc;
  }

  /** The job a document holds. */
  static Job job(DocumentSnapshot doc) {
    Map<String, Object> limits = asMap(doc.get("limits"));
    List<Integer> chunks = new ArrayList<>();
    Object stored = doc.get("chunksPerPartition");
    if (stored instanceof List<?> list) {
      list.forEach(n -> chunks.add(((Number) n).intValue()));
    }
    return new Job(
        doc.getString("appId"),
        doc.getString("jobId"),
        doc.getString("bucket"),
        doc.getString("object"),
        longOf(doc, "generation"),
        doc.getString("action"),
        doc.getString("name"),
        doc.getString("uploadedBy"),
        JobState.valueOf(doc.getString("state")),
        instant(doc.getTimestamp("createdAt")),
        instant(doc.getTimestamp("finishedAt")),
        new ChunkLimits(
            intOf(limits, "partitions"),
            intOf(limits, "maxRows"),
            intOf(limits, "maxBytes"),
            intOf(limits, "segmentRows")),
        Boolean.TRUE.equals(doc.getBoolean("checked")),
        (int) longOf(doc, "segmentsPublished"),
        longOf(doc, "rowsRead"),
        chunks,
        longOf(doc, "successesCount"),
        longOf(doc, "failuresCount"),
        doc.getString("failure"),
        doc.getString("resultsFile"),
        instant(doc.getTimestamp("expireAt")),
        instant(doc.getTimestamp(LEASE_UNTIL)),
        doc.getString("waiting"),
        doc.getString("delimiter"),
        doc.getString("createDisposition"),
        longOf(doc, "skippedCount"),
        Boolean.TRUE.equals(doc.getBoolean("dryRun")),
        doc.getString("failedRowsFile"),
        doc.getString("mapping"),
        notice(asMap(doc.get(NOTICE))));
  }

  /** What has been sent of the job's end ({@link JobNotice}): a map in its document. */
  static final String NOTICE = "notice";

  /**
   * When the job's notice is next due to be sent (its end, then each webhook retry); null when
   * nothing is left to send. What {@link NoticeStore#due} queries.
   */
  static final String NOTICE_DUE = "noticeDue";

  static Map<String, Object> notice(JobNotice notice) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("publishedAt", timestamp(notice.publishedAt()));
    JobNotice.WebhookDelivery webhook = notice.webhook();
    if (webhook != null) {
      Map<String, Object> delivery = new HashMap<>();
      delivery.put("url", webhook.url());
      delivery.put("attempts", webhook.attempts());
      delivery.put("lastAttemptAt", timestamp(webhook.lastAttemptAt()));
      delivery.put("lastResult", webhook.lastResult());
      delivery.put("deliveredAt", timestamp(webhook.deliveredAt()));
      delivery.put("nextAttemptAt", timestamp(webhook.nextAttemptAt()));
      doc.put("webhook", delivery);
    }
    return doc;
  }

  private static JobNotice notice(Map<String, Object> doc) {
    if (doc.isEmpty()) {
      return null;
    }
    Map<String, Object> webhook = asMap(doc.get("webhook"));
    return new JobNotice(
        instantOf(doc.get("publishedAt")),
        webhook.isEmpty()
            ? null
            : new JobNotice.WebhookDelivery(
                (String) webhook.get("url"),
                ((Number) webhook.getOrDefault("attempts", 0L)).intValue(),
                instantOf(webhook.get("lastAttemptAt")),
                (String) webhook.get("lastResult"),
                instantOf(webhook.get("deliveredAt")),
                instantOf(webhook.get("nextAttemptAt"))));
  }

  private static java.time.Instant instantOf(Object value) {
    return value instanceof com.google.cloud.Timestamp timestamp ? instant(timestamp) : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  private static int intOf(Map<String, Object> map, String field) {
    return ((Number) map.get(field)).intValue();
  }

  private static long longOf(DocumentSnapshot doc, String field) {
    Long value = doc.getLong(field);
    return value == null ? 0 : value;
  }
}
