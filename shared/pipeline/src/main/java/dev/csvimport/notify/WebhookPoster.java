package dev.csvimport.notify;

import java.util.Map;

/** POSTs a job's end to a webhook. */
@FunctionalInterface
public interface WebhookPoster {

  /**
   * What one POST got.
   *
   * @param delivered whether it was answered 2xx
   * @param result {@code HTTP <status>}, or why no answer came
   */
  record Attempt(boolean delivered, String result) {}

  Attempt post(String url, Map<String, String> headers, String body);
}
