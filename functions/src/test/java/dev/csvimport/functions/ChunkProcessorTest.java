package dev.csvimport.functions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.apply.ChunkApplier;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Pub/Sub's push contract: 2xx acknowledges, anything else is delivered again, until the last
 * attempt.
 */
class ChunkProcessorTest {

  private final ChunkApplier applier = mock(ChunkApplier.class);
  private final HttpResponse response = mock(HttpResponse.class);
  private final ChunkProcessor processor = new ChunkProcessor(applier, 5);

  /** A push body as Pub/Sub sends it when the subscription has a dead-letter policy. */
  private static HttpRequest push(Integer deliveryAttempt) throws Exception {
    String data = Base64.getEncoder().encodeToString("{\"p\":0}".getBytes(StandardCharsets.UTF_8));
    String body =
        "{\"message\":{\"data\":\""
            + data
            + "\",\"attributes\":{\"appId\":\"a\",\"jobId\":\"j\"},"
            + "\"messageId\":\"1\"},\"subscription\":\"projects/p/subscriptions/s\""
            + (deliveryAttempt == null ? "" : ",\"deliveryAttempt\":" + deliveryAttempt)
            + "}";
    return request("POST", body);
  }

  private static HttpRequest request(String method, String body) throws Exception {
    HttpRequest request = mock(HttpRequest.class);
    when(request.getMethod()).thenReturn(method);
    when(request.getInputStream())
        .thenReturn(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    return request;
  }

  @Test
  void anAppliedChunkIsAcknowledged() throws Exception {
    processor.service(push(null), response);
    ArgumentCaptor<ChunkApplier.Delivery> delivered =
        ArgumentCaptor.forClass(ChunkApplier.Delivery.class);
    verify(applier).apply(delivered.capture());
    assertEquals("a", delivered.getValue().appId());
    assertEquals("j", delivered.getValue().jobId());
    assertArrayEquals("{\"p\":0}".getBytes(StandardCharsets.UTF_8), delivered.getValue().payload());
    verify(response).setStatusCode(204);
  }

  @Test
  void aFailureBeforeTheLastAttemptAsksForRedelivery() throws Exception {
    when(applier.apply(any())).thenThrow(new IllegalStateException("contention"));
    processor.service(push(4), response);
    verify(response).setStatusCode(500);
    verify(applier, never()).recordFailure(any(), anyString());
  }

  @Test
  void onTheLastAttemptTheRowsAreRecordedAsFailedAndTheMessageAcknowledged() throws Exception {
    when(applier.apply(any())).thenThrow(new IllegalStateException("contention"));
    processor.service(push(5), response);
    verify(applier).recordFailure(any(), contains("contention"));
    verify(response).setStatusCode(204);
  }

  @Test
  void whatIsNotAPushOfAChunkIsRefused() throws Exception {
    processor.service(request("POST", "{\"message\":{}}"), response);
    verify(response).setStatusCode(400);
    HttpResponse second = mock(HttpResponse.class);
    processor.service(request("GET", ""), second);
    verify(second).setStatusCode(405);
    for (String junk :
        new String[] {
          "",
          "[]",
          "not json",
          "{\"message\":[]}",
          "{\"message\":{\"data\":\"e30=\",\"attributes\":{\"appId\":\"a\"}}}",
          "{\"message\":{\"data\":\"%%%\",\"attributes\":{\"appId\":\"a\",\"jobId\":\"j\"}}}",
          "{\"message\":{\"data\":\"e30=\",\"attributes\":{\"appId\":\"a\",\"jobId\":\"j\"}},"
              + "\"deliveryAttempt\":\"x\"}"
        }) {
      HttpResponse refused = mock(HttpResponse.class);
      processor.service(request("POST", junk), refused);
      verify(refused).setStatusCode(400);
    }
    verify(applier, never()).apply(any());
  }
}
