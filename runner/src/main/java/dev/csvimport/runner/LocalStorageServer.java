package dev.csvimport.runner;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.csvimport.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Cloud Storage on this machine, for the functions that now run in processes of their own: the
 * subset of the JSON API that google-cloud-storage uses for what csvimport does, over folders (one
 * per bucket), so that every function, the runner and a person with a file manager see the same
 * objects. Clients reach it through {@code STORAGE_EMULATOR_HOST}.
 *
 * <p>It does: objects get (metadata, and media with {@code Range}), list (prefix, delimiter,
 * pages), delete, uploads (media, multipart and resumable, with {@code Content-Range} and the 308
 * status query), generations and the {@code ifGenerationMatch} / {@code ifGenerationNotMatch} /
 * {@code ifMetagenerationMatch} preconditions (412), and it tells {@code onFinalize} of every
 * object it finished writing, as Cloud Storage tells Eventarc. It keeps only each object's live
 * generation (no versioning), knows no IAM, signs nothing and does no bucket operations; an object
 * a person puts into the folder directly takes its modification time as its generation.
 *
 * <p>Beside each bucket's objects, {@code .csvimport-storage/} holds what a file cannot: each
 * object's generation, content type and metadata, and uploads in progress.
 */
public final class LocalStorageServer implements AutoCloseable {

  /** An object as Cloud Storage describes it: the {@code storage#object} resource. */
  public record FinalizedObject(String bucket, String name, JsonObject resource) {}

  private static final Log LOG = Log.of(LocalStorageServer.class);
  static final String SIDE = ".csvimport-storage";
  private static final Pattern OBJECT_PATH =
      Pattern.compile("/(?:download/)?storage/v1/b/([^/]+)/o/(.+)");
  private static final Pattern LIST_PATH = Pattern.compile("/storage/v1/b/([^/]+)/o/?");
  private static final Pattern UPLOAD_PATH = Pattern.compile("/upload/storage/v1/b/([^/]+)/o/?");

  /** The XML API's object path, where a V4-signed URL points. */
  private static final Pattern SIGNED_PATH = Pattern.compile("/([^/]+)/(.+)");

  private static final java.time.format.DateTimeFormatter SIGNED_DATE =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
          .withZone(java.time.ZoneOffset.UTC);
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final int PAGE = 1000;

  private final Map<String, Path> buckets;
  private final Consumer<FinalizedObject> onFinalize;
  private final HttpServer server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "local-storage");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  private final Object writes = new Object();
  private long lastGeneration;

  /** An upload in progress: where its bytes gather, and the object it becomes. */
  private record Upload(
      String bucket, JsonObject resource, Map<String, String> preconditions, Path part) {}

  /** A precondition the object's state does not meet: Cloud Storage's 412. */
  private static final class PreconditionFailed extends Exception {
    PreconditionFailed(String message) {
      super(message);
    }
  }

  /**
   * @param buckets each bucket's folder
   * @param onFinalize told of each object once it is written, on the writer's thread, before the
   *     writer's answer
   */
  public LocalStorageServer(
      Map<String, Path> buckets, int port, Consumer<FinalizedObject> onFinalize)
      throws IOException {
    this.buckets = Map.copyOf(buckets);
    this.onFinalize = onFinalize;
    for (Path folder : this.buckets.values()) {
      Files.createDirectories(folder.resolve(SIDE).resolve("uploads"));
    }
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /**
   * The object as a finalize event would describe it now, if it exists: for a file a person put
   * into the folder, which no upload told {@code onFinalize} of.
   */
  public Optional<FinalizedObject> object(String bucket, String name) throws IOException {
    return resource(folder(bucket), bucket, name)
        .map(resource -> new FinalizedObject(bucket, name, resource));
  }

  /** What {@code STORAGE_EMULATOR_HOST} is set to for clients of this server. */
  public String host() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String method = exchange.getRequestMethod();
      Matcher upload = UPLOAD_PATH.matcher(path);
      Matcher object = OBJECT_PATH.matcher(path);
      Matcher list = LIST_PATH.matcher(path);
      Matcher signed = SIGNED_PATH.matcher(path);
      allowOrigin(exchange);
      try {
        if ("OPTIONS".equals(method)) {
          preflight(exchange);
        } else if (upload.matches() && ("POST".equals(method) || "PUT".equals(method))) {
          upload(exchange, folder(upload.group(1)), upload.group(1), query);
        } else if (object.matches() && "GET".equals(method)) {
          get(exchange, object.group(1), decode(object.group(2)), query);
        } else if (object.matches() && "DELETE".equals(method)) {
          delete(exchange, object.group(1), decode(object.group(2)), query);
        } else if (list.matches() && "GET".equals(method)) {
          list(exchange, list.group(1), query);
        } else if (signed.matches()
            && "POST".equals(method)
            && query.containsKey("X-Goog-Signature")) {
          signedResumableStart(exchange, signed.group(1), decode(signed.group(2)), query);
        } else {
          error(exchange, 501, "the local Cloud Storage server does not do " + method + " " + path);
        }
      } catch (PreconditionFailed failed) {
        error(exchange, 412, failed.getMessage());
      } catch (NoSuchFileException | NoSuchBucket missing) {
        error(exchange, 404, missing.getMessage());
      } catch (IllegalArgumentException bad) {
        error(exchange, 400, bad.getMessage());
      } catch (IOException | RuntimeException e) {
        LOG.error("local storage request failed", e, "method", method, "path", path);
        error(exchange, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  private static final class NoSuchBucket extends RuntimeException {
    NoSuchBucket(String bucket) {
      super("no such bucket: " + bucket);
    }
  }

  private Path folder(String bucket) {
    Path folder = buckets.get(decode(bucket));
    if (folder == null) {
      throw new NoSuchBucket(decode(bucket));
    }
    return folder;
  }

  // --- reads ---

  private void get(HttpExchange exchange, String bucket, String name, Map<String, String> query)
      throws IOException, PreconditionFailed {
    Path folder = folder(bucket);
    JsonObject resource =
        resource(folder, decode(bucket), name)
            .orElseThrow(
                () -> new NoSuchFileException("no such object: " + decode(bucket) + "/" + name));
    check(resource, query);
    String generation = query.get("generation");
    if (generation != null && !generation.equals(resource.get("generation").getAsString())) {
      throw new NoSuchFileException(
          "no such object: "
              + decode(bucket)
              + "/"
              + name
              + "#"
              + generation
              + " (only the live generation is kept)");
    }
    if (!"media".equals(query.get("alt"))) {
      json(exchange, 200, resource);
      return;
    }
    Path file = folder.resolve(name);
    long size = Files.size(file);
    long from = 0;
    long to = size - 1;
    int status = 200;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Matcher matcher = RANGE.matcher(range.trim());
      if (!matcher.matches()) {
        throw new IllegalArgumentException("unreadable Range header: " + range);
      }
      if (matcher.group(1).isEmpty()) {
        from = Math.max(0, size - Long.parseLong(matcher.group(2)));
      } else {
        from = Long.parseLong(matcher.group(1));
        to =
            matcher.group(2).isEmpty()
                ? size - 1
                : Math.min(size - 1, Long.parseLong(matcher.group(2)));
      }
      if (from >= size && size > 0) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
        error(exchange, 416, "the range starts past the object's end (" + size + " bytes)");
        return;
      }
      status = 206;
      exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    long length = Math.max(0, to - from + 1);
    exchange.getResponseHeaders().set("Content-Type", resource.get("contentType").getAsString());
    exchange
        .getResponseHeaders()
        .set("x-goog-generation", resource.get("generation").getAsString());
    exchange
        .getResponseHeaders()
        .set("x-goog-metageneration", resource.get("metageneration").getAsString());
    exchange.getResponseHeaders().set("x-goog-stored-content-length", Long.toString(size));
    exchange.getResponseHeaders().set("ETag", resource.get("etag").getAsString());
    if (status == 200) {
      exchange
          .getResponseHeaders()
          .set(
              "x-goog-hash",
              "crc32c="
                  + resource.get("crc32c").getAsString()
                  + ",md5="
                  + resource.get("md5Hash").getAsString());
    }
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    if (length > 0) {
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = exchange.getResponseBody()) {
        in.skipNBytes(from);
        copy(in, out, length);
      }
    }
  }

  private void list(HttpExchange exchange, String bucket, Map<String, String> query)
      throws IOException {
    Path folder = folder(bucket);
    String prefix = query.getOrDefault("prefix", "");
    String delimiter = query.get("delimiter");
    int max =
        query.containsKey("maxResults")
            ? Math.min(PAGE, Integer.parseInt(query.get("maxResults")))
            : PAGE;
    String after = query.get("pageToken");
    TreeSet<String> names = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.filter(Files::isRegularFile)
          .map(file -> folder.relativize(file).toString().replace('\\', '/'))
          .filter(name -> !name.startsWith(SIDE + "/") && name.startsWith(prefix))
          .forEach(names::add);
    }
    List<JsonObject> items = new ArrayList<>();
    TreeSet<String> prefixes = new TreeSet<>();
    String last = null;
    for (String name : after == null ? names : names.tailSet(decodeToken(after), false)) {
      if (items.size() + prefixes.size() == max) {
        break;
      }
      int cut =
          delimiter == null || delimiter.isEmpty() ? -1 : name.indexOf(delimiter, prefix.length());
      if (cut >= 0) {
        prefixes.add(name.substring(0, cut + delimiter.length()));
      } else {
        resource(folder, decode(bucket), name).ifPresent(items::add);
      }
      last = name;
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("kind", "storage#objects");
    if (!items.isEmpty()) {
      com.google.gson.JsonArray array = new com.google.gson.JsonArray();
      items.forEach(array::add);
      answer.add("items", array);
    }
    if (!prefixes.isEmpty()) {
      com.google.gson.JsonArray array = new com.google.gson.JsonArray();
      prefixes.forEach(array::add);
      answer.add("prefixes", array);
    }
    if (last != null && names.higher(last) != null) {
      answer.addProperty(
          "nextPageToken",
          Base64.getUrlEncoder().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
    }
    json(exchange, 200, answer);
  }

  private static String decodeToken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable pageToken");
    }
  }

  private void delete(HttpExchange exchange, String bucket, String name, Map<String, String> query)
      throws IOException, PreconditionFailed {
    Path folder = folder(bucket);
    synchronized (writes) {
      JsonObject resource =
          resource(folder, decode(bucket), name)
              .orElseThrow(
                  () -> new NoSuchFileException("no such object: " + decode(bucket) + "/" + name));
      check(resource, query);
      Files.delete(folder.resolve(name));
      Files.deleteIfExists(sidecar(folder, name));
    }
    exchange.sendResponseHeaders(204, -1);
  }

  // --- writes ---

  // --- the uploads page: a V4-signed resumable start from a browser, then the session's PUTs ---

  /**
   * Cross-origin requests from the uploads page, which is served by the API on another port, as the
   * bucket's CORS configuration in terraform/storage.tf lets them from the API's origin.
   */
  private static void allowOrigin(HttpExchange exchange) {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin != null) {
      exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
      exchange
          .getResponseHeaders()
          .set("Access-Control-Expose-Headers", "Location, Range, Content-Range");
      exchange.getResponseHeaders().set("Vary", "Origin");
    }
  }

  private static void preflight(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, PUT");
    String asked = exchange.getRequestHeaders().getFirst("Access-Control-Request-Headers");
    if (asked != null) {
      exchange.getResponseHeaders().set("Access-Control-Allow-Headers", asked);
    }
    exchange.getResponseHeaders().set("Access-Control-Max-Age", "3600");
    exchange.sendResponseHeaders(200, -1);
  }

  /**
   * A POST to a V4-signed URL with {@code x-goog-resumable: start}, as the uploads page sends it:
   * checks that the URL carries a signature that has not expired and that every header it signed is
   * sent, then opens a resumable session for the object, its content type and its {@code
   * x-goog-meta-*} metadata (201 with the session's {@code Location}). It does not check the
   * signature itself: the key that signed it lives in another process.
   */
  private void signedResumableStart(
      HttpExchange exchange, String bucket, String name, Map<String, String> query)
      throws IOException, PreconditionFailed {
    Path folder = folder(bucket);
    if (!"start".equals(exchange.getRequestHeaders().getFirst("x-goog-resumable"))) {
      error(
          exchange,
          501,
          "the local Cloud Storage server takes only resumable starts at signed URLs");
      return;
    }
    Instant signedAt;
    long validSeconds;
    try {
      signedAt = Instant.from(SIGNED_DATE.parse(query.getOrDefault("X-Goog-Date", "")));
      validSeconds = Long.parseLong(query.getOrDefault("X-Goog-Expires", ""));
    } catch (RuntimeException unreadable) {
      error(
          exchange, 400, "the signed URL's X-Goog-Date or X-Goog-Expires is missing or unreadable");
      return;
    }
    if (Instant.now().isAfter(signedAt.plusSeconds(validSeconds))) {
      error(exchange, 400, "the signed URL expired at " + signedAt.plusSeconds(validSeconds));
      return;
    }
    for (String header : query.getOrDefault("X-Goog-SignedHeaders", "").split(";")) {
      if (!header.isBlank()
          && !header.equals("host")
          && exchange.getRequestHeaders().getFirst(header) == null) {
        error(exchange, 403, "the signed header " + header + " is missing");
        return;
      }
    }
    JsonObject resource = new JsonObject();
    resource.addProperty("name", name);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null) {
      resource.addProperty("contentType", contentType);
    }
    JsonObject metadata = new JsonObject();
    exchange
        .getRequestHeaders()
        .forEach(
            (header, values) -> {
              if (header.toLowerCase(java.util.Locale.ROOT).startsWith("x-goog-meta-")) {
                // The XML API keeps metadata keys as the headers name them: lower case.
                metadata.addProperty(
                    header.substring("x-goog-meta-".length()).toLowerCase(java.util.Locale.ROOT),
                    values.get(0));
              }
            });
    if (metadata.size() > 0) {
      resource.add("metadata", metadata);
    }
    check(folder, bucket, name, Map.of());
    String id = token();
    Path part = folder.resolve(SIDE).resolve("uploads").resolve(id);
    Files.createFile(part);
    uploads.put(id, new Upload(bucket, resource, Map.of(), part));
    exchange
        .getResponseHeaders()
        .set(
            "Location",
            host()
                + "/upload/storage/v1/b/"
                + URLEncoder.encode(bucket, StandardCharsets.UTF_8)
                + "/o?uploadType=resumable&upload_id="
                + id);
    exchange.sendResponseHeaders(201, -1);
  }

  private void upload(HttpExchange exchange, Path folder, String bucket, Map<String, String> query)
      throws IOException, PreconditionFailed {
    String type = query.get("uploadType");
    String uploadId = query.get("upload_id");
    if (uploadId != null) {
      resumableAppend(exchange, uploadId);
      return;
    }
    if ("resumable".equals(type)) {
      JsonObject resource = metadataBody(exchange);
      if (!resource.has("name") && query.containsKey("name")) {
        resource.addProperty("name", query.get("name"));
      }
      String contentType = exchange.getRequestHeaders().getFirst("X-Upload-Content-Type");
      if (!resource.has("contentType") && contentType != null) {
        resource.addProperty("contentType", contentType);
      }
      String id = token();
      Path part = folder.resolve(SIDE).resolve("uploads").resolve(id);
      Files.createFile(part);
      Map<String, String> preconditions = preconditions(query);
      check(folder, decode(bucket), name(resource), preconditions);
      uploads.put(id, new Upload(decode(bucket), resource, preconditions, part));
      exchange
          .getResponseHeaders()
          .set(
              "Location",
              host()
                  + "/upload/storage/v1/b/"
                  + bucket
                  + "/o?uploadType=resumable&upload_id="
                  + id);
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    Path part = Files.createTempFile(folder.resolve(SIDE).resolve("uploads"), "upload", ".part");
    try {
      JsonObject resource;
      if ("multipart".equals(type)) {
        resource = multipart(exchange, part);
      } else if ("media".equals(type)) {
        resource = new JsonObject();
        resource.addProperty("name", query.get("name"));
        try (InputStream in = body(exchange)) {
          Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        throw new IllegalArgumentException(
            "uploadType must be media, multipart or resumable, not " + type);
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!resource.has("contentType") && "media".equals(type) && contentType != null) {
        resource.addProperty("contentType", contentType);
      }
      json(exchange, 200, finish(folder, decode(bucket), resource, preconditions(query), part));
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private void resumableAppend(HttpExchange exchange, String id)
      throws IOException, PreconditionFailed {
    Upload upload = uploads.get(id);
    if (upload == null) {
      error(exchange, 404, "no such upload session (finished, cancelled or never started): " + id);
      return;
    }
    if ("DELETE".equals(exchange.getRequestMethod())) {
      uploads.remove(id);
      Files.deleteIfExists(upload.part());
      error(exchange, 499, "upload cancelled");
      return;
    }
    String header = exchange.getRequestHeaders().getFirst("Content-Range");
    Matcher range = header == null ? null : CONTENT_RANGE.matcher(header.trim());
    if (range != null && !range.matches()) {
      throw new IllegalArgumentException("unreadable Content-Range: " + header);
    }
    byte[] body;
    try (InputStream in = body(exchange)) {
      body = in.readAllBytes();
    }
    synchronized (upload) {
      long have = Files.size(upload.part());
      long total;
      if (range == null) {
        if (have != 0) {
          throw new IllegalArgumentException(
              "a PUT without Content-Range sends the whole object at once");
        }
        Files.write(upload.part(), body, StandardOpenOption.APPEND);
        total = body.length;
      } else {
        total = "*".equals(range.group(3)) ? -1 : Long.parseLong(range.group(3));
        if (range.group(1) != null) {
          long from = Long.parseLong(range.group(1));
          long to = Long.parseLong(range.group(2));
          if (to - from + 1 != body.length) {
            throw new IllegalArgumentException(
                "Content-Range "
                    + header
                    + " names "
                    + (to - from + 1)
                    + " bytes; the body has "
                    + body.length);
          }
          if (from > have) {
            throw new IllegalArgumentException(
                "Content-Range starts at "
                    + from
                    + "; the upload has "
                    + have
                    + " bytes: the bytes between are missing");
          }
          if (to >= have) {
            try (var channel =
                java.nio.channels.FileChannel.open(upload.part(), StandardOpenOption.WRITE)) {
              channel.position(from);
              channel.write(java.nio.ByteBuffer.wrap(body));
            }
          }
        }
      }
      long size = Files.size(upload.part());
      if (total >= 0 && size == total) {
        uploads.remove(id);
        try {
          json(
              exchange,
              200,
              finish(
                  folder(upload.bucket()),
                  upload.bucket(),
                  upload.resource(),
                  upload.preconditions(),
                  upload.part()));
        } finally {
          Files.deleteIfExists(upload.part());
        }
        return;
      }
      if (total >= 0 && size > total) {
        throw new IllegalArgumentException(
            "the upload has " + size + " bytes, more than the " + total + " declared");
      }
      if (size > 0) {
        exchange.getResponseHeaders().set("Range", "bytes=0-" + (size - 1));
      }
      exchange.sendResponseHeaders(308, -1);
    }
  }

  /**
   * Reads a {@code multipart/related} body: the object's JSON resource, then its content (into
   * {@code part}).
   */
  private static JsonObject multipart(HttpExchange exchange, Path part) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Matcher boundaryOf =
        Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType == null ? "" : contentType);
    if (!boundaryOf.find()) {
      throw new IllegalArgumentException("a multipart upload needs a boundary in its Content-Type");
    }
    byte[] body;
    try (InputStream in = body(exchange)) {
      body = in.readAllBytes();
    }
    byte[] delimiter = ("--" + boundaryOf.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break;
      }
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        break;
      }
      parts.add(java.util.Arrays.copyOfRange(body, start, next));
      at = next;
    }
    if (parts.size() != 2) {
      throw new IllegalArgumentException(
          "a multipart upload has two parts, metadata and media; this one has " + parts.size());
    }
    JsonObject resource =
        JsonParser.parseString(new String(content(parts.get(0)), StandardCharsets.UTF_8))
            .getAsJsonObject();
    Files.write(part, content(parts.get(1)));
    return resource;
  }

  /**
   * A part's content: after its headers' blank line, before the CRLF that precedes the next
   * delimiter.
   */
  private static byte[] content(byte[] part) {
    byte[] blank = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    int headersEnd = indexOf(part, blank, 0);
    int start = headersEnd < 0 ? 0 : headersEnd + blank.length;
    int end = part.length;
    if (end >= 2 && part[end - 2] == '\r' && part[end - 1] == '\n') {
      end -= 2;
    }
    return java.util.Arrays.copyOfRange(part, start, Math.max(start, end));
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static JsonObject metadataBody(HttpExchange exchange) throws IOException {
    try (InputStream in = body(exchange)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? new JsonObject() : JsonParser.parseString(text).getAsJsonObject();
    } catch (IllegalStateException | com.google.gson.JsonParseException e) {
      throw new IllegalArgumentException("the upload's metadata is not a JSON object");
    }
  }

  private static String name(JsonObject resource) {
    if (!resource.has("name") || resource.get("name").getAsString().isEmpty()) {
      throw new IllegalArgumentException("the upload names no object");
    }
    String name = resource.get("name").getAsString();
    if (name.startsWith("/")
        || name.contains("..")
        || name.startsWith(SIDE)
        || name.endsWith("/")) {
      throw new IllegalArgumentException("the local server keeps no object named " + name);
    }
    return name;
  }

  /**
   * Makes the written bytes the object's live generation, if the preconditions still hold, and says
   * so.
   */
  private JsonObject finish(
      Path folder,
      String bucket,
      JsonObject requested,
      Map<String, String> preconditions,
      Path part)
      throws IOException, PreconditionFailed {
    String name = name(requested);
    JsonObject resource;
    synchronized (writes) {
      check(folder, bucket, name, preconditions);
      Path target = folder.resolve(name);
      Files.createDirectories(target.getParent());
      try {
        Files.move(
            part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
      long generation = nextGeneration();
      JsonObject side = new JsonObject();
      side.addProperty("generation", generation);
      side.addProperty(
          "contentType",
          requested.has("contentType")
              ? requested.get("contentType").getAsString()
              : "application/octet-stream");
      if (requested.has("contentEncoding")) {
        side.addProperty("contentEncoding", requested.get("contentEncoding").getAsString());
      }
      side.add(
          "metadata",
          requested.has("metadata") && requested.get("metadata").isJsonObject()
              ? requested.getAsJsonObject("metadata")
              : new JsonObject());
      side.addProperty("fileStamp", stamp(target));
      Path sidecar = sidecar(folder, name);
      Files.createDirectories(sidecar.getParent());
      Files.writeString(sidecar, side.toString(), StandardCharsets.UTF_8);
      resource = resource(folder, bucket, name).orElseThrow();
    }
    onFinalize.accept(new FinalizedObject(bucket, name, resource));
    return resource;
  }

  private long nextGeneration() {
    long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    lastGeneration = Math.max(now, lastGeneration + 1);
    return lastGeneration;
  }

  // --- objects ---

  private static Path sidecar(Path folder, String name) {
    return folder.resolve(SIDE).resolve("objects").resolve(name + ".json");
  }

  private static String stamp(Path file) throws IOException {
    return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
  }

  /**
   * The object's resource, or none. Its generation is the one this server gave it, unless the file
   * changed since (a person replaced it in the folder): then, as for a file put there directly, its
   * modification time.
   */
  Optional<JsonObject> resource(Path folder, String bucket, String name) throws IOException {
    Path file = folder.resolve(name);
    if (name.startsWith(SIDE) || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonObject side = null;
    Path sidecar = sidecar(folder, name);
    if (Files.isRegularFile(sidecar)) {
      side =
          JsonParser.parseString(Files.readString(sidecar, StandardCharsets.UTF_8))
              .getAsJsonObject();
      if (!stamp(file).equals(side.get("fileStamp").getAsString())) {
        side = null;
      }
    }
    long generation =
        side != null
            ? side.get("generation").getAsLong()
            : Files.getLastModifiedTime(file).to(java.util.concurrent.TimeUnit.MICROSECONDS);
    byte[] md5;
    CRC32C crc = new CRC32C();
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        crc.update(buffer, 0, n);
      }
      md5 = digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    int crc32c = (int) crc.getValue();
    byte[] crcBytes = {
      (byte) (crc32c >>> 24), (byte) (crc32c >>> 16), (byte) (crc32c >>> 8), (byte) crc32c
    };
    String time = Files.getLastModifiedTime(file).toInstant().toString();
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    JsonObject resource = new JsonObject();
    resource.addProperty("kind", "storage#object");
    resource.addProperty("id", bucket + "/" + name + "/" + generation);
    resource.addProperty("selfLink", "/storage/v1/b/" + bucket + "/o/" + encoded);
    resource.addProperty(
        "mediaLink",
        "/download/storage/v1/b/"
            + bucket
            + "/o/"
            + encoded
            + "?generation="
            + generation
            + "&alt=media");
    resource.addProperty("name", name);
    resource.addProperty("bucket", bucket);
    resource.addProperty("generation", Long.toString(generation));
    resource.addProperty("metageneration", "1");
    resource.addProperty(
        "contentType",
        side != null
            ? side.get("contentType").getAsString()
            : name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
                ? "text/csv"
                : "application/octet-stream");
    if (side != null && side.has("contentEncoding")) {
      resource.addProperty("contentEncoding", side.get("contentEncoding").getAsString());
    }
    resource.addProperty("storageClass", "STANDARD");
    resource.addProperty("size", Long.toString(Files.size(file)));
    resource.addProperty("md5Hash", Base64.getEncoder().encodeToString(md5));
    resource.addProperty("crc32c", Base64.getEncoder().encodeToString(crcBytes));
    resource.addProperty("etag", Base64.getEncoder().encodeToString(md5).substring(0, 12));
    resource.addProperty("timeCreated", time);
    resource.addProperty("updated", time);
    if (side != null && side.getAsJsonObject("metadata").size() > 0) {
      resource.add("metadata", side.getAsJsonObject("metadata"));
    }
    return Optional.of(resource);
  }

  private static Map<String, String> preconditions(Map<String, String> query) {
    Map<String, String> preconditions = new HashMap<>();
    for (String name :
        List.of(
            "ifGenerationMatch",
            "ifGenerationNotMatch",
            "ifMetagenerationMatch",
            "ifMetagenerationNotMatch")) {
      if (query.containsKey(name)) {
        preconditions.put(name, query.get(name));
      }
    }
    return preconditions;
  }

  private void check(Path folder, String bucket, String name, Map<String, String> preconditions)
      throws IOException, PreconditionFailed {
    if (preconditions.isEmpty()) {
      return;
    }
    Optional<JsonObject> resource = resource(folder, bucket, name);
    String generation = resource.map(r -> r.get("generation").getAsString()).orElse("0");
    String metageneration = resource.map(r -> r.get("metageneration").getAsString()).orElse("0");
    String match = preconditions.get("ifGenerationMatch");
    if (match != null && !match.equals(generation)) {
      throw new PreconditionFailed(
          "ifGenerationMatch="
              + match
              + " but "
              + bucket
              + "/"
              + name
              + " is at generation "
              + generation
              + (generation.equals("0") ? " (it does not exist)" : ""));
    }
    String notMatch = preconditions.get("ifGenerationNotMatch");
    if (notMatch != null && notMatch.equals(generation)) {
      throw new PreconditionFailed(
          "ifGenerationNotMatch="
              + notMatch
              + " and "
              + bucket
              + "/"
              + name
              + " is at that generation");
    }
    String metaMatch = preconditions.get("ifMetagenerationMatch");
    if (metaMatch != null && !metaMatch.equals(metageneration)) {
      throw new PreconditionFailed(
          "ifMetagenerationMatch=" + metaMatch + " but the metageneration is " + metageneration);
    }
    String metaNotMatch = preconditions.get("ifMetagenerationNotMatch");
    if (metaNotMatch != null && metaNotMatch.equals(metageneration)) {
      throw new PreconditionFailed(
          "ifMetagenerationNotMatch=" + metaNotMatch + " and the metageneration is that");
    }
  }

  private void check(JsonObject resource, Map<String, String> query)
      throws IOException, PreconditionFailed {
    Map<String, String> preconditions = preconditions(query);
    if (!preconditions.isEmpty()) {
      check(
          folder(resource.get("bucket").getAsString()),
          resource.get("bucket").getAsString(),
          resource.get("name").getAsString(),
          preconditions);
    }
  }

  // --- HTTP ---

  /**
   * The request's body, inflated where the client compressed it (google-http-client gzips multipart
   * uploads).
   */
  private static InputStream body(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    InputStream in = exchange.getRequestBody();
    return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("gzip")
        ? new java.util.zip.GZIPInputStream(in)
        : in;
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void json(HttpExchange exchange, int status, JsonObject body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Cloud Storage's JSON error body. */
  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    JsonObject error = new JsonObject();
    error.addProperty("code", status);
    error.addProperty("message", message);
    JsonObject body = new JsonObject();
    body.add("error", error);
    json(exchange, status, body);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      query.put(
          decode(equals < 0 ? pair : pair.substring(0, equals)),
          equals < 0 ? "" : decode(pair.substring(equals + 1)));
    }
    return query;
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String token() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
