package dev.csvimport.job;

import java.time.Instant;

/**
 * What has been sent of a job's end: its message on the job-events topic, and its POST to the app's
 * webhook. Null on a job until it ends.
 *
 * @param publishedAt when the job-events message was published, or null while it is not
 * @param webhook the delivery to the app's webhook, or null when the app had none
 */
public record JobNotice(Instant publishedAt, WebhookDelivery webhook) {

  /**
   * The job's end POSTed to a webhook, each attempt recorded.
   *
   * @param url where it is POSTed (the app's webhook when the job ended)
   * @param attempts how many POSTs were made
   * @param lastAttemptAt when the last one was made, or null before the first
   * @param lastResult what the last one got: {@code HTTP 204}, or why it got no answer
   * @param deliveredAt when a POST was answered 2xx, or null
   * @param nextAttemptAt when the next POST is due, or null when none is (delivered, or given up)
   */
  public record WebhookDelivery(
      String url,
      int attempts,
      Instant lastAttemptAt,
      String lastResult,
      Instant deliveredAt,
      Instant nextAttemptAt) {

    /** A delivery not yet attempted, due now. */
    public static WebhookDelivery due(String url, Instant now) {
      return new WebhookDelivery(url, 0, null, null, null, now);
    }

    /** Delivered, or given up after its last attempt. */
    public boolean ended() {
      return nextAttemptAt == null;
    }

    public boolean gaveUp() {
      return ended() && deliveredAt == null;
    }
  }
}
