package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pub/Sub's side of a push with a dead-letter policy, which the emulator leaves out: each delivery
 * of a message carries {@code deliveryAttempt}, counted per message, so the local chunk processor
 * reaches its last attempt (and records the chunk's rows as failed) instead of retrying for ever. A
 * message's count is forgotten once it is acknowledged, so memory holds only messages still in
 * flight.
 */
final class PushAttempts implements HttpFunction {

  private final HttpFunction push;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  PushAttempts(HttpFunction push) {
    this.push = push;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    byte[] body = request.getInputStream().readAllBytes();
    String messageId = messageId(body);
    if (messageId == null) {
      push.service(new WithBody(request, body), response);
      return;
    }
    int attempt = attempts.merge(messageId, 1, Integer::sum);
    JsonObject envelope =
        JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
    envelope.addProperty("deliveryAttempt", attempt);
    StatusRecorder recorded = new StatusRecorder(response);
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      push.service(
          new WithBody(request, envelope.toString().getBytes(StandardCharsets.UTF_8)), recorded);
    } finally {
      running.decrementAndGet();
      if (recorded.status >= 200 && recorded.status < 300) {
        attempts.remove(messageId);
      }
    }
  }

  /**
   * Delivers a push envelope as the emulator's push would, without HTTP: what a pulled message
   * becomes when the runner pulls chunks itself. Answers the status the processor set.
   */
  int deliver(byte[] envelope) throws Exception {
    StatusRecorder recorded = new StatusRecorder(null);
    service(new Pulled(envelope), recorded);
    return recorded.status;
  }

  /**
   * The most pushes that were being handled at once: how much of the partitions' parallelism the
   * emulator used.
   */
  int mostAtOnce() {
    return mostAtOnce.get();
  }

  /** Messages in flight, for tests. */
  int inFlight() {
    return attempts.size();
  }

  private static String messageId(byte[] body) {
    try {
      JsonElement envelope = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
      if (!envelope.isJsonObject()
          || !envelope.getAsJsonObject().has("message")
          || !envelope.getAsJsonObject().get("message").isJsonObject()) {
        return null;
      }
      JsonElement id = envelope.getAsJsonObject().getAsJsonObject("message").get("messageId");
      return id != null && id.isJsonPrimitive() ? id.getAsString() : null;
    } catch (JsonParseException e) {
      return null;
    }
  }

  /** A pulled message as the POST its push would have been. */
  private record Pulled(byte[] body) implements HttpRequest {
    @Override
    public String getMethod() {
      return "POST";
    }

    @Override
    public String getUri() {
      return "/chunks";
    }

    @Override
    public String getPath() {
      return "/chunks";
    }

    @Override
    public Optional<String> getQuery() {
      return Optional.empty();
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      return Map.of();
    }

    @Override
    public Map<String, HttpPart> getParts() {
      return Map.of();
    }

    @Override
    public Optional<String> getContentType() {
      return Optional.of("application/json");
    }

    @Override
    public long getContentLength() {
      return body.length;
    }

    @Override
    public Optional<String> getCharacterEncoding() {
      return Optional.of("UTF-8");
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return Map.of();
    }
  }

  /** The request with another body. */
  private record WithBody(HttpRequest request, byte[] body) implements HttpRequest {
    @Override
    public String getMethod() {
      return request.getMethod();
    }

    @Override
    public String getUri() {
      return request.getUri();
    }

    @Override
    public String getPath() {
      return request.getPath();
    }

    @Override
    public Optional<String> getQuery() {
      return request.getQuery();
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      return request.getQueryParameters();
    }

    @Override
    public Map<String, HttpPart> getParts() {
      return request.getParts();
    }

    @Override
    public Optional<String> getContentType() {
      return request.getContentType();
    }

    @Override
    public long getContentLength() {
      return body.length;
    }

    @Override
    public Optional<String> getCharacterEncoding() {
      return request.getCharacterEncoding();
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return request.getHeaders();
    }
  }

  /** The response, noting the status the function set (200 when it set none). */
  private static final class StatusRecorder implements HttpResponse {
    private final HttpResponse response;
    int status = 200;

    StatusRecorder(HttpResponse response) {
      this.response = response;
    }

    @Override
    public void setStatusCode(int code) {
      status = code;
      if (response != null) {
        response.setStatusCode(code);
      }
    }

    @Override
    public void setStatusCode(int code, String message) {
      status = code;
      if (response != null) {
        response.setStatusCode(code, message);
      }
    }

    @Override
    public void setContentType(String contentType) {
      response.setContentType(contentType);
    }

    @Override
    public Optional<String> getContentType() {
      return response.getContentType();
    }

    @Override
    public void appendHeader(String header, String value) {
      response.appendHeader(header, value);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return response.getHeaders();
    }

    @Override
    public java.io.OutputStream getOutputStream() throws IOException {
      return response.getOutputStream();
    }

    @Override
    public java.io.BufferedWriter getWriter() throws IOException {
      return response.getWriter();
    }
  }
}
