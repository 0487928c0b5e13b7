package dev.csvimport.runner;

import static dev.csvimport.runner.QueryStrings.params;
import static dev.csvimport.runner.QueryStrings.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobState;
import dev.csvimport.store.AppStore;
import dev.csvimport.write.ItemAnswer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Leanplum's write API over a live port, on the emulators: each action and each error, a batch
 * answered item by item, request keys that make retries exact, a batch racing an import, and the
 * same random data sent as a CSV file and as batches landing in equal profiles.
 */
@ExtendWith(EmulatorsExtension.class)
class WriteApiIT {

  private static final String A = "app-a";
  private static final String B = "app-b";
  private static final String B_BUCKET = "bucket-of-b";
  private static final long SEED = Long.getLong("csvimport.seed", 20261123L);
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalCloud cloud;
  private AppStore.Keys keysA;
  private AppStore.Keys keysB;

  /** The status and the envelope's elements. */
  record Answer(int status, List<JsonObject> elements) {
    JsonObject only() {
      assertEquals(1, elements.size(), elements.toString());
      return elements.get(0);
    }
  }

  @BeforeEach
  void start(Emulators emulators) throws Exception {
    cloud =
        LocalCloud.start(
            emulators,
            new Settings(
                Map.of(
                    Settings.BUCKET_APPS,
                    LocalCloud.BUCKET + "=" + A + "," + B_BUCKET + "=" + B,
                    Settings.PARTITIONS,
                    "4",
                    Settings.CHUNK_ROWS,
                    "20",
                    Settings.COMMIT_KIB,
                    "1024")),
            0);
    keysA = cloud.stages().apps().create(A, List.of(LocalCloud.BUCKET));
    keysB = cloud.stages().apps().create(B, List.of(B_BUCKET));
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  // ---- HTTP

  private Answer send(HttpRequest request) throws Exception {
    java.net.http.HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonArray elements =
        JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("response");
    List<JsonObject> list = new ArrayList<>();
    elements.forEach(e -> list.add(e.getAsJsonObject()));
    assertFalse(
        response.body().contains("Exception") || response.body().contains("\tat "),
        response.body());
    return new Answer(response.statusCode(), list);
  }

  private Answer get(String... pairs) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api?" + query(params(pairs)))))
            .GET()
            .build());
  }

  /**
   * POST to {@code path} with the call's parameters in the query and a JSON body, as Leanplum's
   * clients send.
   */
  private Answer postJson(String path, String queryText, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(cloud.apiUrl(path + "?" + queryText)))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  private Answer batch(String appId, String clientKey, JsonArray data, String... extra)
      throws Exception {
    Map<String, String> call =
        params(
            "action",
            "multi",
            "appId",
            appId,
            "clientKey",
            clientKey,
            "apiVersion",
            "1.0.6",
            "time",
            Long.toString(Instant.now().getEpochSecond()));
    call.putAll(params(extra));
    JsonObject body = new JsonObject();
    body.add("data", data);
    return postJson("/api", query(call), body.toString());
  }

  private JsonObject exportUser(String appId, String clientKey, String userId) throws Exception {
    Answer answer =
        get("action", "exportUser", "appId", appId, "clientKey", clientKey, "userId", userId);
    assertEquals(200, answer.status());
    return answer.only();
  }

  private static JsonObject item(String json) {
    return JsonParser.parseString(json).getAsJsonObject();
  }

  private static JsonArray items(String... json) {
    JsonArray array = new JsonArray();
    for (String item : json) {
      array.add(JsonParser.parseString(item));
    }
    return array;
  }

  private static JsonObject success() {
    return item("{\"success\":true}");
  }

  private static JsonObject warning(String message) {
    JsonObject element = success();
    JsonObject warning = new JsonObject();
    warning.addProperty("message", message);
    element.add("warning", warning);
    return element;
  }

  private static JsonObject error(String message) {
    JsonObject element = item("{\"success\":false}");
    JsonObject error = new JsonObject();
    error.addProperty("message", message);
    element.add("error", error);
    return element;
  }

  private long recentSeconds(int daysAgo) {
    return Instant.now().minus(Duration.ofDays(daysAgo)).getEpochSecond();
  }

  // ---- single actions

  @Test
  void setUserAttributesByQueryFormOrJsonWithEitherKey() throws Exception {
    Answer byQuery =
        get(
            "action",
            "setUserAttributes",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "apiVersion",
            "1.0.6",
            "userId",
            "u1",
            "userAttributes",
            "{\"Plan\":\"gold\",\"Age\":30,\"Tags\":[\"a\",\"b\"]}");
    assertEquals(200, byQuery.status());
    assertEquals(success(), byQuery.only());
    Answer byForm =
        send(
            HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    BodyPublishers.ofString(
                        query(
                            params(
                                "action",
                                "setUserAttributes",
                                "appId",
                                A,
                                "clientKey",
                                keysA.development(),
                                "userId",
                                "u1",
                                "userAttributeValuesToAdd",
                                "{\"Tags\":\"c\"}",
                                "userAttributeValuesToIncrement",
                                "{\"Visits\":2}"))))
                .build());
    assertEquals(success(), byForm.only());
    Answer byJson =
        postJson(
            "/api",
            query(
                params("action", "setUserAttributes", "appId", A, "clientKey", keysA.production())),
            "{\"userId\":\"u1\",\"userAttributes\":{\"Age\":31,\"Plan\":null},"
                + "\"userAttributeValuesToIncrement\":{\"Visits\":3},\"value\":null,\"createDisposition\":\"CreateIfNeeded\"}");
    assertEquals(success(), byJson.only());
    JsonObject user = exportUser(A, keysA.production(), "u1").getAsJsonObject("userAttributes");
    assertEquals(item("{\"Age\":31,\"Tags\":[\"a\",\"b\",\"c\"],\"Visits\":5}"), user);
  }

  @Test
  void trackRecordsEventsAndWarnsOfOldOnes() throws Exception {
    long recent = recentSeconds(3);
    Answer tracked =
        postJson(
            "/api",
            query(params("action", "track", "appId", A, "clientKey", keysA.production())),
            "{\"userId\":\"u1\",\"event\":\"Purchase\",\"time\":"
                + recent
                + ",\"value\":9.5,\"currencyCode\":\"usd\","
                + "\"params\":{\"Item\":\"hat\",\"Qty\":2},\"info\":null}");
    assertEquals(success(), tracked.only());
    Answer old =
        get(
            "action",
            "track",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "userId",
            "u1",
            "event",
            "Purchase",
            "time",
            "1000000000",
            "value",
            "0.5");
    assertEquals(200, old.status());
    String warning = old.only().getAsJsonObject("warning").get("message").getAsString();
    assertTrue(
        warning.startsWith(
            "time: the event time 2001-09-09T01:46:40Z is more than 365 days before the"
                + " import"),
        warning);
    JsonObject purchase =
        exportUser(A, keysA.production(), "u1")
            .getAsJsonObject("events")
            .getAsJsonObject("Purchase");
    assertEquals(2, purchase.get("count").getAsInt());
    assertEquals(10.0, purchase.get("value").getAsDouble());
    assertEquals(recent, purchase.get("firstTime").getAsLong());
    Answer future =
        get(
            "action",
            "track",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "userId",
            "u1",
            "event",
            "Purchase",
            "time",
            Long.toString(recentSeconds(-3)));
    assertEquals(400, future.status());
    assertTrue(
        future.only().getAsJsonObject("error").get("message").getAsString().startsWith("time: "),
        future.only().toString());
  }

  @Test
  void setDeviceAttributesKeepsTheDeviceUnderItsUser() throws Exception {
    Answer answer =
        postJson(
            "/api",
            query(
                params(
                    "action", "setDeviceAttributes", "appId", A, "clientKey", keysA.production())),
            "{\"userId\":\"u1\",\"deviceId\":\"fu123\",\"deviceAttributes\":{\"appVersion\":"
                + "\"2.1\",\"deviceModel\":\"Pixel\"},\"iosPushToken\":\"tok\"}");
    assertEquals(success(), answer.only());
    JsonArray devices = exportUser(A, keysA.production(), "u1").getAsJsonArray("devices");
    assertEquals(
        item(
            "{\"appVersion\":\"2.1\",\"deviceId\":\"fu123\",\"deviceModel\":\"Pixel\",\"iosPushToken\":"
                + "\"tok\",\"userId\":\"u1\"}"),
        devices.get(0));
    Answer own =
        get(
            "action",
            "setDeviceAttributes",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "deviceId",
            "d9",
            "locale",
            "en_GB");
    assertEquals(success(), own.only());
    assertEquals(
        "en_GB",
        exportUser(A, keysA.production(), "d9")
            .getAsJsonArray("devices")
            .get(0)
            .getAsJsonObject()
            .get("locale")
            .getAsString(),
        "a device without a user is its own user, as in Leanplum");
  }

  @Test
  void deleteUserRemovesTheProfileWithItsEventsAndDevices() throws Exception {
    JsonArray setUp = new JsonArray();
    setUp.add(
        item(
            "{\"action\":\"setUserAttributes\",\"userId\":\"u1\",\"userAttributes\":{\"Plan\":\"gold\"}}"));
    setUp.add(
        item(
            "{\"action\":\"setDeviceAttributes\",\"userId\":\"u1\",\"deviceId\":\"d1\",\"appVersion\":"
                + "\"1\"}"));
    for (int i = 0; i < 45; i++) {
      setUp.add(
          item(
              "{\"action\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"time\":"
                  + recentSeconds(1)
                  + "}"));
    }
    assertTrue(batch(A, keysA.production(), setUp).elements().stream().allMatch(success()::equals));
    assertEquals(45, cloud.stages().layout().events(A, "u1").get().get().size());

    Answer deleted =
        get("action", "deleteUser", "appId", A, "clientKey", keysA.production(), "userId", "u1");
    assertEquals(200, deleted.status());
    assertEquals(success(), deleted.only());
    assertEquals(
        warning("User not found; request skipped."), exportUser(A, keysA.production(), "u1"));
    assertEquals(0, cloud.stages().layout().events(A, "u1").get().get().size());
    assertEquals(0, cloud.stages().layout().devices(A, "u1").get().get().size());
    Answer unknown =
        get(
            "action",
            "deleteUser",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "userId",
            "nobody");
    assertEquals(200, unknown.status());
    assertEquals(warning("User not found; request skipped."), unknown.only());
  }

  @Test
  void createNeverSkipsUnknownUsersWithLeanplumsWarning() throws Exception {
    Answer skipped =
        postJson(
            "/api",
            query(params("action", "track", "appId", A, "clientKey", keysA.production())),
            "{\"userId\":\"u7\",\"event\":\"E\",\"createDisposition\":\"CreateNever\"}");
    assertEquals(200, skipped.status());
    assertEquals(warning("User not found; request skipped."), skipped.only());
    assertEquals(
        warning("User not found; request skipped."), exportUser(A, keysA.production(), "u7"));
    Answer batch =
        batch(
            A,
            keysA.production(),
            items(
                "{\"action\":\"setUserAttributes\",\"userId\":\"u7\",\"userAttributes\":{\"Plan\":\"gold\"}}",
                "{\"action\":\"track\",\"userId\":\"u7\",\"event\":\"E\",\"createDisposition\":\"CreateNever\"}"));
    assertEquals(
        List.of(success(), success()), batch.elements(), "a user an earlier item created exists");
    assertEquals(
        1,
        exportUser(A, keysA.production(), "u7")
            .getAsJsonObject("events")
            .getAsJsonObject("E")
            .get("count")
            .getAsInt());
  }

  // ---- batches

  @Test
  void aBatchAnswersEachItemInOrderAndBadItemsFailAlone() throws Exception {
    JsonArray data =
        items(
            "{\"action\":\"setUserAttributes\",\"userId\":123456,\"userAttributes\":{\"Plan\":\"gold\"},"
                + "\"events\":{\"Login\":{\"count\":1,\"firstTime\":1600000000,\"lastTime\":1600000000}}}",
            "{\"action\":\"track\",\"userId\":\"123456\",\"event\":\"Purchase\",\"time\":1000000000,\"allowOffline\":true}",
            "{\"action\":\"setUserAttributes\",\"userId\":\"123456\",\"userAttributes\":{\"email\":\"nope\"}}",
            "{\"action\":\"sendMessage\",\"userId\":\"123456\",\"messageId\":\"x\"}",
            "{\"userId\":\"123456\"}",
            "[1,2]",
            "{\"action\":\"setUserAttributes\",\"userId\":\"123456\",\"userAttributeValuesToIncrement\":{\"Plan\":1}}",
            "{\"action\":\"deleteUser\",\"userId\":\"gone\"}",
            "{\"action\":\"setDeviceAttributes\",\"deviceId\":\"fu123\",\"deviceAttributes\":{\"appVersion\":\"3\"}}");
    Answer answer = batch(A, keysA.production(), data);
    assertEquals(200, answer.status());
    List<JsonObject> elements = answer.elements();
    assertEquals(data.size(), elements.size());
    assertEquals(success(), elements.get(0));
    assertTrue(
        elements
            .get(1)
            .getAsJsonObject("warning")
            .get("message")
            .getAsString()
            .contains("more than 365 days before the import"),
        elements.get(1).toString());
    assertEquals(
        error("userAttributes.email: 'nope' is not an email address like name@example.com"),
        elements.get(2));
    assertEquals(
        error(
            "action: unknown action 'sendMessage': the write actions are setUserAttributes,"
                + " setDeviceAttributes, track or deleteUser"),
        elements.get(3));
    assertEquals(
        error(
            "action: the item has no action: use setUserAttributes, setDeviceAttributes, track or"
                + " deleteUser"),
        elements.get(4));
    assertFalse(elements.get(5).get("success").getAsBoolean());
    assertEquals(
        error(
            "userAttributeValuesToIncrement.Plan: attribute Plan holds 'gold', which is not a"
                + " number, so it cannot be incremented"),
        elements.get(6));
    assertEquals(warning("User not found; request skipped."), elements.get(7));
    assertEquals(success(), elements.get(8));
    JsonObject user = exportUser(A, keysA.production(), "123456");
    assertEquals("gold", user.getAsJsonObject("userAttributes").get("Plan").getAsString());
    assertEquals(
        1, user.getAsJsonObject("events").getAsJsonObject("Purchase").get("count").getAsInt());
    assertEquals(
        1, user.getAsJsonObject("events").getAsJsonObject("Login").get("count").getAsInt());
  }

  @Test
  void batchesComeAsJsonFormOrQueryAndToApiBatch() throws Exception {
    String data = items("{\"action\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}").toString();
    Answer javaSdk =
        postJson(
            "/api-batch",
            query(params("action", "multi", "appId", A, "clientKey", keysA.production())),
            "{\"data\":" + data + "}");
    assertEquals(List.of(success()), javaSdk.elements());
    Answer form =
        send(
            HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    BodyPublishers.ofString(
                        query(
                            params(
                                "action",
                                "multi",
                                "appId",
                                A,
                                "clientKey",
                                keysA.production(),
                                "data",
                                data))))
                .build());
    assertEquals(List.of(success()), form.elements());
    assertEquals(
        List.of(success()),
        get("action", "multi", "appId", A, "clientKey", keysA.production(), "data", data)
            .elements());
    assertEquals(
        3,
        exportUser(A, keysA.production(), "u1")
            .getAsJsonObject("events")
            .getAsJsonObject("E")
            .get("count")
            .getAsInt());
  }

  /**
   * Two shapes real Leanplum accepts, from two public clients, sent unchanged as JSON, form and
   * query: the Java SDK's batch (scopely/leanplum-java-sdk, Gson with every absent argument as
   * null) and the Ruby client's device call (lumoslabs/leanplum_api, the fields inside
   * deviceAttributes; Leanplum answered it {"success":true}). Each item succeeds, and the profiles
   * and devices equal those the same data gives as a CSV file.
   */
  @Test
  void theJavaSdksNullsAndTheRubyClientsDeviceAttributesLandAsTheirCsvDoes() throws Exception {
    long time = recentSeconds(1);
    Map<String, String> multi =
        params("action", "multi", "appId", B, "clientKey", keysB.development());
    List<String> transports = List.of("json", "form", "query");
    StringBuilder csv =
        new StringBuilder(
            "action,userId,userAttributes.Plan,event,time,deviceId,appVersion," + "deviceModel\n");
    for (int i = 0; i < transports.size(); i++) {
      String user = "j" + i;
      String device = "fu12" + i;
      String javaSdk =
          "[{\"action\":\"setUserAttributes\",\"userId\":\""
              + user
              + "\",\"time\":"
              + time
              + ",\"userAttributes\":{\"Plan\":\"gold\"},\"userAttributeValuesToAdd\":null,"
              + "\"userAttributeValuesToRemove\":null,\"newUserId\":null},{\"action\":\"track\",\"userId\":\""
              + user
              + "\",\"time\":"
              + time
              + ",\"event\":\"Login\",\"value\":null,\"currencyCode\":null,"
              + "\"info\":null,\"params\":null,\"messageId\":null,\"allowOffline\":false}]";
      String ruby =
          "[{\"deviceId\":\""
              + device
              + "\",\"action\":\"setDeviceAttributes\",\"deviceAttributes\":"
              + "{\"appVersion\":\"x42x\",\"deviceModel\":\"p0d\",\"create_date\":\"2018-01-01\"}}]";
      List<Answer> answers = new ArrayList<>();
      for (String data : List.of(javaSdk, ruby)) {
        switch (transports.get(i)) {
          case "json" ->
              answers.add(
                  postJson(
                      data.equals(javaSdk) ? "/api-batch" : "/api",
                      query(multi),
                      "{\"data\":" + data + "}"));
          case "form" -> {
            Map<String, String> form = new java.util.LinkedHashMap<>(multi);
            form.put("data", data);
            answers.add(
                send(
                    HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api")))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(BodyPublishers.ofString(query(form)))
                        .build()));
          }
          default -> {
            Map<String, String> call = new java.util.LinkedHashMap<>(multi);
            call.put("data", data);
            answers.add(
                send(
                    HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api?" + query(call))))
                        .GET()
                        .build()));
          }
        }
      }
      assertEquals(
          List.of(success(), success()),
          answers.get(0).elements(),
          transports.get(i) + ": Java SDK");
      JsonObject deviceAnswer = answers.get(1).only();
      assertTrue(
          deviceAnswer.get("success").getAsBoolean(),
          transports.get(i) + ": Ruby client " + deviceAnswer);
      assertEquals(
          "ignored deviceAttributes.create_date: not a setDeviceAttributes argument here",
          deviceAnswer.getAsJsonObject("warning").get("message").getAsString());
      csv.append("setUserAttributes,")
          .append(user)
          .append(",gold,,,,,\n")
          .append("track,")
          .append(user)
          .append(",,Login,")
          .append(time)
          .append(",,,\n")
          .append("setDeviceAttributes,,,,,")
          .append(device)
          .append(",x42x,p0d\n");
    }
    Job job =
        awaitEnd(
            A,
            cloud.drop(
                new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                "imports/setUserAttributes/clients.csv",
                Map.of()));
    assertEquals(9, job.successesCount(), "the CSV twin applies every row");
    for (int i = 0; i < transports.size(); i++) {
      for (String user : List.of("j" + i, "fu12" + i)) {
        assertEquals(
            exportUser(A, keysA.production(), user), exportUser(B, keysB.production(), user), user);
      }
    }
    assertEquals(
        "p0d",
        exportUser(B, keysB.production(), "fu120")
            .getAsJsonArray("devices")
            .get(0)
            .getAsJsonObject()
            .get("deviceModel")
            .getAsString());
  }

  /**
   * The session and state calls that real clients send beside their writes, refused until now: the
   * Java SDK's advance item (scopely/leanplum-java-sdk, a batch to /api-batch with its nulls), the
   * Python client's advance with every parameter in the JSON body and no query
   * (sandboxxapp/python-leanplum), and the other Python client's start and stop (dangerfarms/
   * leanplum-py, the time as float seconds). Each succeeds, as in Leanplum, with a warning saying
   * what was not recorded; only a start's userAttributes change a profile, as setUserAttributes
   * does.
   */
  @Test
  void theSessionAndStateCallsOfRealClientsSucceedAndOnlyAStartsAttributesAreKept()
      throws Exception {
    String stateNotKept =
        "advance: csvimport keeps users' profiles, not the app's states, so the state was not"
            + " recorded";
    long time = Instant.now().getEpochSecond();
    Answer javaSdk =
        postJson(
            "/api-batch",
            query(
                params(
                    "action",
                    "multi",
                    "appId",
                    B,
                    "clientKey",
                    keysB.production(),
                    "apiVersion",
                    "1.0.6",
                    "time",
                    Long.toString(time))),
            "{\"data\":[{\"action\":\"advance\",\"userId\":\"s-1\",\"time\":"
                + time
                + ",\"state\":\"Level 2\",\"info\":null,\"params\":null}]}");
    assertEquals(new Answer(200, List.of(warning(stateNotKept))), javaSdk);

    Answer python =
        send(
            HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api")))
                .header("Content-Type", "application/json")
                .POST(
                    BodyPublishers.ofString(
                        "{\"action\":\"advance\",\"appId\":\""
                            + B
                            + "\",\"clientKey\":\""
                            + keysB.production()
                            + "\",\"apiVersion\":\"1.0.6\",\"userId\":133700,\"state\":\"Member\","
                            + "\"info\":null,\"params\":{\"Membership\":\"Rebel Scum\"},"
                            + "\"createDisposition\":\"CreateNever\"}"))
                .build());
    assertEquals(new Answer(200, List.of(warning(stateNotKept))), python);

    String session =
        query(params("appId", B, "clientKey", keysB.production(), "apiVersion", "1.0.6"));
    String floatTime = time + ".25";
    Answer start =
        postJson(
            "/api",
            session,
            "{\"userId\":\"s-2\",\"deviceId\":\"dev-s-2\",\"time\":"
                + floatTime
                + ",\"userAttributes\":{\"Plan\":\"gold\",\"Age\":3,\"email\":\"ann@example.com\"},"
                + "\"appVersion\":\"1.2\",\"locale\":\"en_US\",\"action\":\"start\"}");
    assertEquals(
        new Answer(
            200,
            List.of(
                warning(
                    "start: csvimport keeps users' profiles, not sessions, so the session was not"
                        + " recorded; its device fields (appVersion, locale) were not recorded:"
                        + " send them with setDeviceAttributes; its userAttributes were applied"))),
        start);
    Answer stop =
        postJson(
            "/api",
            session,
            "{\"userId\":\"s-2\",\"deviceId\":\"dev-s-2\",\"time\":"
                + floatTime
                + ",\"action\":\"stop\"}");
    assertEquals(
        new Answer(
            200,
            List.of(
                warning(
                    "stop: csvimport keeps users' profiles, not sessions, so the session was not"
                        + " recorded"))),
        stop);

    // Calls that are no session or state call of theirs still fail as a write would.
    Answer refused =
        batch(
            B,
            keysB.production(),
            items(
                "{\"action\":\"advance\",\"userId\":\"s-3\"}",
                "{\"action\":\"start\"}",
                "{\"action\":\"start\",\"userId\":\"s-3\",\"userAttributes\":{\"email\":\"x\"}}"));
    assertEquals(200, refused.status());
    assertEquals(
        List.of(
            error("state: the item has no state: advance needs the state's name"),
            error(
                "userId: the item has no userId or deviceId: start needs the user's or device's"
                    + " id"),
            error("userAttributes.email: 'x' is not an email address like name@example.com")),
        refused.elements());

    // Only the start's attributes landed, as the same setUserAttributes lands them.
    Answer twin =
        postJson(
            "/api",
            query(
                params("action", "setUserAttributes", "appId", A, "clientKey", keysA.production())),
            "{\"userId\":\"s-2\",\"userAttributes\":{\"Plan\":\"gold\",\"Age\":3,"
                + "\"email\":\"ann@example.com\"}}");
    assertEquals(new Answer(200, List.of(success())), twin);
    assertEquals(
        exportUser(A, keysA.production(), "s-2"), exportUser(B, keysB.production(), "s-2"));
    JsonObject notFound = warning(ItemAnswer.USER_NOT_FOUND);
    for (String user : List.of("s-1", "133700", "s-3", "dev-s-2")) {
      assertEquals(notFound, exportUser(B, keysB.production(), user), user);
    }
  }

  @Test
  void aBatchThatIsNotValidIsRefusedWhole() throws Exception {
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 51; i++) {
      tooMany.add(item("{\"action\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}"));
    }
    Answer many = batch(A, keysA.production(), tooMany);
    assertEquals(400, many.status());
    assertEquals(error("data has 51 items; a batch may have at most 50: split it"), many.only());
    Answer notArray =
        postJson(
            "/api",
            query(params("action", "multi", "appId", A, "clientKey", keysA.production())),
            "{\"data\":{\"action\":\"track\"}}");
    assertEquals(400, notArray.status());
    assertEquals(error("data must be a JSON array of 1 to 50 items"), notArray.only());
    Answer none = get("action", "multi", "appId", A, "clientKey", keysA.production());
    assertEquals(400, none.status());
    Answer huge =
        postJson(
            "/api",
            query(params("action", "multi", "appId", A, "clientKey", keysA.production())),
            "{\"data\":[{\"action\":\"setUserAttributes\",\"userId\":\"u1\",\"userAttributes\":{\"Bio\":\""
                + "x".repeat(1_100_000)
                + "\"}}]}");
    assertEquals(413, huge.status());
    Answer wrongKey =
        batch(
            A,
            keysB.production(),
            items("{\"action\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}"));
    assertEquals(401, wrongKey.status());
    assertEquals(
        warning("User not found; request skipped."),
        exportUser(A, keysA.production(), "u1"),
        "nothing of a refused batch is applied");
    assertEquals(
        warning("User not found; request skipped."),
        exportUser(B, keysB.production(), "u1"),
        "nor written to the app whose key it was");
  }

  @Test
  void anItemThatWouldMakeTheProfileTooLargeFailsAlone() throws Exception {
    String big = "x".repeat(700_000);
    assertEquals(
        List.of(success()),
        batch(
                A,
                keysA.production(),
                items(
                    "{\"action\":\"setUserAttributes\","
                        + "\"userId\":\"u1\",\"userAttributes\":{\"Bio\":\""
                        + big
                        + "\"}}"))
            .elements());
    Answer answer =
        batch(
            A,
            keysA.production(),
            items(
                "{\"action\":\"setUserAttributes\",\"userId\":\"u1\",\"userAttributes\":{\"Notes\":\""
                    + big
                    + "\"}}",
                "{\"action\":\"setUserAttributes\",\"userId\":\"u1\",\"userAttributes\":{\"Plan\":\"gold\"}}"));
    assertEquals(200, answer.status());
    assertTrue(
        answer
            .elements()
            .get(0)
            .getAsJsonObject("error")
            .get("message")
            .getAsString()
            .contains("over Firestore's limit of 1 MiB per document"),
        answer.elements().get(0).toString());
    assertEquals(success(), answer.elements().get(1));
    JsonObject attributes =
        exportUser(A, keysA.production(), "u1").getAsJsonObject("userAttributes");
    assertEquals("gold", attributes.get("Plan").getAsString());
    assertFalse(attributes.has("Notes"));
  }

  /**
   * A batch whose profiles together pass what one commit may hold is applied in several
   * transactions, each moving the call's progress on: every item applies once, and the answers keep
   * their order.
   */
  @Test
  void aBatchTooLargeForOneCommitIsAppliedInSlices() throws Exception {
    String bio = "b".repeat(450_000);
    for (int user = 0; user < 16; user += 2) {
      assertEquals(
          List.of(success(), success()),
          batch(
                  A,
                  keysA.production(),
                  items(
                      "{\"action\":\"setUserAttributes\",\"userId\":\"big-"
                          + user
                          + "\",\"userAttributes\":{\"Bio\":\""
                          + bio
                          + "\"}}",
                      "{\"action\":\"setUserAttributes\",\"userId\":\"big-"
                          + (user + 1)
                          + "\",\"userAttributes\":{\"Bio\":\""
                          + bio
                          + "\"}}"))
              .elements());
    }
    JsonArray touches = new JsonArray();
    for (int user = 0; user < 16; user++) {
      touches.add(
          item(
              "{\"action\":\"setUserAttributes\",\"userId\":\"big-"
                  + user
                  + "\","
                  + "\"userAttributeValuesToIncrement\":{\"Visits\":"
                  + (user + 1)
                  + "}}"));
    }
    Answer answer = batch(A, keysA.production(), touches, "requestId", "slices-1");
    assertEquals(16, answer.elements().size());
    assertTrue(
        answer.elements().stream().allMatch(success()::equals), answer.elements().toString());
    assertEquals(
        answer,
        batch(A, keysA.production(), touches, "requestId", "slices-1"),
        "and a repeat changes nothing");
    for (int user = 0; user < 16; user++) {
      assertEquals(
          user + 1,
          exportUser(A, keysA.production(), "big-" + user)
              .getAsJsonObject("userAttributes")
              .get("Visits")
              .getAsInt(),
          "big-" + user);
    }
  }

  // ---- exact under retries

  @Test
  void aRequestIdSentAgainChangesNothingAndAnswersTheSame() throws Exception {
    String body =
        "{\"data\":"
            + items(
                "{\"action\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}",
                "{\"action\":\"setUserAttributes\",\"userId\":\"u1\",\"userAttributeValuesToIncrement\":{\"Visits\":1}}",
                "{\"action\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"time\":1000000000}")
            + "}";
    String call =
        query(
            params(
                "action",
                "multi",
                "appId",
                A,
                "clientKey",
                keysA.production(),
                "requestId",
                "r-1"));
    Answer first = postJson("/api", call, body);
    for (int i = 0; i < 2; i++) {
      Answer again = postJson("/api", call, body);
      assertEquals(first, again);
    }
    JsonObject user = exportUser(A, keysA.production(), "u1");
    assertEquals(2, user.getAsJsonObject("events").getAsJsonObject("E").get("count").getAsInt());
    assertEquals(1, user.getAsJsonObject("userAttributes").get("Visits").getAsInt());

    Answer reused =
        postJson(
            "/api",
            call,
            "{\"data\":"
                + items("{\"action\":\"track\",\"userId\":\"u1\"," + "\"event\":\"Other\"}")
                + "}");
    assertEquals(409, reused.status());
    assertEquals(
        error(
            "this requestId was used in the last 24 hours for a different request: send a new one"),
        reused.only());

    Answer withoutKey1 =
        get(
            "action",
            "track",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "userId",
            "u2",
            "event",
            "E");
    Answer withoutKey2 =
        get(
            "action",
            "track",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "userId",
            "u2",
            "event",
            "E");
    assertEquals(withoutKey1, withoutKey2);
    assertEquals(
        2,
        exportUser(A, keysA.production(), "u2")
            .getAsJsonObject("events")
            .getAsJsonObject("E")
            .get("count")
            .getAsInt(),
        "without a request key each call applies, as in Leanplum");

    String single =
        query(
            params(
                "action",
                "track",
                "appId",
                A,
                "clientKey",
                keysA.production(),
                "userId",
                "u3",
                "event",
                "E"));
    for (int i = 0; i < 3; i++) {
      assertEquals(
          List.of(success()), postJson("/api", single, "{}", "Idempotency-Key", "k-3").elements());
    }
    assertEquals(
        1,
        exportUser(A, keysA.production(), "u3")
            .getAsJsonObject("events")
            .getAsJsonObject("E")
            .get("count")
            .getAsInt(),
        "the Idempotency-Key header is a request key too");

    for (long sent : new long[] {1_700_000_000L, 1_700_000_007L}) {
      assertEquals(
          List.of(success()),
          get(
                  "action",
                  "setUserAttributes",
                  "appId",
                  A,
                  "clientKey",
                  keysA.production(),
                  "userId",
                  "u4",
                  "userAttributeValuesToIncrement",
                  "{\"Visits\":1}",
                  "time",
                  Long.toString(sent),
                  "requestId",
                  "r-4")
              .elements(),
          "a retry stamped with a later send time is the same request");
    }
    assertEquals(
        1,
        exportUser(A, keysA.production(), "u4")
            .getAsJsonObject("userAttributes")
            .get("Visits")
            .getAsInt());
  }

  @Test
  void theSameRequestIdSentConcurrentlyAppliesOnce() throws Exception {
    JsonArray data = new JsonArray();
    for (int i = 0; i < 50; i++) {
      data.add(
          item(
              "{\"action\":\""
                  + (i % 10 == 9 ? "deleteUser" : "track")
                  + "\",\"userId\":\"u"
                  + (i % 5)
                  + "\",\"event\":\"E\"}"));
    }
    String call =
        query(
            params(
                "action",
                "multi",
                "appId",
                A,
                "clientKey",
                keysA.production(),
                "requestId",
                "r-2"));
    String body = "{\"data\":" + data + "}";
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(pool.submit(() -> postJson("/api", call, body)));
      }
      Answer first = answers.get(0).get();
      assertEquals(200, first.status());
      assertEquals(50, first.elements().size());
      for (Future<Answer> answer : answers) {
        assertEquals(first, answer.get());
      }
    } finally {
      pool.shutdownNow();
    }
    // Users u0 to u3 are tracked 10 times each; u4 is tracked and deleted in turn, and deleted
    // last.
    for (int user = 0; user < 4; user++) {
      JsonObject profile = exportUser(A, keysA.production(), "u" + user);
      assertEquals(
          10,
          profile.getAsJsonObject("events").getAsJsonObject("E").get("count").getAsInt(),
          "u" + user);
      assertEquals(
          10, cloud.stages().layout().events(A, "u" + user).get().get().size(), "u" + user);
    }
    assertEquals(
        warning("User not found; request skipped."), exportUser(A, keysA.production(), "u4"));
  }

  /**
   * One API instance serving many requests at once, as the deployed API does
   * (max_instance_request_concurrency): every call is answered, and every write lands once.
   */
  @Test
  void manyRequestsAtOnceOnOneInstanceAreEachAnsweredAndApplied() throws Exception {
    int threads = 16;
    int callsEach = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Integer>>> statuses = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        statuses.add(
            pool.submit(
                () -> {
                  List<Integer> seen = new ArrayList<>();
                  for (int call = 0; call < callsEach; call++) {
                    String user = "c" + thread / 2;
                    seen.add(
                        switch (call % 4) {
                          case 0 ->
                              get(
                                      "action",
                                      "track",
                                      "appId",
                                      A,
                                      "clientKey",
                                      keysA.production(),
                                      "userId",
                                      user,
                                      "event",
                                      "E",
                                      "requestId",
                                      "t" + thread + "-" + call)
                                  .status();
                          case 1 ->
                              batch(
                                      A,
                                      keysA.development(),
                                      items(
                                          "{\"action\":\"setUserAttributes\",\"userId\":\""
                                              + user
                                              + "\",\"userAttributeValuesToIncrement\":{\"Visits\":1}}"))
                                  .status();
                          case 2 ->
                              get(
                                      "action",
                                      "exportUser",
                                      "appId",
                                      A,
                                      "clientKey",
                                      keysA.production(),
                                      "userId",
                                      user)
                                  .status();
                          default ->
                              get("action", "listJobs", "appId", B, "clientKey", keysB.production())
                                  .status();
                        });
                  }
                  return seen;
                }));
      }
      for (Future<List<Integer>> answered : statuses) {
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200), answered.get());
      }
    } finally {
      pool.shutdownNow();
    }
    for (int user = 0; user < threads / 2; user++) {
      JsonObject profile = exportUser(A, keysA.production(), "c" + user);
      assertEquals(
          4,
          profile.getAsJsonObject("events").getAsJsonObject("E").get("count").getAsInt(),
          "two threads track each user twice");
      assertEquals(4, profile.getAsJsonObject("userAttributes").get("Visits").getAsInt());
    }
  }

  /** A batch and an import change the same users at once: every increment of both lands. */
  @Test
  void aBatchRacingAnImportOnTheSameUsersLosesNothing() throws Exception {
    StringBuilder csv = new StringBuilder("userId,userAttributeValuesToIncrement.Visits\n");
    for (int i = 0; i < 400; i++) {
      csv.append("u").append(i % 10).append(",1\n");
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> job =
          pool.submit(
              () ->
                  cloud.drop(
                      new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                      "imports/setUserAttributes/visits.csv",
                      Map.of()));
      for (int round = 0; round < 8; round++) {
        JsonArray data = new JsonArray();
        for (int i = 0; i < 50; i++) {
          data.add(
              item(
                  "{\"action\":\"setUserAttributes\",\"userId\":\"u"
                      + (i % 10)
                      + "\","
                      + "\"userAttributeValuesToIncrement\":{\"Visits\":10}}"));
        }
        assertTrue(
            batch(A, keysA.production(), data).elements().stream().allMatch(success()::equals));
      }
      Job done = awaitEnd(A, job.get());
      assertEquals(JobState.FINISHED, done.state());
      assertEquals(400, done.successesCount());
    } finally {
      pool.shutdownNow();
    }
    for (int user = 0; user < 10; user++) {
      assertEquals(
          40 + 8 * 5 * 10,
          exportUser(A, keysA.production(), "u" + user)
              .getAsJsonObject("userAttributes")
              .get("Visits")
              .getAsInt(),
          "u" + user);
    }
  }

  private Job awaitEnd(String appId, String jobId) throws Exception {
    return cloud.awaitEnd(appId, jobId, Duration.ofMinutes(2));
  }

  // ---- one set of rules

  /**
   * Random operations on 30 users, sent to app A as one CSV file and to app B as batches of 50:
   * every profile, with its event totals and devices, is the same in both.
   */
  @Test
  void theSameDataAsACsvFileOrAsBatchesGivesTheSameProfiles() throws Exception {
    Random random = new Random(SEED);
    List<Map<String, String>> rows = new ArrayList<>();
    JsonArray data = new JsonArray();
    for (int i = 0; i < 600; i++) {
      RandomOperation operation = RandomOperation.next(random, Instant.now());
      rows.add(operation.cells);
      data.add(operation.item);
    }
    StringBuilder csv = new StringBuilder(String.join(",", RandomOperation.HEADER)).append('\n');
    for (Map<String, String> row : rows) {
      csv.append(
              RandomOperation.HEADER.stream()
                  .map(h -> quoted(row.getOrDefault(h, "")))
                  .collect(Collectors.joining(",")))
          .append('\n');
    }
    String jobId =
        cloud.drop(
            new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
            "imports/setUserAttributes/mixed.csv",
            Map.of());
    int failedItems = 0;
    for (int from = 0; from < data.size(); from += 50) {
      JsonArray slice = new JsonArray();
      for (int i = from; i < Math.min(data.size(), from + 50); i++) {
        slice.add(data.get(i));
      }
      Answer answer = batch(B, keysB.development(), slice);
      assertEquals(200, answer.status());
      failedItems +=
          (int) answer.elements().stream().filter(e -> !e.get("success").getAsBoolean()).count();
    }
    Job job = awaitEnd(A, jobId);
    assertEquals(JobState.FINISHED, job.state());
    assertEquals(job.failuresCount(), failedItems, "the same rows and items fail");
    assertTrue(failedItems > 10 && failedItems < 300, "a mix of good and bad data: " + failedItems);
    for (String user : RandomOperation.users()) {
      JsonObject viaCsv = exportUser(A, keysA.production(), user);
      JsonObject viaApi = exportUser(B, keysB.production(), user);
      assertEquals(viaCsv, viaApi, user);
    }
  }

  private static String quoted(String cell) {
    return "\"" + cell.replace("\"", "\"\"") + "\"";
  }

  /** One random operation, as a CSV row with an action column and as a batch item. */
  private static final class RandomOperation {
    static final List<String> HEADER =
        List.of(
            "action",
            "userId",
            "userAttributes.Plan",
            "userAttributes.Age<int>",
            "userAttributes.Score<float>",
            "userAttributes.Vip<bool>",
            "userAttributes.Tags<list>",
            "userAttributeValuesToAdd.Colors",
            "userAttributeValuesToRemove.Colors",
            "userAttributeValuesToIncrement.Visits",
            "events.Login.countIncrement",
            "event",
            "time",
            "value",
            "params.Item",
            "deviceId",
            "appVersion");
    private static final String[] PLANS = {"gold", "silver", "007", "null", "", "x\"y"};
    private static final String[] COLORS = {"red", "green", "blue"};

    final Map<String, String> cells = new LinkedHashMap<>();
    final JsonObject item = new JsonObject();

    static List<String> users() {
      List<String> users = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        users.add("u" + i);
      }
      for (int i = 0; i < 5; i++) {
        users.add("d" + i);
      }
      return users;
    }

    static RandomOperation next(Random random, Instant now) {
      RandomOperation op = new RandomOperation();
      String user = "u" + random.nextInt(30);
      switch (random.nextInt(3)) {
        case 0:
          op.put("action", "setUserAttributes");
          op.put("userId", user);
          JsonObject attributes = new JsonObject();
          if (random.nextBoolean()) {
            String plan = PLANS[random.nextInt(PLANS.length)];
            op.cells.put("userAttributes.Plan", plan);
            if (plan.equals("null")) {
              attributes.add("Plan", com.google.gson.JsonNull.INSTANCE);
            } else {
              attributes.addProperty("Plan", plan);
            }
          }
          if (random.nextBoolean()) {
            int age = random.nextInt(90);
            op.cells.put("userAttributes.Age<int>", Integer.toString(age));
            attributes.addProperty("Age", age);
          }
          if (random.nextInt(3) == 0) {
            double score = random.nextInt(800) / 8.0;
            op.cells.put("userAttributes.Score<float>", Double.toString(score));
            attributes.addProperty("Score", score);
          }
          if (random.nextInt(3) == 0) {
            boolean vip = random.nextBoolean();
            op.cells.put("userAttributes.Vip<bool>", Boolean.toString(vip));
            attributes.addProperty("Vip", vip);
          }
          if (random.nextInt(4) == 0) {
            String color = COLORS[random.nextInt(COLORS.length)];
            op.cells.put("userAttributes.Tags<list>", "[" + color + ", x]");
            JsonArray tags = new JsonArray();
            tags.add(color);
            tags.add("x");
            attributes.add("Tags", tags);
          }
          op.item.add("userAttributes", attributes);
          if (random.nextInt(3) == 0) {
            String column =
                random.nextBoolean() ? "userAttributeValuesToAdd" : "userAttributeValuesToRemove";
            String color = COLORS[random.nextInt(COLORS.length)];
            op.cells.put(column + ".Colors", color);
            op.item.add(column, JsonParser.parseString("{\"Colors\":[\"" + color + "\"]}"));
          }
          if (random.nextInt(3) == 0) {
            int by = random.nextInt(5);
            op.cells.put("userAttributeValuesToIncrement.Visits", Integer.toString(by));
            op.item.add(
                "userAttributeValuesToIncrement",
                JsonParser.parseString("{\"Visits\":" + by + "}"));
          }
          if (random.nextInt(4) == 0) {
            op.cells.put("events.Login.countIncrement", "1");
            op.item.add("events", JsonParser.parseString("{\"Login\":{\"countIncrement\":1}}"));
          }
          break;
        case 1:
          op.put("action", "track");
          op.put("userId", user);
          op.put(
              "event", random.nextInt(10) == 0 ? "1" : random.nextBoolean() ? "Purchase" : "Login");
          long time = now.getEpochSecond() - random.nextInt(200) * 86_400L - random.nextInt(3600);
          op.cells.put("time", Long.toString(time));
          op.item.addProperty("time", time);
          if (random.nextBoolean()) {
            double value = random.nextInt(400) / 4.0;
            op.cells.put("value", Double.toString(value));
            op.item.addProperty("value", value);
          }
          if (random.nextBoolean()) {
            op.cells.put("params.Item", "hat");
            op.item.add("params", JsonParser.parseString("{\"Item\":\"hat\"}"));
          }
          break;
        default:
          op.put("action", "setDeviceAttributes");
          String device = "d" + random.nextInt(5);
          op.put("deviceId", device);
          if (random.nextBoolean()) {
            op.put("userId", user);
          }
          op.put("appVersion", random.nextInt(5) == 0 ? "null" : "v" + random.nextInt(3));
      }
      return op;
    }

    private void put(String field, String value) {
      cells.put(field, value);
      item.addProperty(field, value);
    }
  }
}
