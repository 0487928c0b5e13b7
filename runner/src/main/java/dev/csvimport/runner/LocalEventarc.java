package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.log.Log;
import dev.csvimport.runner.LocalStorageServer.FinalizedObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Eventarc's part, on this machine: an object finalized in the inbox bucket becomes a
 * storage-finalize CloudEvent in binary mode ({@code ce-*} headers, the object resource as the
 * body: {@code test-data/wire/storage-finalized.http}), POSTed to the storage trigger and delivered
 * again with backoff until it answers 2xx; a push from the Pub/Sub emulator's fan-out subscription
 * becomes the {@code messagePublished} CloudEvent the fan-out worker's trigger sends ({@code
 * test-data/wire/pubsub-message-published.http}). The trigger's address is asked for at each
 * attempt, so a replaced instance gets the deliveries that follow.
 */
final class LocalEventarc implements AutoCloseable {

  static final String OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized";
  static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final Log LOG = Log.of(LocalEventarc.class);

  /**
   * About a minute of attempts: enough for a replaced instance to start; Eventarc itself retries
   * for a day.
   */
  private static final int ATTEMPTS = 10;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MOST_BACKOFF = Duration.ofSeconds(10);

  private final String bucket;
  private final Supplier<String> triggerUrl;
  private final ExecutorService deliveries =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "eventarc");
            thread.setDaemon(true);
            return thread;
          });

  /** Each object generation's latest delivery, by {@code name#generation}. */
  private final Map<String, CompletableFuture<Void>> delivered = new ConcurrentHashMap<>();

  /**
   * @param bucket the bucket the trigger watches (Eventarc's filter); objects of other buckets send
   *     nothing
   * @param triggerUrl where the storage trigger answers now
   */
  LocalEventarc(String bucket, Supplier<String> triggerUrl) {
    this.bucket = bucket;
    this.triggerUrl = triggerUrl;
  }

  private static String key(String name, long generation) {
    return name + "#" + generation;
  }

  /** Delivers the object's finalize event (again, if it was before), on its own thread. */
  CompletableFuture<Void> finalized(FinalizedObject object) {
    if (!bucket.equals(object.bucket())) {
      return CompletableFuture.completedFuture(null);
    }
    long generation = object.resource().get("generation").getAsLong();
    CompletableFuture<Void> delivery =
        CompletableFuture.runAsync(() -> deliver(object, generation), deliveries);
    delivered.put(key(object.name(), generation), delivery);
    return delivery;
  }

  /**
   * As {@link #finalized}, unless this object generation's event was delivered or is being
   * delivered.
   */
  CompletableFuture<Void> finalizedOnce(FinalizedObject object) {
    long generation = object.resource().get("generation").getAsLong();
    CompletableFuture<Void> before = delivered.get(key(object.name(), generation));
    return before != null ? before : finalized(object);
  }

  /** The delivery of that object generation's event, once the storage server has told of it. */
  CompletableFuture<Void> delivery(String name, long generation) {
    CompletableFuture<Void> delivery = delivered.get(key(name, generation));
    if (delivery == null) {
      throw new IllegalStateException(
          "no finalize event for " + name + " generation " + generation);
    }
    return delivery;
  }

  private void deliver(FinalizedObject object, long generation) {
    String body = object.resource().toString();
    // One id per object generation: a redelivery is the same event, as Eventarc's are.
    String id =
        UUID.nameUUIDFromBytes(
                (object.bucket() + "/" + object.name() + "/" + generation)
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    headers.put("ce-id", id);
    headers.put("ce-source", "//storage.googleapis.com/projects/_/buckets/" + object.bucket());
    headers.put("ce-specversion", "1.0");
    headers.put("ce-type", OBJECT_FINALIZED);
    headers.put("ce-subject", "objects/" + object.name());
    headers.put("ce-bucket", object.bucket());
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      headers.put("ce-time", Instant.now().toString());
      String outcome;
      try {
        int status =
            HttpForward.post(triggerUrl.get(), headers, body.getBytes(StandardCharsets.UTF_8));
        if (status >= 200 && status < 300) {
          return;
        }
        outcome = "status " + status;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while delivering the finalize event of " + object.name());
      }
      if (attempt == ATTEMPTS) {
        LOG.error(
            "the trigger refused the finalize event " + ATTEMPTS + " times: given up",
            null,
            "object",
            object.name(),
            "generation",
            generation,
            "outcome",
            outcome);
        throw new IllegalStateException(
            "the trigger refused the finalize event of " + object.name() + ": " + outcome);
      }
      LOG.warn(
          "trigger failed; delivering the event again",
          "object",
          object.name(),
          "attempt",
          attempt,
          "outcome",
          outcome);
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while delivering the finalize event of " + object.name());
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MOST_BACKOFF) > 0
              ? MOST_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /**
   * The Eventarc Pub/Sub trigger's door: takes the emulator's push of a fan-out request and POSTs
   * it to the worker as a {@code messagePublished} CloudEvent (the push body as its data, the
   * message id as its id), answering the worker's status so that the emulator delivers again when
   * it fails.
   */
  HttpFunction pubSubTrigger(String topic, Supplier<String> workerUrl) {
    return (HttpRequest request, HttpResponse response) -> {
      byte[] body = request.getInputStream().readAllBytes();
      String messageId;
      try {
        JsonObject message =
            JsonParser.parseString(new String(body, StandardCharsets.UTF_8))
                .getAsJsonObject()
                .getAsJsonObject("message");
        messageId = message.get("messageId").getAsString();
      } catch (RuntimeException notAPush) {
        LOG.error("fan-out push body is not a Pub/Sub push: refused", null);
        response.setStatusCode(400);
        return;
      }
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      headers.put("Content-Type", "application/json; charset=utf-8");
      headers.put("ce-id", messageId);
      headers.put("ce-source", "//pubsub.googleapis.com/" + topic);
      headers.put("ce-specversion", "1.0");
      headers.put("ce-type", MESSAGE_PUBLISHED);
      headers.put("ce-time", Instant.now().toString());
      response.setStatusCode(HttpForward.post(workerUrl.get(), headers, body));
    };
  }

  @Override
  public void close() {
    deliveries.shutdownNow();
  }
}
