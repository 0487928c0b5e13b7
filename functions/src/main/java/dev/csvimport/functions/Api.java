package dev.csvimport.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.csvimport.api.ApiAnswer;
import dev.csvimport.api.ApiError;
import dev.csvimport.api.ApiRequest;
import dev.csvimport.api.ImportApi;
import dev.csvimport.log.Log;
import java.util.UUID;

/**
 * The HTTP API at {@code /api} (and {@code /}): Leanplum's envelope, JSON always, never a stack trace. Requests are
 * logged with a request id, the action, app and job; never a key.
 */
public final class Api implements HttpFunction {

  private static final Log LOG = Log.of(Api.class);

  private final ImportApi api;

  public Api() {
    this(CloudClients.stages().api(CloudClients.fanOutRequests()));
  }

  public Api(ImportApi api) {
    this.api = api;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    long start = System.nanoTime();
    String requestId = request.getFirstHeader("X-Cloud-Trace-Context").map(t -> t.split("/")[0])
        .orElseGet(() -> UUID.randomUUID().toString());
    ApiRequest call = null;
    ApiAnswer answer;
    try {
      if (!request.getPath().equals("/") && !request.getPath().equals("/api")) {
        throw new ApiError(404, "no such path: use /api");
      }
      if (!request.getMethod().equals("GET") && !request.getMethod().equals("POST")) {
        throw new ApiError(405, "use GET or POST");
      }
      call = ApiRequest.parse(requestId, request.getMethod(), request.getQuery().orElse(null),
          request.getContentType().orElse(null), request.getInputStream());
      answer = api.handle(call);
    } catch (ApiError e) {
      answer = ApiAnswer.error(e.status(), e.getMessage());
    } catch (Exception e) {
      LOG.error("request failed", e, "requestId", requestId);
      answer = ApiAnswer.error(500, "internal error; quote request id " + requestId);
    }
    response.setStatusCode(answer.status());
    response.setContentType(ApiAnswer.CONTENT_TYPE);
    response.getWriter().write(answer.body());
    LOG.info("api request", "requestId", requestId, "method", request.getMethod(), "status", answer.status(),
        "action", call == null ? null : call.parameter("action"), "appId", call == null ? null : call.parameter("appId"),
        "jobId", call == null ? null : call.parameter("jobId"), "millis", (System.nanoTime() - start) / 1_000_000);
  }
}
