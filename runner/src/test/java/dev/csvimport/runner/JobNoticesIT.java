package dev.csvimport.runner;

import static dev.csvimport.runner.QueryStrings.params;
import static dev.csvimport.runner.QueryStrings.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.Timestamp;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.PubsubMessage;
import com.sun.net.httpserver.HttpServer;
import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobNotice;
import dev.csvimport.job.JobState;
import dev.csvimport.notify.JobEvent;
import dev.csvimport.notify.WebhookSignature;
import dev.csvimport.store.AppStore;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each job's end told, on the emulators with the functions under the invoker: once on the
 * job-events topic (ordered by job) and POSTed to the app's webhook, signed with the secret that
 * setWebhook answered; a webhook that fails is retried with backoff, each attempt on the job.
 */
@ExtendWith(EmulatorsExtension.class)
class JobNoticesIT {

  private static final String A = "notices-app";

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalCloud cloud;
  private AppStore.Keys keys;
  private HttpServer receiver;

  /** What the receiver was sent: each POST's signature header, event id and body. */
  record Received(String signature, String eventId, String body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();

  /** How many POSTs the receiver answers 503 before it answers 204. */
  private final AtomicInteger failuresLeft = new AtomicInteger();

  @BeforeEach
  void start(Emulators emulators) throws Exception {
    cloud =
        LocalCloud.start(
            emulators, new Settings(Map.of(Settings.BUCKET_APPS, LocalCloud.BUCKET + "=" + A)), 0);
    keys = cloud.stages().apps().create(A, List.of(LocalCloud.BUCKET));
    cloud.pullJobEvents(1000); // events of earlier tests on the same emulators
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                  exchange.getRequestHeaders().getFirst("Csvimport-Event-Id"),
                  new String(body, StandardCharsets.UTF_8)));
          int status = failuresLeft.getAndDecrement() > 0 ? 503 : 204;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    cloud.close();
  }

  private String hookUrl() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private JsonObject call(String... pairs) throws Exception {
    java.net.http.HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api?" + query(params(pairs)))))
                .GET()
                .build(),
            BodyHandlers.ofString());
    JsonObject element =
        JsonParser.parseString(response.body())
            .getAsJsonObject()
            .getAsJsonArray("response")
            .get(0)
            .getAsJsonObject();
    element.addProperty("status", response.statusCode());
    return element;
  }

  private String setWebhook(String url) throws Exception {
    JsonObject answer =
        call("action", "setWebhook", "appId", A, "clientKey", keys.development(), "url", url);
    assertEquals(200, answer.get("status").getAsInt(), answer.toString());
    assertEquals(url, answer.get("url").getAsString());
    assertEquals(WebhookSignature.HEADER, answer.get("signatureHeader").getAsString());
    return answer.get("signingSecret").getAsString();
  }

  private String drop(String csv, String name) throws Exception {
    return cloud.drop(
        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
        "imports/setUserAttributes/" + name,
        Map.of());
  }

  /** Sweeps (as the scheduler does every minute) until the job's notice satisfies {@code done}. */
  private Job awaitNotice(String jobId, Predicate<JobNotice> done) throws Exception {
    return awaitNotice(jobId, done, true);
  }

  /**
   * Waits until the job's notice satisfies {@code done}, sweeping between looks when {@code sweep}
   * (without, only the invocation that ended the job can have sent it).
   */
  private Job awaitNotice(String jobId, Predicate<JobNotice> done, boolean sweep) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (Instant.now().isBefore(deadline)) {
      if (sweep) {
        cloud.sweepNow();
      }
      Job job = cloud.stages().jobs().get(A, jobId).orElseThrow();
      if (job.notice() != null && done.test(job.notice())) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the notice of job " + jobId + " was not sent within a minute");
  }

  private static boolean delivered(JobNotice notice) {
    return notice.publishedAt() != null
        && notice.webhook() != null
        && notice.webhook().deliveredAt() != null;
  }

  /**
   * With no sweep at all (the scheduler stopped), each end is told by the invocation that ended it:
   * the processor that finished a job, the fan-out that failed one, the API call that cancelled
   * one.
   */
  @Test
  void eachEndedJobIsPublishedOnceAndPostedSignedToTheAppsWebhook() throws Exception {
    cloud.stopScheduler();
    JsonObject production =
        call("action", "setWebhook", "appId", A, "clientKey", keys.production(), "url", hookUrl());
    assertEquals(403, production.get("status").getAsInt());
    for (String refused :
        List.of(
            "http://hooks.example.com/x",
            "ftp://127.0.0.1/x",
            "https://169.254.169.254/computeMetadata",
            "https://2852039166/computeMetadata",
            "https://10.0.0.5/hook",
            "https://[fd00::5]/hook",
            "https://user:pw@hooks.example.com/x",
            "not a url")) {
      JsonObject answer =
          call("action", "setWebhook", "appId", A, "clientKey", keys.development(), "url", refused);
      assertEquals(400, answer.get("status").getAsInt(), refused + ": " + answer);
    }
    String secret = setWebhook(hookUrl());
    assertTrue(secret.startsWith("whsec_") && secret.length() > 40, secret);

    String finished = drop("userId,Plan,Age<int>\nu1,gold,30\nu2,silver,x\n", "users.csv");
    String failed = drop("Plan,Age\ngold,30\n", "no-user-key.csv");
    Job waiting =
        UnstartedJobs.create(
            cloud, A, "job-to-cancel", "imports/never-fanned-out.csv", "to cancel", "ann");
    assertEquals(
        200,
        call(
                "action",
                "cancelJob",
                "appId",
                A,
                "clientKey",
                keys.development(),
                "jobId",
                waiting.jobId())
            .get("status")
            .getAsInt());
    Map<String, JobState> ends =
        Map.of(
            finished,
            JobState.FINISHED,
            failed,
            JobState.FAILED,
            "job-to-cancel",
            JobState.CANCELLED);
    Map<String, Job> jobs = new HashMap<>();
    for (String jobId : ends.keySet()) {
      assertEquals(ends.get(jobId), cloud.awaitEnd(A, jobId, Duration.ofMinutes(2)).state());
      jobs.put(jobId, awaitNotice(jobId, JobNoticesIT::delivered, false));
    }
    JsonObject sweep = JsonParser.parseString(cloud.sweepNow()).getAsJsonObject();
    assertEquals(0, sweep.get("noticesSent").getAsInt(), "nothing left for the sweep: " + sweep);

    // The webhook: one signed POST per ended job, its body the job's end.
    assertEquals(3, received.size(), received.toString());
    Map<String, String> bodies = new HashMap<>();
    for (Received post : received) {
      assertTrue(
          WebhookSignature.verify(
              secret, post.signature(), post.body(), Instant.now().getEpochSecond(), 300),
          post.toString());
      assertFalse(
          WebhookSignature.verify(
              secret + "x", post.signature(), post.body(), Instant.now().getEpochSecond(), 300));
      assertFalse(
          WebhookSignature.verify(
              secret, post.signature(), post.body() + " ", Instant.now().getEpochSecond(), 300));
      JsonObject event = JsonParser.parseString(post.body()).getAsJsonObject();
      Job job = jobs.get(event.get("jobId").getAsString());
      assertEquals(JobEvent.eventId(job), post.eventId());
      assertEquals(JobEvent.eventId(job), event.get("eventId").getAsString());
      assertEquals(ends.get(job.jobId()).name(), event.get("state").getAsString());
      assertEquals(job.successesCount(), event.get("successesCount").getAsLong());
      assertEquals(job.failuresCount(), event.get("failuresCount").getAsLong());
      bodies.put(job.jobId(), post.body());
    }
    assertEquals(ends.keySet(), bodies.keySet());
    JsonObject finishedEvent = JsonParser.parseString(bodies.get(finished)).getAsJsonObject();
    assertEquals(1, finishedEvent.get("successesCount").getAsLong());
    assertEquals(1, finishedEvent.get("failuresCount").getAsLong());
    assertEquals(2, finishedEvent.getAsJsonArray("files").size());
    JsonObject failedEvent = JsonParser.parseString(bodies.get(failed)).getAsJsonObject();
    assertTrue(failedEvent.get("failure").getAsString().contains("userId"), failedEvent.toString());

    // The topic: the same events, once each, ordered by job, with attributes to filter on.
    List<PubsubMessage> messages = cloud.pullJobEvents(100);
    assertEquals(3, messages.size(), messages.toString());
    for (PubsubMessage message : messages) {
      String jobId = message.getAttributesOrThrow("jobId");
      assertEquals(bodies.get(jobId), message.getData().toStringUtf8());
      assertEquals(A + "/" + jobId, message.getOrderingKey());
      assertEquals(A, message.getAttributesOrThrow("appId"));
      assertEquals(ends.get(jobId).name(), message.getAttributesOrThrow("state"));
    }

    // The job shows what was sent.
    JsonObject results =
        call(
            "action",
            "getMultiResults",
            "appId",
            A,
            "clientKey",
            keys.production(),
            "jobId",
            finished);
    JsonObject notice = results.getAsJsonObject("notice");
    assertFalse(notice.get("publishedAt").isJsonNull(), results.toString());
    JsonObject webhook = notice.getAsJsonObject("webhook");
    assertEquals(hookUrl(), webhook.get("url").getAsString());
    assertEquals(1, webhook.get("attempts").getAsInt());
    assertEquals("HTTP 204", webhook.get("lastResult").getAsString());
    assertFalse(webhook.get("deliveredAt").isJsonNull());
    assertTrue(webhook.get("nextAttemptAt").isJsonNull());
    assertFalse(webhook.get("gaveUp").getAsBoolean());
  }

  @Test
  void aWebhookThatFailsIsRetriedWithBackoffAndEachAttemptIsOnTheJob() throws Exception {
    String secret = setWebhook(hookUrl());
    failuresLeft.set(2);
    String jobId = drop("userId,Plan\nu1,gold\n", "retried.csv");
    cloud.awaitEnd(A, jobId, Duration.ofMinutes(2));

    Job first =
        awaitNotice(jobId, notice -> notice.webhook() != null && notice.webhook().attempts() == 1);
    JobNotice.WebhookDelivery attempt1 = first.notice().webhook();
    assertNotNull(first.notice().publishedAt(), "published, whatever the webhook does");
    assertEquals("HTTP 503", attempt1.lastResult());
    assertNull(attempt1.deliveredAt());
    assertEquals(
        Duration.ofMinutes(1),
        Duration.between(attempt1.lastAttemptAt(), attempt1.nextAttemptAt()));

    arriveAtNextAttempt(jobId);
    JobNotice.WebhookDelivery attempt2 =
        awaitNotice(jobId, notice -> notice.webhook().attempts() == 2).notice().webhook();
    assertEquals("HTTP 503", attempt2.lastResult());
    assertEquals(
        Duration.ofMinutes(2),
        Duration.between(attempt2.lastAttemptAt(), attempt2.nextAttemptAt()));

    arriveAtNextAttempt(jobId);
    JobNotice.WebhookDelivery attempt3 =
        awaitNotice(jobId, JobNoticesIT::delivered).notice().webhook();
    assertEquals(3, attempt3.attempts());
    assertEquals("HTTP 204", attempt3.lastResult());
    assertNull(attempt3.nextAttemptAt());

    cloud.sweepNow();
    assertEquals(3, received.size());
    List<String> bodies = new ArrayList<>();
    for (Received post : received) {
      assertTrue(
          WebhookSignature.verify(
              secret, post.signature(), post.body(), Instant.now().getEpochSecond(), 300));
      bodies.add(post.body());
    }
    assertEquals(1, bodies.stream().distinct().count(), "each attempt sends the same event");
    assertEquals(1, cloud.pullJobEvents(100).size(), "published once, however often it is POSTed");
  }

  /** Time passes until the job's next webhook attempt is due (the backoff is minutes long). */
  private void arriveAtNextAttempt(String jobId) throws Exception {
    Timestamp past = Timestamp.ofTimeSecondsAndNanos(Instant.now().getEpochSecond() - 1, 0);
    cloud
        .stages()
        .layout()
        .job(A, jobId)
        .update(Map.of("noticeDue", past, "notice.webhook.nextAttemptAt", past))
        .get();
  }
}
