package dev.csvimport.functions;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.Pipeline;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pub/Sub's push contract: 2xx acknowledges, anything else is delivered again, until the last attempt. */
class ChunkProcessorTest {

  private final Pipeline pipeline = mock(Pipeline.class);
  private final ChunkApplier applier = mock(ChunkApplier.class);
  private final HttpResponse response = mock(HttpResponse.class);

  @BeforeEach
  void wire() {
    when(pipeline.settings()).thenReturn(new Settings(Map.of(Settings.MAX_DELIVERY_ATTEMPTS, "5")));
    when(pipeline.applier()).thenReturn(applier);
  }

  /** A push body as Pub/Sub sends it when the subscription has a dead-letter policy. */
  private static HttpRequest push(Integer deliveryAttempt) throws Exception {
    String data = Base64.getEncoder().encodeToString("{\"p\":0}".getBytes(StandardCharsets.UTF_8));
    String body = "{\"message\":{\"data\":\"" + data + "\",\"attributes\":{\"appId\":\"a\",\"jobId\":\"j\"},"
        + "\"messageId\":\"1\"},\"subscription\":\"projects/p/subscriptions/s\""
        + (deliveryAttempt == null ? "" : ",\"deliveryAttempt\":" + deliveryAttempt) + "}";
    return request("POST", body);
  }

  private static HttpRequest request(String method, String body) throws Exception {
    HttpRequest request = mock(HttpRequest.class);
    when(request.getMethod()).thenReturn(method);
    when(request.getInputStream()).thenReturn(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    return request;
  }

  @Test
  void anAppliedChunkIsAcknowledged() throws Exception {
    new ChunkProcessor(pipeline).service(push(null), response);
    verify(applier).apply(any());
    verify(response).setStatusCode(204);
  }

  @Test
  void aFailureBeforeTheLastAttemptAsksForRedelivery() throws Exception {
    when(applier.apply(any())).thenThrow(new IllegalStateException("contention"));
    new ChunkProcessor(pipeline).service(push(4), response);
    verify(response).setStatusCode(500);
    verify(applier, never()).recordFailure(any(), anyString());
  }

  @Test
  void onTheLastAttemptTheRowsAreRecordedAsFailedAndTheMessageAcknowledged() throws Exception {
    when(applier.apply(any())).thenThrow(new IllegalStateException("contention"));
    new ChunkProcessor(pipeline).service(push(5), response);
    verify(applier).recordFailure(any(), contains("contention"));
    verify(response).setStatusCode(204);
  }

  @Test
  void whatIsNotAPushOfAChunkIsRefused() throws Exception {
    new ChunkProcessor(pipeline).service(request("POST", "{\"message\":{}}"), response);
    verify(response).setStatusCode(400);
    HttpResponse second = mock(HttpResponse.class);
    new ChunkProcessor(pipeline).service(request("GET", ""), second);
    verify(second).setStatusCode(405);
    verify(applier, never()).apply(any());
  }
}
