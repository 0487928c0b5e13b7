package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.api.UploadUrls;
import dev.csvimport.log.Log;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloud Storage's resumable uploads, as far as the uploads page uses them, on this machine: the API hands out
 * {@code /_upload/<token>} (a token per upload, valid 15 minutes, bound to one object and its metadata, standing in
 * for a signature); a POST with {@code x-goog-resumable: start} and exactly those headers opens a session, answered
 * 201 with its {@code Location}; PUTs with {@code Content-Range} append to it (308 with {@code Range} until the last,
 * then 200), and the finished file goes to the sink: into the in-memory bucket, as a finalize event would.
 */
final class LocalUploads implements UploadUrls, HttpFunction {

  /** Where a finished upload goes. */
  interface Sink {
    void accept(String object, Map<String, String> metadata, Path file) throws Exception;
  }

  private record Granted(String object, Map<String, String> headers, Instant until) {}

  private record Session(String object, Map<String, String> metadata, Path file) {}

  private static final Log LOG = Log.of(LocalUploads.class);
  private static final Duration VALID = Duration.ofMinutes(15);
  private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)|bytes \\*/(\\d+)");

  private final Supplier<String> baseUrl;
  private final Clock clock;
  private final Map<String, Granted> granted = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private volatile Sink sink;

  /** @param baseUrl the server's address, known once it listens */
  LocalUploads(Supplier<String> baseUrl, Sink sink, Clock clock) {
    this.baseUrl = baseUrl;
    this.sink = sink;
    this.clock = clock;
  }

  void sendTo(Sink sink) {
    this.sink = sink;
  }

  @Override
  public Upload resumable(String bucket, String object, Map<String, String> metadata) {
    Map<String, String> headers = UploadUrls.startHeaders(metadata);
    String token = token();
    granted.put(token, new Granted(object, headers, clock.instant().plus(VALID)));
    return new Upload(baseUrl.get() + "/_upload/" + token, headers);
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    String path = request.getPath();
    if (path.startsWith("/_upload/session/") && "PUT".equals(request.getMethod())) {
      append(path.substring("/_upload/session/".length()), request, response);
    } else if (path.startsWith("/_upload/") && "POST".equals(request.getMethod())) {
      start(path.substring("/_upload/".length()), request, response);
    } else {
      response.setStatusCode(405);
    }
  }

  private void start(String token, HttpRequest request, HttpResponse response) throws Exception {
    Granted grant = granted.remove(token);
    if (grant == null || clock.instant().isAfter(grant.until())) {
      refuse(response, 403, "the upload URL is unknown, used or expired");
      return;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : grant.headers().entrySet()) {
      String sent = request.getFirstHeader(header.getKey()).orElse(null);
      String expected = header.getValue();
      boolean matches = header.getKey().equals("Content-Type") ? sent != null && sent.startsWith(expected)
          : expected.equals(sent);
      if (!matches) {
        refuse(response, 403, "the signed header " + header.getKey() + " is missing or differs");
        return;
      }
      if (header.getKey().startsWith("x-goog-meta-")) {
        metadata.put(header.getKey().substring("x-goog-meta-".length()), expected);
      }
    }
    String id = token();
    sessions.put(id, new Session(grant.object(), metadata, Files.createTempFile("csvimport-upload-", ".csv")));
    response.appendHeader("Location", baseUrl.get() + "/_upload/session/" + id);
    response.setStatusCode(201);
  }

  private void append(String id, HttpRequest request, HttpResponse response) throws Exception {
    Session session = sessions.get(id);
    if (session == null) {
      refuse(response, 404, "no such upload session");
      return;
    }
    Matcher range = RANGE.matcher(request.getFirstHeader("Content-Range").orElse(""));
    if (!range.matches()) {
      refuse(response, 400, "Content-Range must be 'bytes first-last/total' or 'bytes */total'");
      return;
    }
    long have = Files.size(session.file());
    long total = -1;
    if (range.group(1) != null) {
      if (Long.parseLong(range.group(1)) != have) {
        response.appendHeader("Range", "bytes=0-" + (have - 1));
        response.setStatusCode(308);
        return;
      }
      try (InputStream body = request.getInputStream();
          OutputStream out = Files.newOutputStream(session.file(), StandardOpenOption.APPEND)) {
        body.transferTo(out);
      }
      have = Files.size(session.file());
      total = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
    } else {
      total = Long.parseLong(range.group(4));
    }
    if (total >= 0 && have >= total) {
      sessions.remove(id);
      try {
        sink.accept(session.object(), session.metadata(), session.file());
      } finally {
        Files.deleteIfExists(session.file());
      }
      LOG.info("upload finished", "object", session.object(), "bytes", have);
      response.setStatusCode(200);
      return;
    }
    if (have > 0) {
      response.appendHeader("Range", "bytes=0-" + (have - 1));
    }
    response.setStatusCode(308);
  }

  private static void refuse(HttpResponse response, int status, String message) throws Exception {
    response.setStatusCode(status);
    response.setContentType("text/plain; charset=utf-8");
    response.getWriter().write(message.toLowerCase(Locale.ROOT));
  }

  private static String token() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
