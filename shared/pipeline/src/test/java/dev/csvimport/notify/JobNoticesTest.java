package dev.csvimport.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobNotice;
import dev.csvimport.job.JobNotice.WebhookDelivery;
import dev.csvimport.job.JobState;
import dev.csvimport.job.TestJobs;
import dev.csvimport.store.AppStore;
import dev.csvimport.store.NoticeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** What a send does with each part of a notice: publish once, POST when due, record what it did. */
class JobNoticesTest {

  private static final String APP = "app-1";
  private static final String URL = "https://hooks.example.com/csvimport";
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private final NoticeStore store = mock(NoticeStore.class);
  private final AppStore apps = mock(AppStore.class);
  private final List<String> published = new ArrayList<>();
  private final List<String> posted = new ArrayList<>();
  private boolean publishFails;
  private boolean webhookAnswers = true;

  private final JobNotices notices =
      new JobNotices(
          store,
          apps,
          (key, attributes, event) -> {
            if (publishFails) {
              throw new IllegalStateException("topic unreachable");
            }
            published.add(key + " " + event);
          },
          (url, headers, body) -> {
            posted.add(url);
            return webhookAnswers
                ? new WebhookPoster.Attempt(true, "HTTP 204")
                : new WebhookPoster.Attempt(false, "HTTP 503");
          },
          Clock.fixed(NOW, ZoneOffset.UTC));

  private static Job ended(JobNotice notice) {
    return ended("job-1", notice);
  }

  private static Job ended(String jobId, JobNotice notice) {
    Job created =
        Job.create(
            APP,
            jobId,
            "bucket",
            "imports/users.csv",
            1,
            "setUserAttributes",
            "users.csv",
            "ann",
            NOW.minusSeconds(60),
            ChunkLimits.DEFAULT,
            NOW.plus(Duration.ofDays(1)));
    return TestJobs.withOutcome(
        created,
        JobState.FINISHED,
        NOW.minusSeconds(1),
        3,
        List.of(1),
        2,
        1,
        "results/" + jobId + ".jsonl",
        notice);
  }

  private void claimed(Job job) throws Exception {
    when(store.claim(any(), eq(NOW), any())).thenReturn(Optional.of(job));
  }

  private void webhook(String url) throws Exception {
    when(apps.webhook(APP))
        .thenReturn(
            url == null ? Optional.empty() : Optional.of(new AppStore.Webhook(url, "whsec_1")));
  }

  /** What the send recorded: the notice, and when the next send is due. */
  private record Recorded(JobNotice notice, Instant nextDue) {}

  private Recorded recorded() throws Exception {
    ArgumentCaptor<JobNotice> notice = ArgumentCaptor.forClass(JobNotice.class);
    ArgumentCaptor<Instant> due = ArgumentCaptor.forClass(Instant.class);
    verify(store).record(any(), notice.capture(), due.capture());
    return new Recorded(notice.getValue(), due.getValue());
  }

  @Test
  void aFirstSendPublishesAndPostsAndLeavesNothingDue() throws Exception {
    claimed(ended(null));
    webhook(URL);
    assertTrue(notices.send(ended(null)));
    assertEquals(1, published.size());
    assertTrue(published.get(0).startsWith(APP + "/job-1 {\"eventId\":\"app-1/job-1/FINISHED\""));
    assertEquals(List.of(URL), posted);
    Recorded recorded = recorded();
    assertEquals(NOW, recorded.notice().publishedAt());
    assertEquals(
        new WebhookDelivery(URL, 1, NOW, "HTTP 204", NOW, null), recorded.notice().webhook());
    assertNull(recorded.nextDue());
  }

  @Test
  void anAppWithoutAWebhookIsOnlyPublished() throws Exception {
    claimed(ended(null));
    webhook(null);
    notices.send(ended(null));
    assertEquals(1, published.size());
    assertEquals(List.of(), posted);
    assertNull(recorded().notice().webhook());
    assertNull(recorded().nextDue());
  }

  @Test
  void aNoticeAnotherSenderHoldsIsLeftToIt() throws Exception {
    when(store.claim(any(), any(), any())).thenReturn(Optional.empty());
    assertFalse(notices.send(ended(null)));
    assertEquals(List.of(), published);
    assertEquals(List.of(), posted);
    verify(store, never()).record(any(), any(), any());
  }

  @Test
  void aFailedPublishIsTriedAgainInAMinuteWhileTheWebhookGoesOn() throws Exception {
    claimed(ended(null));
    webhook(URL);
    publishFails = true;
    notices.send(ended(null));
    Recorded recorded = recorded();
    assertNull(recorded.notice().publishedAt());
    assertEquals(List.of(URL), posted);
    assertEquals(NOW.plus(Duration.ofMinutes(1)), recorded.nextDue());
  }

  @Test
  void aRetryPostsAgainButNeverPublishesAgain() throws Exception {
    WebhookDelivery failedOnce =
        new WebhookDelivery(URL, 1, NOW.minusSeconds(60), "HTTP 503", null, NOW);
    Job job = ended(new JobNotice(NOW.minusSeconds(60), failedOnce));
    claimed(job);
    webhook(URL);
    webhookAnswers = false;
    notices.send(job);
    assertEquals(List.of(), published);
    Recorded recorded = recorded();
    assertEquals(NOW.minusSeconds(60), recorded.notice().publishedAt());
    assertEquals(2, recorded.notice().webhook().attempts());
    assertEquals(NOW.plus(Duration.ofMinutes(2)), recorded.notice().webhook().nextAttemptAt());
    assertEquals(NOW.plus(Duration.ofMinutes(2)), recorded.nextDue());
  }

  @Test
  void aWebhookThatFailsInASweepIsNotPostedAgainInItTheOtherJobsWaitForItsRetry() throws Exception {
    WebhookDelivery failedOnce =
        new WebhookDelivery(URL, 1, NOW.minusSeconds(60), "no answer: timed out", null, NOW);
    List<Job> due =
        List.of(
            ended("job-1", new JobNotice(NOW.minusSeconds(60), failedOnce)),
            ended("job-2", new JobNotice(NOW.minusSeconds(60), failedOnce)),
            ended("job-3", new JobNotice(NOW.minusSeconds(60), WebhookDelivery.due(URL, NOW))));
    when(store.due(eq(NOW), any(Integer.class))).thenReturn(due);
    when(store.claim(any(), eq(NOW), any()))
        .thenAnswer(call -> Optional.of(call.getArgument(0, Job.class)));
    when(apps.webhook(APP)).thenReturn(Optional.of(new AppStore.Webhook(URL, "whsec_1")));
    webhookAnswers = false;

    assertEquals(3, notices.sendDue());

    assertEquals(List.of(URL), posted, "one POST to the failing webhook in the sweep");
    ArgumentCaptor<JobNotice> recorded = ArgumentCaptor.forClass(JobNotice.class);
    verify(store, times(3)).record(any(), recorded.capture(), any());
    Instant retry = NOW.plus(Duration.ofMinutes(2));
    assertEquals(
        new WebhookDelivery(URL, 2, NOW, "HTTP 503", null, retry),
        recorded.getAllValues().get(0).webhook());
    assertEquals(
        new WebhookDelivery(URL, 1, NOW.minusSeconds(60), "no answer: timed out", null, retry),
        recorded.getAllValues().get(1).webhook(),
        "job-2 waits for job-1's retry without an attempt counted");
    assertEquals(
        new WebhookDelivery(URL, 0, null, null, null, retry),
        recorded.getAllValues().get(2).webhook(),
        "job-3's first POST waits too");
  }

  @Test
  void theLastAttemptThatFailsGivesUp() throws Exception {
    WebhookDelivery failing =
        new WebhookDelivery(
            URL, JobNotices.MAX_ATTEMPTS - 1, NOW.minusSeconds(3600), "HTTP 503", null, NOW);
    Job job = ended(new JobNotice(NOW.minusSeconds(7200), failing));
    claimed(job);
    webhook(URL);
    webhookAnswers = false;
    notices.send(job);
    WebhookDelivery last = recorded().notice().webhook();
    assertEquals(JobNotices.MAX_ATTEMPTS, last.attempts());
    assertTrue(last.gaveUp());
    assertNull(recorded().nextDue());
  }

  @Test
  void aWebhookChangedBeforeARetryIsNotToldAgain() throws Exception {
    WebhookDelivery failedOnce =
        new WebhookDelivery(URL, 1, NOW.minusSeconds(60), "HTTP 503", null, NOW);
    Job job = ended(new JobNotice(NOW.minusSeconds(60), failedOnce));
    claimed(job);
    webhook("https://elsewhere.example.com/hook");
    notices.send(job);
    assertEquals(List.of(), posted);
    WebhookDelivery last = recorded().notice().webhook();
    assertTrue(last.gaveUp());
    assertEquals("the app's webhook was changed: not sent", last.lastResult());
  }

  @Test
  void aRetryNotYetDueIsNotPosted() throws Exception {
    WebhookDelivery later =
        new WebhookDelivery(URL, 1, NOW.minusSeconds(10), "HTTP 503", null, NOW.plusSeconds(50));
    Job job = ended(new JobNotice(null, later));
    claimed(job);
    webhook(URL);
    notices.send(job);
    assertEquals(1, published.size(), "the publish that failed before is tried");
    assertEquals(List.of(), posted);
    assertEquals(NOW.plusSeconds(50), recorded().nextDue());
  }
}
