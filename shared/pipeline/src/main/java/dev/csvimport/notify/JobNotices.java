package dev.csvimport.notify;

import dev.csvimport.job.Job;
import dev.csvimport.job.JobNotice;
import dev.csvimport.job.JobNotice.WebhookDelivery;
import dev.csvimport.log.Log;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.NoticeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tells each job's end: publishes it once on the job-events topic and, where the app has a webhook,
 * POSTs it there signed ({@link WebhookSignature}), retrying a POST that fails after 1, 2, 4, ...
 * minutes (at most an hour apart) for {@value #MAX_ATTEMPTS} attempts; each attempt is recorded on
 * the job. Run by the watchdog's sweep every minute; a sender that dies mid-send leaves the notice
 * due again after {@link #CLAIM}, so a copy may be sent twice, never none (receivers drop copies by
 * {@code eventId}).
 */
public final class JobNotices {

  public static final int MAX_ATTEMPTS = 8;

  /** How long a sender holds a notice it claimed. */
  static final Duration CLAIM = Duration.ofMinutes(2);

  /** When a publish that failed is tried again. */
  static final Duration PUBLISH_RETRY = Duration.ofMinutes(1);

  /** How long one sweep sends before it leaves the rest to the next. */
  static final Duration BUDGET = Duration.ofSeconds(60);

  private static final Log LOG = Log.of(JobNotices.class);
  private static final int PAGE = 50;

  private final NoticeStore notices;
  private final AppStore apps;
  private final JobEvents events;
  private final WebhookPoster poster;
  private final Clock clock;

  public JobNotices(
      NoticeStore notices, AppStore apps, JobEvents events, WebhookPoster poster, Clock clock) {
    this.notices = notices;
    this.apps = apps;
    this.events = events;
    this.poster = poster;
    this.clock = clock;
  }

  /** The wait after failed attempt {@code attempts} (from 1) before the next. */
  static Duration backoff(int attempts) {
    return Duration.ofMinutes(Math.min(60, 1L << Math.min(attempts - 1, 6)));
  }

  /**
   * Sends every notice due now, within the budget; answers how many jobs it sent for. Once a
   * webhook has failed a POST in this sweep, its other due POSTs wait for that one's retry instead
   * of each failing in turn (up to 20 seconds apiece when it does not answer), so one app's dead
   * webhook costs a sweep one failed POST, not one per job, and never delays other apps' notices.
   */
  public int sendDue() throws StoreException {
    Instant start = clock.instant();
    Map<String, Instant> failedUntil = new HashMap<>();
    int sent = 0;
    for (Job job : notices.due(start, PAGE)) {
      if (Duration.between(start, clock.instant()).compareTo(BUDGET) > 0) {
        break;
      }
      if (send(job, failedUntil)) {
        sent++;
      }
    }
    return sent;
  }

  /** Sends what is due of one ended job's notice; false when it was not due (or claimed). */
  public boolean send(Job due) throws StoreException {
    return send(due, new HashMap<>());
  }

  /**
   * @param failedUntil the webhooks that failed a POST in this sweep, each with its retry's time
   */
  private boolean send(Job due, Map<String, Instant> failedUntil) throws StoreException {
    Instant now = clock.instant();
    Optional<Job> claimed = notices.claim(due, now, now.plus(CLAIM));
    if (claimed.isEmpty()) {
      return false;
    }
    Job job = claimed.get();
    JobNotice notice = job.notice() == null ? new JobNotice(null, null) : job.notice();
    String event = JobEvent.json(job);
    Instant publishedAt = notice.publishedAt();
    if (publishedAt == null) {
      try {
        events.publish(job.appId() + "/" + job.jobId(), JobEvent.attributes(job), event);
        publishedAt = clock.instant();
      } catch (Exception e) {
        LOG.warn(
            "job event not published; trying again in a minute",
            "error",
            String.valueOf(e),
            "appId",
            job.appId(),
            "jobId",
            job.jobId());
      }
    }
    Optional<AppStore.Webhook> hook = apps.webhook(job.appId());
    WebhookDelivery webhook = notice.webhook();
    if (webhook == null && hook.isPresent()) {
      webhook = WebhookDelivery.due(hook.get().url(), now);
    }
    if (webhook != null && !webhook.ended() && !webhook.nextAttemptAt().isAfter(now)) {
      Instant retry = failedUntil.get(webhook.url());
      if (retry != null) {
        webhook =
            new WebhookDelivery(
                webhook.url(),
                webhook.attempts(),
                webhook.lastAttemptAt(),
                webhook.lastResult(),
                null,
                retry);
        LOG.info(
            "webhook POST deferred: the webhook failed another job's POST in this sweep",
            "appId",
            job.appId(),
            "jobId",
            job.jobId(),
            "nextAttemptAt",
            retry.toString());
      } else {
        webhook = attempt(job, webhook, hook, event);
        if (!webhook.ended() && webhook.deliveredAt() == null) {
          failedUntil.put(webhook.url(), webhook.nextAttemptAt());
        }
      }
    }
    Instant nextDue = publishedAt == null ? clock.instant().plus(PUBLISH_RETRY) : null;
    if (webhook != null
        && !webhook.ended()
        && (nextDue == null || webhook.nextAttemptAt().isBefore(nextDue))) {
      nextDue = webhook.nextAttemptAt();
    }
    notices.record(job, new JobNotice(publishedAt, webhook), nextDue);
    return true;
  }

  private WebhookDelivery attempt(
      Job job, WebhookDelivery webhook, Optional<AppStore.Webhook> hook, String event) {
    Instant at = clock.instant();
    int attempts = webhook.attempts() + 1;
    WebhookPoster.Attempt attempt;
    if (hook.isEmpty() || !hook.get().url().equals(webhook.url())) {
      // The app removed or moved its webhook since the job ended: its old address is not told.
      attempt = new WebhookPoster.Attempt(false, "the app's webhook was changed: not sent");
      attempts = MAX_ATTEMPTS;
    } else {
      long seconds = at.getEpochSecond();
      attempt =
          poster.post(
              webhook.url(),
              Map.of(
                  WebhookSignature.HEADER,
                  WebhookSignature.of(hook.get().secret(), seconds, event),
                  "Csvimport-Event-Id",
                  JobEvent.eventId(job)),
              event);
    }
    Instant next =
        attempt.delivered() || attempts >= MAX_ATTEMPTS ? null : at.plus(backoff(attempts));
    Object[] fields = {
      "appId", job.appId(), "jobId", job.jobId(), "attempt", attempts, "result", attempt.result()
    };
    if (attempt.delivered()) {
      LOG.info("webhook delivered", fields);
    } else {
      LOG.warn(next == null ? "webhook not delivered: gave up" : "webhook not delivered", fields);
    }
    return new WebhookDelivery(
        webhook.url(), attempts, at, attempt.result(), attempt.delivered() ? at : null, next);
  }
}
