package dev.csvimport.api;

import dev.csvimport.ports.StoreException;
import dev.csvimport.store.AppStore;
import dev.csvimport.write.WriteCalls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's router, Leanplum-compatible: checks a call's action and apiVersion, authenticates it
 * with one of its app's keys, and hands it to the action's handler. Nothing of another app is ever
 * read or written: every handler is given only the authenticated app.
 */
public final class ImportApi {

  public static final String API_VERSION = "1.0.6";
  private static final String INVALID_KEY = "Invalid access key";

  /** How a call's key is checked: the kind of key it is for the app, or empty. */
  @FunctionalInterface
  public interface Keys {
    Optional<AppStore.KeyKind> authenticate(String appId, String key) throws StoreException;
  }

  private final Keys keys;
  private final Map<String, ApiAction> actions;
  private final List<String> names;

  /** The API with every action: Leanplum's, and the uploads page's preview, uploadUrl, results. */
  public ImportApi(
      Keys keys,
      JobActions jobs,
      CsvImportActions imports,
      WriteActions writes,
      UploadActions uploads,
      WebhookActions webhooks) {
    this(keys, routes(jobs, imports, writes, uploads, webhooks));
  }

  /** A router over {@code actions}, in the order an unknown action's message lists them. */
  ImportApi(Keys keys, Map<String, ApiAction> actions) {
    this.keys = keys;
    this.actions = Map.copyOf(actions);
    this.names = List.copyOf(actions.keySet());
  }

  private static Map<String, ApiAction> routes(
      JobActions jobs,
      CsvImportActions imports,
      WriteActions writes,
      UploadActions uploads,
      WebhookActions webhooks) {
    Map<String, ApiAction> routes = new LinkedHashMap<>();
    routes.put("getMultiResults", jobs::multiResults);
    routes.put(
        "multi",
        (caller, params) ->
            params.flag("createJob")
                ? imports.createJob(caller, params)
                : writes.batch(caller, params));
    routes.put("exportUser", writes::exportUser);
    routes.put("listJobs", jobs::listJobs);
    routes.put("preview", imports::preview);
    routes.put("uploadUrl", uploads::uploadUrl);
    routes.put("results", jobs::results);
    routes.put("failedRows", jobs::failedRows);
    routes.put("cancelJob", jobs::cancel);
    routes.put("setWebhook", webhooks::setWebhook);
    WriteCalls.ACTIONS.forEach(action -> routes.put(action, writes::single));
    WriteCalls.SESSION_ACTIONS.forEach(action -> routes.put(action, writes::single));
    return routes;
  }

  /** The actions a call may name. */
  public List<String> actions() {
    return names;
  }

  /** Answers a call; errors a caller can fix are answers too, with their status. */
  public ApiAnswer handle(ApiRequest request) throws StoreException {
    try {
      return route(request);
    } catch (ApiError e) {
      return ApiAnswer.error(e.status(), e.getMessage());
    }
  }

  private ApiAnswer route(ApiRequest request) throws ApiError, StoreException {
    String name = request.required("action");
    ApiAction action = actions.get(name);
    if (action == null) {
      throw new ApiError(
          400,
          "unknown action '" + name + "': the supported actions are " + String.join(", ", names));
    }
    String version = request.parameter("apiVersion");
    if (version != null && !version.equals(API_VERSION)) {
      throw new ApiError(400, "unsupported apiVersion '" + version + "': use " + API_VERSION);
    }
    String appId = request.required("appId");
    String clientKey = request.required("clientKey");
    AppStore.KeyKind key =
        keys.authenticate(appId, clientKey).orElseThrow(() -> new ApiError(401, INVALID_KEY));
    return action.answer(new Caller(appId, key), new Params(request));
  }
}
