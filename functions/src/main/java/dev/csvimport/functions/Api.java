package dev.csvimport.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.api.ApiAnswer;
import dev.csvimport.api.ApiError;
import dev.csvimport.api.ApiRequest;
import dev.csvimport.api.ImportApi;
import dev.csvimport.config.Settings;
import dev.csvimport.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The HTTP API at {@code /api} (and {@code /}, {@code /api-batch}): Leanplum's envelope, JSON
 * always, never a stack trace. Also the uploads page at {@code /ui} (where {@code GET /} without
 * parameters leads), its files from the jar. Requests are logged with a request id, the action, app
 * and job; never a key. A client's {@code Idempotency-Key} header is its {@code requestId}.
 */
public final class Api implements HttpFunction {

  private static final Log LOG = Log.of(Api.class);

  private final ImportApi api;
  private final String projectId;
  private final String contentSecurityPolicy;

  public Api() {
    this(Instance.api(), Instance.settings().get(Settings.PROJECT_ID), Instance.storageOrigin());
  }

  public Api(ImportApi api) {
    this(api, "", GOOGLE_STORAGE);
  }

  /**
   * @param projectId the project whose Cloud Trace the request logs link to; empty for none
   * @param storageOrigin where the page uploads files (Cloud Storage, or the storage emulator)
   */
  public Api(ImportApi api, String projectId, String storageOrigin) {
    this.api = api;
    this.projectId = projectId;
    this.contentSecurityPolicy = contentSecurityPolicy(storageOrigin);
  }

  /** Where the API answers: {@code /api-batch} is where Leanplum's Java SDK sends its batches. */
  private static final Set<String> API_PATHS = Set.of("/", "/api", "/api-batch");

  /** The uploads page's files, from the jar, by path. */
  private static final Map<String, String> PAGE =
      Map.of(
          "/ui",
          "index.html",
          "/ui/",
          "index.html",
          "/ui/app.js",
          "app.js",
          "/ui/app.css",
          "app.css");

  private static final Map<String, String> PAGE_TYPES =
      Map.of(
          "html",
          "text/html; charset=utf-8",
          "js",
          "text/javascript; charset=utf-8",
          "css",
          "text/css; charset=utf-8");

  /**
   * No inline script or style, nothing from elsewhere but the uploads to Cloud Storage: a cell or
   * an import name that holds markup is shown as text by the page, and could not run if it were
   * not.
   */
  static String contentSecurityPolicy(String storageOrigin) {
    return "default-src 'none'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data:; connect-src 'self' "
        + storageOrigin
        + "; form-action 'none'; "
        + "frame-ancestors 'none'; base-uri 'none'";
  }

  static final String GOOGLE_STORAGE = "https://storage.googleapis.com";

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    response.appendHeader("X-Content-Type-Options", "nosniff");
    response.appendHeader("Referrer-Policy", "no-referrer");
    if (request.getMethod().equals("GET") && PAGE.containsKey(request.getPath())) {
      servePage(PAGE.get(request.getPath()), response, contentSecurityPolicy);
      return;
    }
    if (request.getMethod().equals("GET")
        && request.getPath().equals("/")
        && request.getQuery().isEmpty()) {
      response.appendHeader("Location", "/ui");
      response.setStatusCode(302);
      return;
    }
    long start = System.nanoTime();
    String traceContext = request.getFirstHeader("X-Cloud-Trace-Context").orElse(null);
    String trace = Log.trace(projectId, traceContext);
    String requestId =
        traceContext != null ? traceContext.split("[/;]")[0] : UUID.randomUUID().toString();
    ApiRequest call = null;
    ApiAnswer answer;
    try {
      if (!API_PATHS.contains(request.getPath())) {
        throw new ApiError(404, "no such path: use /api");
      }
      if (!request.getMethod().equals("GET") && !request.getMethod().equals("POST")) {
        throw new ApiError(405, "use GET or POST");
      }
      call =
          ApiRequest.parse(
                  requestId,
                  request.getMethod(),
                  request.getQuery().orElse(null),
                  request.getContentType().orElse(null),
                  request.getInputStream())
              .withDefault("requestId", request.getFirstHeader("Idempotency-Key").orElse(null));
      answer = api.handle(call);
    } catch (ApiError e) {
      answer = ApiAnswer.error(e.status(), e.getMessage());
    } catch (Exception e) {
      LOG.error("request failed", e, "requestId", requestId, Log.TRACE, trace);
      answer = ApiAnswer.error(500, "internal error; quote request id " + requestId);
    }
    response.setStatusCode(answer.status());
    response.setContentType(ApiAnswer.CONTENT_TYPE);
    response.appendHeader("Cache-Control", "no-store");
    response.getWriter().write(answer.body());
    LOG.info(
        "api request",
        Log.TRACE,
        trace,
        "requestId",
        requestId,
        "method",
        request.getMethod(),
        "status",
        answer.status(),
        "action",
        call == null ? null : call.parameter("action"),
        "appId",
        call == null ? null : call.parameter("appId"),
        "jobId",
        call == null ? null : call.parameter("jobId"),
        "millis",
        (System.nanoTime() - start) / 1_000_000);
  }

  private static void servePage(String file, HttpResponse response, String contentSecurityPolicy)
      throws IOException {
    byte[] content;
    try (InputStream in = Api.class.getResourceAsStream("/ui/" + file)) {
      if (in == null) {
        response.setStatusCode(404);
        return;
      }
      content = in.readAllBytes();
    }
    response.setStatusCode(200);
    response.setContentType(PAGE_TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
    response.appendHeader("Content-Security-Policy", contentSecurityPolicy);
    response.appendHeader("Cache-Control", "no-cache");
    try (OutputStream out = response.getOutputStream()) {
      out.write(content);
    }
  }
}
