package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.log.Log;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Hands a push on to a function in its own process, body and content type unchanged, and answers
 * the function's status; a function that cannot be reached (an instance being replaced) answers
 * 503, so Pub/Sub pushes again.
 */
final class HttpForward implements HttpFunction {

  private static final Log LOG = Log.of(HttpForward.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Supplier<String> url;

  /**
   * @param url where the function answers now: asked at each request, so a replaced instance gets
   *     the next
   */
  HttpForward(Supplier<String> url) {
    this.url = url;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    response.setStatusCode(
        post(
            url.get(),
            Map.of("Content-Type", request.getContentType().orElse("application/json")),
            request.getInputStream().readAllBytes()));
  }

  /**
   * POSTs {@code body} with {@code headers} to a function: its status, or 503 when it cannot be
   * reached.
   */
  static int post(String url, Map<String, String> headers, byte[] body)
      throws InterruptedException {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMinutes(10))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      return HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException unreachable) {
      LOG.warn(
          "the function is unreachable: the delivery comes again",
          "url",
          url,
          "error",
          unreachable.getMessage());
      return 503;
    }
  }
}
