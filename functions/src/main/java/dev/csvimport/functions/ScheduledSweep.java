package dev.csvimport.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import dev.csvimport.log.Log;
import dev.csvimport.notify.JobNotices;
import dev.csvimport.watchdog.Watchdog;

/**
 * The watchdog's door: Cloud Scheduler POSTs here every minute (with an OIDC token; the function is
 * not public) and each call sweeps the jobs that stopped moving, then tells the ends that are due
 * (the job-events topic, the apps' webhooks). Answers what it did.
 */
public final class ScheduledSweep implements HttpFunction {

  private static final Log LOG = Log.of(ScheduledSweep.class);

  private final Watchdog watchdog;
  private final JobNotices notices;

  public ScheduledSweep() {
    this(
        Instance.stages().watchdog(Instance.fanOutRequests()),
        Instance.stages().notices(Instance.jobEvents()));
  }

  public ScheduledSweep(Watchdog watchdog, JobNotices notices) {
    this.watchdog = watchdog;
    this.notices = notices;
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
      // After the sweep, which may have ended jobs: their ends are told in the same call.
      int noticesSent = notices.sendDue();
      JsonObject answer = new JsonObject();
      answer.addProperty("jobsSeen", sweep.jobsSeen());
      answer.addProperty("fanOutsResumed", sweep.fanOutsResumed());
      answer.addProperty("partitionsDrained", sweep.partitionsDrained());
      answer.addProperty("jobsFailed", sweep.jobsFailed());
      answer.addProperty("noticesSent", noticesSent);
      response.setStatusCode(200);
      response.getWriter().write(answer.toString());
    } catch (Exception e) {
      LOG.error("watchdog sweep failed; the next one tries again", e);
      response.setStatusCode(500);
      response.getWriter().write("{\"error\":\"the sweep failed; see the logs\"}");
    }
  }
}
