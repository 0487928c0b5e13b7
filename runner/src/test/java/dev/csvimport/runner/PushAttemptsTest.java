package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushAttemptsTest {

  private static HttpRequest push(String messageId) throws Exception {
    HttpRequest request = mock(HttpRequest.class);
    String body =
        "{\"message\":{\"data\":\"e30=\",\"messageId\":\""
            + messageId
            + "\"},\"subscription\":\"s\"}";
    when(request.getInputStream())
        .thenReturn(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    return request;
  }

  @Test
  void eachDeliveryOfAMessageCarriesItsAttemptAndAnAcknowledgedMessageIsForgotten()
      throws Exception {
    List<Integer> seen = new ArrayList<>();
    int[] answer = {500};
    PushAttempts attempts =
        new PushAttempts(
            (request, response) -> {
              seen.add(
                  JsonParser.parseString(
                          new String(
                              request.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                      .getAsJsonObject()
                      .get("deliveryAttempt")
                      .getAsInt());
              response.setStatusCode(answer[0]);
            });
    attempts.service(push("m-1"), mock(HttpResponse.class));
    attempts.service(push("m-1"), mock(HttpResponse.class));
    attempts.service(push("m-2"), mock(HttpResponse.class));
    answer[0] = 204;
    attempts.service(push("m-1"), mock(HttpResponse.class));
    assertEquals(List.of(1, 2, 1, 3), seen);
    assertEquals(1, attempts.inFlight(), "m-1 was acknowledged; m-2 waits for its next delivery");
    attempts.service(push("m-2"), mock(HttpResponse.class));
    assertEquals(List.of(1, 2, 1, 3, 2), seen);
    assertEquals(0, attempts.inFlight());
  }
}
