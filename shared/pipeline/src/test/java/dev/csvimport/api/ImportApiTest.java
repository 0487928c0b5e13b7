package dev.csvimport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.csvimport.store.AppStore.KeyKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The router: action and version checked, the key authenticated, once, before any handler. */
class ImportApiTest {

  private static final String APP = "app-1";
  private static final String DEV = "dev_key";
  private static final String PROD = "prod_key";

  private final List<Caller> callers = new ArrayList<>();
  private final ImportApi api = new ImportApi(ImportApiTest::authenticate, actions());

  private static Optional<KeyKind> authenticate(String appId, String key) {
    if (!appId.equals(APP)) {
      return Optional.empty();
    }
    return switch (key) {
      case DEV -> Optional.of(KeyKind.DEVELOPMENT);
      case PROD -> Optional.of(KeyKind.PRODUCTION);
      default -> Optional.empty();
    };
  }

  private Map<String, ApiAction> actions() {
    Map<String, ApiAction> actions = new LinkedHashMap<>();
    actions.put(
        "echo",
        (caller, params) -> {
          callers.add(caller);
          JsonObject answer = new JsonObject();
          answer.addProperty("success", true);
          answer.addProperty("value", params.getOr("value", "none"));
          return ApiAnswer.ok(answer);
        });
    actions.put(
        "devOnly",
        (caller, params) -> {
          callers.add(caller);
          caller.requireDevelopmentKey("Dev-only calls");
          return ApiAnswer.ok(new JsonObject());
        });
    return actions;
  }

  private static ApiRequest request(String... pairs) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      parameters.put(pairs[i], pairs[i + 1]);
    }
    return new ApiRequest("call-1", "GET", parameters);
  }

  private static String message(ApiAnswer answer) {
    return answer.element().getAsJsonObject("error").get("message").getAsString();
  }

  @Test
  void anAuthenticatedCallReachesItsHandlerWithItsAppAndKind() throws Exception {
    ApiAnswer answer =
        api.handle(request("action", "echo", "appId", APP, "clientKey", PROD, "value", "v"));

    assertEquals(200, answer.status());
    assertEquals("v", answer.element().get("value").getAsString());
    assertEquals(List.of(new Caller(APP, KeyKind.PRODUCTION)), callers);
  }

  @Test
  void anUnknownActionIsRefusedWithTheActionsThereAre() throws Exception {
    ApiAnswer answer = api.handle(request("action", "nope", "appId", APP, "clientKey", DEV));

    assertEquals(400, answer.status());
    assertEquals("unknown action 'nope': the supported actions are echo, devOnly", message(answer));
    assertEquals(List.of("echo", "devOnly"), api.actions());
    assertTrue(callers.isEmpty());
  }

  @Test
  void aMissingActionOrKeyIsNamed() throws Exception {
    assertEquals(
        "missing parameter action", message(api.handle(request("appId", APP, "clientKey", DEV))));
    assertEquals(
        "missing parameter clientKey",
        message(api.handle(request("action", "echo", "appId", APP))));
    assertEquals(
        "missing parameter appId",
        message(api.handle(request("action", "echo", "clientKey", DEV))));
    assertTrue(callers.isEmpty());
  }

  @Test
  void anotherApiVersionIsRefusedAndTheCurrentOneAccepted() throws Exception {
    ApiAnswer old =
        api.handle(
            request("action", "echo", "appId", APP, "clientKey", DEV, "apiVersion", "1.0.5"));
    ApiAnswer current =
        api.handle(
            request(
                "action",
                "echo",
                "appId",
                APP,
                "clientKey",
                DEV,
                "apiVersion",
                ImportApi.API_VERSION));

    assertEquals(400, old.status());
    assertEquals("unsupported apiVersion '1.0.5': use " + ImportApi.API_VERSION, message(old));
    assertEquals(200, current.status());
    assertEquals(1, callers.size());
  }

  @Test
  void aWrongKeyOrAnotherAppsKeyGetsA401AndNoHandlerRuns() throws Exception {
    ApiAnswer wrong = api.handle(request("action", "echo", "appId", APP, "clientKey", "guess"));
    ApiAnswer otherApp = api.handle(request("action", "echo", "appId", "app-2", "clientKey", DEV));

    assertEquals(401, wrong.status());
    assertEquals("Invalid access key", message(wrong));
    assertEquals(401, otherApp.status());
    assertTrue(callers.isEmpty());
  }

  @Test
  void aHandlersOwnRefusalIsItsAnswer() throws Exception {
    ApiAnswer production =
        api.handle(request("action", "devOnly", "appId", APP, "clientKey", PROD));
    ApiAnswer development =
        api.handle(request("action", "devOnly", "appId", APP, "clientKey", DEV));

    assertEquals(403, production.status());
    assertEquals(
        "Dev-only calls need the app's development key; this is its production key",
        message(production));
    assertFalse(production.element().get("success").getAsBoolean());
    assertEquals(200, development.status());
  }
}
