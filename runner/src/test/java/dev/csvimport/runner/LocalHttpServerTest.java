package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.functions.HttpFunction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalHttpServerTest {

  /**
   * A function that answers before it reads the body (as the API's 413 does) leaves the client's
   * connection usable: every next request on it is answered, POSTs included, which no client
   * retries. Before the server read such a body to its end, 3 to 6 in 100 of these pairs failed
   * with "header parser received no bytes".
   */
  @Test
  void aBodyLeftUnreadDoesNotBreakTheClientsNextRequest() throws Exception {
    HttpFunction answersAtOnce =
        (request, response) -> {
          response.setStatusCode(413);
          response.getWriter().write("{}");
        };
    try (LocalHttpServer server = new LocalHttpServer(0, Map.of("/api", answersAtOnce))) {
      HttpClient http = HttpClient.newHttpClient();
      String large = "x".repeat(1_100_000);
      for (int i = 0; i < 50; i++) {
        assertEquals(
            413,
            http.send(post(server, large), BodyHandlers.ofString()).statusCode(),
            "large, pair " + i);
        assertEquals(
            413,
            http.send(post(server, "{}"), BodyHandlers.ofString()).statusCode(),
            "next, pair " + i);
      }
    }
  }

  private static HttpRequest post(LocalHttpServer server, String body) {
    return HttpRequest.newBuilder(URI.create(server.url("/api")))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
