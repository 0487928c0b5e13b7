package dev.csvimport.notify;

import dev.csvimport.engine.read.Excerpt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Webhook POSTs over HTTP: 10 seconds to connect and 10 to be answered; redirects are not followed
 * (a webhook answers where it was registered, or the attempt fails); a POST goes only where {@link
 * WebhookUrl#addressRefusal} lets it, the webhook's name resolved at each attempt.
 */
public final class HttpWebhookPoster implements WebhookPoster {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final WebhookUrl.Resolver resolver;

  public HttpWebhookPoster(WebhookUrl.Resolver resolver) {
    this.resolver = resolver;
  }

  /**
   * Made at the first POST: an HTTP client sets up TLS, a tenth of a second that an instance which
   * never tells a webhook should not spend at its start.
   */
  private HttpClient http;

  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return http;
  }

  @Override
  public Attempt post(String url, Map<String, String> headers, String body) {
    URI uri = URI.create(url);
    String refusal = WebhookUrl.addressRefusal(uri.getHost(), resolver);
    if (refusal != null) {
      return new Attempt(false, refusal);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("User-Agent", "csvimport-webhook/1")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    try {
      int status =
          http().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return new Attempt(status >= 200 && status < 300, "HTTP " + status);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt(false, "interrupted before an answer came");
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Attempt(false, "no answer: " + Excerpt.of(why, 300));
    }
  }
}
