package dev.csvimport.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import dev.csvimport.log.Log;
import dev.csvimport.watchdog.Watchdog;

/**
 * The watchdog's door: Cloud Scheduler POSTs here every few minutes (with an OIDC token; the
 * function is not public) and each call sweeps the jobs that stopped moving. Answers what the sweep
 * did.
 */
public final class ScheduledSweep implements HttpFunction {

  private static final Log LOG = Log.of(ScheduledSweep.class);

  private final Watchdog watchdog;

  public ScheduledSweep() {
    this(Instance.stages().watchdog(Instance.fanOutRequests()));
  }

  public ScheduledSweep(Watchdog watchdog) {
    this.watchdog = watchdog;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    if (!"POST".equals(request.getMethod())) {
      response.setStatusCode(405);
      return;
    }
    response.setContentType("application/json; charset=utf-8");
    try {
      Watchdog.Sweep sweep = watchdog.sweep();
      JsonObject answer = new JsonObject();
      answer.addProperty("jobsSeen", sweep.jobsSeen());
      answer.addProperty("fanOutsResumed", sweep.fanOutsResumed());
      answer.addProperty("partitionsDrained", sweep.partitionsDrained());
      answer.addProperty("jobsFailed", sweep.jobsFailed());
      response.setStatusCode(200);
      response.getWriter().write(answer.toString());
    } catch (Exception e) {
      LOG.error("watchdog sweep failed; the next one tries again", e);
      response.setStatusCode(500);
      response.getWriter().write("{\"error\":\"the sweep failed; see the logs\"}");
    }
  }
}
