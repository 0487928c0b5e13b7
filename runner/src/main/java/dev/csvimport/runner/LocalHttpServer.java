package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.api.ApiAnswer;
import dev.csvimport.log.Log;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves {@link HttpFunction}s on a local port, on Jetty as the Functions Framework does in the
 * cloud: the local runner's stand-in for Cloud Functions' HTTP front. A request Jetty refuses
 * before any function sees it (a malformed URI such as {@code %zz}, a request line or headers over
 * 64 KiB) gets its status with the API's JSON envelope.
 */
public final class LocalHttpServer implements AutoCloseable {

  private static final Log LOG = Log.of(LocalHttpServer.class);

  /** Request line and headers; Cloud Run's own limit is of the same order. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Server server;
  private final ServerConnector connector;

  /** Longest path first, so that the most specific function answers. */
  private final List<Map.Entry<String, HttpFunction>> routes;

  public LocalHttpServer(int port, Map<String, HttpFunction> functionsByPath) throws IOException {
    this.routes = new ArrayList<>(functionsByPath.entrySet());
    routes.sort(
        Comparator.comparingInt((Map.Entry<String, HttpFunction> e) -> e.getKey().length())
            .reversed());
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("local-http");
    this.server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setRequestHeaderSize(MAX_HEADER_BYTES);
    config.setSendServerVersion(false);
    this.connector = new ServerConnector(server, new HttpConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new GracefulHandler(new Functions()));
    server.setErrorHandler(new JsonErrors());
    // Stopping lets the requests in flight finish: an interrupted one could leave a transaction
    // open.
    server.setStopTimeout(30_000);
    try {
      server.start();
    } catch (Exception e) {
      throw new IOException("the local HTTP server could not start: " + e.getMessage(), e);
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the local HTTP server failed", "error", e.getMessage());
    }
  }

  private HttpFunction route(String path) {
    for (Map.Entry<String, HttpFunction> route : routes) {
      if (path.startsWith(route.getKey())) {
        return route.getValue();
      }
    }
    return null;
  }

  /**
   * Runs the function whose path the request's starts with; functions block, so each runs on a pool
   * thread.
   */
  private final class Functions extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = request.getHttpURI().getDecodedPath();
      HttpFunction function = route(path == null ? "/" : path);
      if (function == null) {
        return false;
      }
      Answer answer = new Answer();
      try {
        function.service(new FunctionRequest(request), answer);
      } catch (Exception e) {
        LOG.error("function failed", e, "path", path);
        answer.reset(500);
      }
      try {
        // A function may answer without reading the whole body (a 413): the rest is read and
        // dropped before the
        // answer goes out. Otherwise the connection is closed under a client that may already have
        // pooled it, and its
        // next request there reads no bytes (seen in ApiIT, and in 3 to 6 of 100 tries in a loop).
        Content.Source.consumeAll(request);
      } catch (IOException e) {
        LOG.warn(
            "the rest of a request body could not be read", "path", path, "error", e.getMessage());
      }
      answer.sendTo(response, callback);
      return true;
    }
  }

  /** Jetty's refusals in the API's envelope: JSON always, never an HTML page or a stack trace. */
  private static final class JsonErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = response.getStatus() < 400 ? 500 : response.getStatus();
      String message =
          status == 414 || status == 431
              ? "the request line or its headers are too long"
              : status == 400
                  ? "the request is malformed (its URL or headers could not be read)"
                  : "the request could not be served (HTTP " + status + ")";
      response.getHeaders().put("Content-Type", ApiAnswer.CONTENT_TYPE);
      response.write(
          true,
          ByteBuffer.wrap(ApiAnswer.error(status, message).body().getBytes(StandardCharsets.UTF_8)),
          callback);
      return true;
    }
  }

  private static Map<String, List<String>> headersOf(HttpFields fields) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HttpField field : fields) {
      copy.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
    }
    copy.replaceAll((name, values) -> List.copyOf(values));
    return copy;
  }

  private static final class FunctionRequest implements HttpRequest {
    private final Request request;

    FunctionRequest(Request request) {
      this.request = request;
    }

    @Override
    public String getMethod() {
      return request.getMethod();
    }

    @Override
    public String getUri() {
      return request.getHttpURI().toString();
    }

    @Override
    public String getPath() {
      return request.getHttpURI().getDecodedPath();
    }

    @Override
    public Optional<String> getQuery() {
      return Optional.ofNullable(request.getHttpURI().getQuery());
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      Map<String, List<String>> parameters = new LinkedHashMap<>();
      try {
        for (Fields.Field field : Request.extractQueryParameters(request, StandardCharsets.UTF_8)) {
          parameters.put(field.getName(), List.copyOf(field.getValues()));
        }
      } catch (RuntimeException badEncoding) {
        // None: the API reads the raw query and refuses it with a message.
      }
      return parameters;
    }

    @Override
    public Map<String, HttpPart> getParts() {
      throw new UnsupportedOperationException("multipart bodies are not supported here");
    }

    @Override
    public Optional<String> getContentType() {
      return getFirstHeader("Content-Type");
    }

    @Override
    public long getContentLength() {
      return request.getLength();
    }

    @Override
    public Optional<String> getCharacterEncoding() {
      return Optional.of("UTF-8");
    }

    @Override
    public InputStream getInputStream() {
      return Content.Source.asInputStream(request);
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headersOf(request.getHeaders());
    }
  }

  /** Buffers the answer, so the status and headers can be set until the function returns. */
  private static final class Answer implements HttpResponse {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private BufferedWriter writer;
    private int status = 200;

    @Override
    public void setStatusCode(int code) {
      this.status = code;
    }

    @Override
    public void setStatusCode(int code, String message) {
      this.status = code;
    }

    @Override
    public synchronized void setContentType(String contentType) {
      headers.put("Content-Type", new ArrayList<>(List.of(contentType)));
    }

    @Override
    public synchronized Optional<String> getContentType() {
      List<String> values = headers.get("Content-Type");
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public synchronized void appendHeader(String header, String value) {
      headers.computeIfAbsent(header, name -> new ArrayList<>()).add(value);
    }

    @Override
    public synchronized Map<String, List<String>> getHeaders() {
      Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
      return copy;
    }

    @Override
    public OutputStream getOutputStream() {
      return body;
    }

    @Override
    public synchronized BufferedWriter getWriter() {
      if (writer == null) {
        writer = new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8));
      }
      return writer;
    }

    /** Forgets what a failed function set: an empty 500. */
    synchronized void reset(int code) {
      status = code;
      headers.clear();
      writer = null;
      body.reset();
    }

    synchronized void sendTo(Response response, Callback callback) {
      try {
        if (writer != null) {
          writer.flush();
        }
      } catch (IOException e) {
        LOG.warn("could not finish an answer", "error", e.getMessage());
      }
      response.setStatus(status);
      headers.forEach(
          (name, values) -> values.forEach(value -> response.getHeaders().add(name, value)));
      byte[] bytes = body.toByteArray();
      response.write(true, ByteBuffer.wrap(bytes), callback);
    }
  }
}
