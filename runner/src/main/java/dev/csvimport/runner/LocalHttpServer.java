package dev.csvimport.runner;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.csvimport.log.Log;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@link HttpFunction}s on a local port, as the Functions Framework does in the cloud: the local runner's
 * processor (the Pub/Sub emulator pushes to it) and API.
 */
public final class LocalHttpServer implements AutoCloseable {

  private static final Log LOG = Log.of(LocalHttpServer.class);

  private final HttpServer server;
  private final ExecutorService threads;

  public LocalHttpServer(int port, Map<String, HttpFunction> functionsByPath) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    this.threads = Executors.newFixedThreadPool(48);
    server.setExecutor(threads);
    functionsByPath.forEach((path, function) -> server.createContext(path, exchange -> serve(function, exchange)));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  private static void serve(HttpFunction function, HttpExchange exchange) {
    Response response = new Response(exchange);
    try (exchange) {
      try {
        function.service(new Request(exchange), response);
      } catch (Exception e) {
        LOG.error("function failed", e, "path", exchange.getRequestURI().getPath());
        if (!response.committed) {
          response.setStatusCode(500);
        }
      }
      response.send();
    } catch (IOException e) {
      LOG.warn("could not answer a request", "error", e.getMessage());
    }
  }

  /** Stops taking requests, and lets those in flight finish: an interrupted one could leave a transaction open. */
  @Override
  public void close() {
    server.stop(1);
    threads.shutdown();
    try {
      if (!threads.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, List<String>> headersOf(com.sun.net.httpserver.Headers headers) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return copy;
  }

  private static final class Request implements HttpRequest {
    private final HttpExchange exchange;

    Request(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public String getMethod() {
      return exchange.getRequestMethod();
    }

    @Override
    public String getUri() {
      return exchange.getRequestURI().toString();
    }

    @Override
    public String getPath() {
      return exchange.getRequestURI().getPath();
    }

    @Override
    public Optional<String> getQuery() {
      return Optional.ofNullable(exchange.getRequestURI().getRawQuery());
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      Map<String, List<String>> parameters = new LinkedHashMap<>();
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
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
      return getFirstHeader("Content-Length").map(Long::parseLong).orElse(-1L);
    }

    @Override
    public Optional<String> getCharacterEncoding() {
      return Optional.of("UTF-8");
    }

    @Override
    public InputStream getInputStream() {
      return exchange.getRequestBody();
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(exchange.getRequestBody(), StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headersOf(exchange.getRequestHeaders());
    }
  }

  /** Buffers the answer, so the status and headers can be set until the function returns. */
  private static final class Response implements HttpResponse {
    private final HttpExchange exchange;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private BufferedWriter writer;
    private int status = 200;
    private boolean committed;

    Response(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void setStatusCode(int code) {
      this.status = code;
    }

    @Override
    public void setStatusCode(int code, String message) {
      this.status = code;
    }

    @Override
    public void setContentType(String contentType) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }

    @Override
    public Optional<String> getContentType() {
      return Optional.ofNullable(exchange.getResponseHeaders().getFirst("Content-Type"));
    }

    @Override
    public void appendHeader(String header, String value) {
      exchange.getResponseHeaders().add(header, value);
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headersOf(exchange.getResponseHeaders());
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

    void send() throws IOException {
      if (writer != null) {
        writer.flush();
      }
      committed = true;
      byte[] bytes = body.toByteArray();
      boolean noBody = bytes.length == 0;
      exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
      if (!noBody) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

}
