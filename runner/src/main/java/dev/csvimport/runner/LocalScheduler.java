package dev.csvimport.runner;

import dev.csvimport.log.Log;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Cloud Scheduler's job (terraform/scheduler.tf): a POST to the sweep every minute, as {@code
 * test-data/wire/scheduler-sweep.http} shows it; a sweep that fails is tried again next time.
 */
final class LocalScheduler implements AutoCloseable {

  private static final Log LOG = Log.of(LocalScheduler.class);
  private static final Duration EVERY = Duration.ofMinutes(1);

  private final Supplier<String> sweepUrl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "scheduler");
            thread.setDaemon(true);
            return thread;
          });

  /** Starts calling the sweep, first one period from now. */
  LocalScheduler(Supplier<String> sweepUrl) {
    this.sweepUrl = sweepUrl;
    timer.scheduleWithFixedDelay(
        this::sweep, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  private void sweep() {
    try {
      int status =
          http.send(
                  HttpRequest.newBuilder(URI.create(sweepUrl.get()))
                      .header("Content-Type", "application/octet-stream")
                      .header("User-Agent", "Google-Cloud-Scheduler")
                      .header("X-CloudScheduler", "true")
                      .header("X-CloudScheduler-JobName", "csvimport-watchdog")
                      .header("X-CloudScheduler-ScheduleTime", Instant.now().toString())
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (status >= 300) {
        LOG.warn("the sweep answered " + status + "; the next one tries again");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("the sweep is unreachable; the next one tries again", "error", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
