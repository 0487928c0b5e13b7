package dev.csvimport.api;

import com.google.gson.JsonObject;
import dev.csvimport.notify.JobNotices;
import dev.csvimport.notify.WebhookSignature;
import dev.csvimport.notify.WebhookUrl;
import dev.csvimport.ports.StoreException;
import dev.csvimport.store.AppStore;

/** The app's webhook, where each job's end is POSTed (development key). */
public final class WebhookActions {

  private final AppStore apps;

  public WebhookActions(AppStore apps) {
    this.apps = apps;
  }

  /**
   * setWebhook: {@code url} becomes the app's webhook, with a new signing secret answered this once
   * (each call makes a new one, so a call is also how a secret is rotated); without {@code url} the
   * webhook is removed.
   */
  public ApiAnswer setWebhook(Caller caller, Params params) throws ApiError, StoreException {
    caller.requireDevelopmentKey("webhooks");
    String url = params.get("url");
    if (url != null) {
      String refusal = WebhookUrl.refusal(url, WebhookUrl.DNS);
      if (refusal != null) {
        throw new ApiError(400, refusal);
      }
    }
    String secret = apps.setWebhook(caller.appId(), url);
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    answer.addProperty("url", url);
    if (secret != null) {
      answer.addProperty("signingSecret", secret);
      answer.addProperty("signatureHeader", WebhookSignature.HEADER);
      answer.addProperty("maxAttempts", JobNotices.MAX_ATTEMPTS);
    }
    return ApiAnswer.ok(answer);
  }
}
