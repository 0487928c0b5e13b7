package dev.csvimport.runner;

import static dev.csvimport.runner.QueryStrings.params;
import static dev.csvimport.runner.QueryStrings.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.functions.Api;
import dev.csvimport.job.Job;
import dev.csvimport.store.AppStore;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API over a live HTTP port, on the emulators: every action, every error, and one app never seeing another's. */
@ExtendWith(EmulatorsExtension.class)
class ApiIT {

  private static final String A = "app-a";
  private static final String B = "app-b";
  private static final String B_BUCKET = "bucket-of-b";
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalCloud cloud;
  private AppStore.Keys keysA;
  private AppStore.Keys keysB;
  private String jobA;

  record Answer(int status, String contentType, JsonObject element) {}

  @BeforeEach
  void start(Emulators emulators) throws Exception {
    cloud = LocalCloud.start(emulators, new Settings(Map.of(Settings.BUCKET_APPS,
        LocalCloud.BUCKET + "=" + A + "," + B_BUCKET + "=" + B, Settings.PARTITIONS, "4")), 0);
    keysA = cloud.stages().apps().create(A, List.of(LocalCloud.BUCKET));
    keysB = cloud.stages().apps().create(B, List.of(B_BUCKET));
    jobA = cloud.drop(new ByteArrayInputStream("userId,Plan,Age<int>\nu1,gold,30\nu2,silver,x\n"
        .getBytes(StandardCharsets.UTF_8)), "imports/setUserAttributes/users.csv", Map.of("uploadedBy", "ann"));
    awaitEnd(A, jobA);
    cloud.stages().layout().user(B, "secret-user").set(Map.of("userId", "secret-user", "attributes",
        Map.of("Plan", "b-only"))).get();
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  private Job awaitEnd(String appId, String jobId) throws Exception {
    return cloud.awaitEnd(appId, jobId, Duration.ofMinutes(2));
  }

  private Answer send(java.net.http.HttpRequest request) throws Exception {
    java.net.http.HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
    JsonObject envelope = JsonParser.parseString(response.body()).getAsJsonObject();
    JsonArray elements = envelope.getAsJsonArray("response");
    assertEquals(1, elements.size());
    JsonObject element = elements.get(0).getAsJsonObject();
    assertEquals(response.statusCode() == 200, element.get("success").getAsBoolean(), response.body());
    assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
    return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), element);
  }

  private Answer get(String... pairs) throws Exception {
    return send(java.net.http.HttpRequest.newBuilder(URI.create(cloud.server().url("/api?" + query(params(pairs)))))
        .GET().build());
  }

  private Answer post(String contentType, String body) throws Exception {
    return send(java.net.http.HttpRequest.newBuilder(URI.create(cloud.server().url("/api")))
        .header("Content-Type", contentType).POST(BodyPublishers.ofString(body)).build());
  }

  private static void assertUserNotFound(Answer answer, String why) {
    assertEquals(200, answer.status(), why);
    assertEquals("User not found; request skipped.", answer.element().getAsJsonObject("warning").get("message")
        .getAsString(), why);
  }

  private static String message(Answer answer) {
    return answer.element().getAsJsonObject("error").get("message").getAsString();
  }

  /** Sends a request line as it is (an HTTP client would refuse to), answers the status line and the body. */
  private String[] raw(String requestTarget) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cloud.server().port())) {
      socket.getOutputStream().write(("GET " + requestTarget + " HTTP/1.1\r\nHost: localhost\r\nConnection: close"
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {response.substring(0, response.indexOf("\r\n")),
          response.substring(response.indexOf("\r\n\r\n") + 4)};
    }
  }

  /** What the server refuses before the API sees it still gets the JSON envelope: never HTML, never a reset. */
  @Test
  void malformedAndOversizedRequestLinesGetTheEnvelope() throws Exception {
    for (String target : new String[] {"/api?action=listJobs&appId=%zz", "/api?action=%", "/ap%zzi",
        "/api?action=listJobs&appId=" + "a".repeat(600_000)}) {
      String[] answer = raw(target);
      assertTrue(answer[0].contains(" 400 ") || answer[0].contains(" 414 ") || answer[0].contains(" 431 "),
          target.substring(0, Math.min(60, target.length())) + " -> " + answer[0]);
      JsonObject element = JsonParser.parseString(answer[1]).getAsJsonObject().getAsJsonArray("response").get(0)
          .getAsJsonObject();
      assertFalse(element.get("success").getAsBoolean());
      assertFalse(answer[1].contains("<") || answer[1].contains("Exception"), answer[1]);
    }
  }

  /** One bucket belongs to one app: an app asking for another's bucket is refused, and nothing of it is stored. */
  @Test
  void aBucketOwnedByAnotherAppIsRefused() throws Exception {
    AppStore.BucketTaken taken = assertThrows(AppStore.BucketTaken.class,
        () -> cloud.stages().apps().create("squatter", List.of("squatters-own", LocalCloud.BUCKET)));
    assertTrue(taken.getMessage().contains("already belongs to app " + A), taken.getMessage());
    assertTrue(cloud.stages().apps().get("squatter").isEmpty(), "nothing of the squatter is stored");
    assertTrue(cloud.stages().apps().ownerOf("squatters-own").isEmpty(), "not even its own bucket");
    assertEquals(Optional.of(A), cloud.stages().apps().ownerOf(LocalCloud.BUCKET));
    cloud.stages().apps().create(A, List.of(LocalCloud.BUCKET));
    assertEquals(Optional.of(A), cloud.stages().apps().ownerOf(LocalCloud.BUCKET), "an app may renew its own keys");
  }

  @Test
  void getMultiResultsByJobIdOrFileInLeanplumsShape() throws Exception {
    Answer byId = get("action", "getMultiResults", "appId", A, "clientKey", keysA.production(), "apiVersion",
        "1.0.6", "jobId", jobA);
    assertEquals(200, byId.status());
    assertTrue(byId.contentType().startsWith("application/json"));
    JsonObject answer = byId.element();
    assertEquals("FINISHED", answer.get("state").getAsString());
    assertEquals(1, answer.getAsJsonObject("data").get("successesCount").getAsInt());
    assertEquals(1, answer.getAsJsonObject("data").get("failuresCount").getAsInt());
    assertEquals("gs://" + LocalCloud.BUCKET + "/results/" + jobA + ".jsonl",
        answer.getAsJsonObject("data").getAsJsonArray("files").get(0).getAsString());
    assertEquals("ann", answer.get("uploadedBy").getAsString());
    assertEquals("setUserAttributes", answer.get("action").getAsString());
    Answer byFile = get("action", "getMultiResults", "appId", A, "clientKey", keysA.development(), "file",
        "imports/setUserAttributes/users.csv");
    assertEquals(jobA, byFile.element().get("jobId").getAsString());
  }

  @Test
  void aJobNotYetRunShowsItsProgress() throws Exception {
    Job pending = cloud.stages().jobs().createIfAbsent(cloud.stages().newJobs().forObject(
        new NewImport(A, LocalCloud.BUCKET, "imports/later.csv", 5, null, "later.csv", null)));
    JsonObject answer = get("action", "getMultiResults", "appId", A, "clientKey", keysA.production(), "jobId",
        pending.jobId()).element();
    assertEquals("PENDING", answer.get("state").getAsString());
    assertEquals(0, answer.getAsJsonObject("progress").get("rowsApplied").getAsInt());
    assertFalse(answer.has("data"));
  }

  @Test
  void multiStartsAnImportOfAnObjectInTheAppsBucket() throws Exception {
    cloud.storage().create(BlobInfo.newBuilder(BlobId.of(LocalCloud.BUCKET, "exports/events.csv")).build(),
        "userId,event\nu1,Open\nu1,Open\n".getBytes(StandardCharsets.UTF_8));
    Answer started = post("application/x-www-form-urlencoded", query(params("action", "multi", "appId", A,
        "clientKey", keysA.development(), "createJob", "true", "gcsBucket", LocalCloud.BUCKET, "file",
        "exports/events.csv", "defaultAction", "track", "someUnknownParameter", "ignored")));
    assertEquals(200, started.status());
    String jobId = started.element().get("jobId").getAsString();
    assertNotEquals(jobA, jobId);
    Job done = awaitEnd(A, jobId);
    assertEquals(2, done.successesCount());
    assertEquals(2L, cloud.stages().profiles().profile(A, "u1").orElseThrow().events().get("Open").count());
  }

  @Test
  void multiRefusesProductionKeysForeignBucketsAndMissingObjects() throws Exception {
    Map<String, String> call = params("action", "multi", "appId", A, "clientKey", keysA.development(), "createJob",
        "true", "gcsBucket", LocalCloud.BUCKET, "file", "imports/nothing.csv", "defaultAction", "track");
    assertEquals(404, post("application/json", json(call)).status());
    call.put("gcsBucket", B_BUCKET);
    Answer foreign = post("application/json", json(call));
    assertEquals(403, foreign.status());
    assertTrue(message(foreign).contains("does not belong"), message(foreign));
    call.put("gcsBucket", LocalCloud.BUCKET);
    call.put("clientKey", keysA.production());
    Answer production = post("application/json", json(call));
    assertEquals(403, production.status());
    assertTrue(message(production).contains("development key"), message(production));
    call.put("clientKey", keysA.development());
    call.put("defaultAction", "upsert");
    assertEquals(400, post("application/json", json(call)).status());
    call.remove("createJob");
    assertEquals(400, post("application/json", json(call)).status());
  }

  private static String json(Map<String, String> parameters) {
    JsonObject object = new JsonObject();
    parameters.forEach(object::addProperty);
    return object.toString();
  }

  @Test
  void exportUserAnswersTheProfileOrLeanplumsWarning() throws Exception {
    JsonObject user = get("action", "exportUser", "appId", A, "clientKey", keysA.production(), "userId", "u1")
        .element();
    assertEquals("u1", user.get("userId").getAsString());
    assertEquals("gold", user.getAsJsonObject("userAttributes").get("Plan").getAsString());
    assertEquals(30, user.getAsJsonObject("userAttributes").get("Age").getAsInt());
    assertTrue(user.getAsJsonArray("devices").isEmpty());
    Answer unknown = get("action", "exportUser", "appId", A, "clientKey", keysA.production(), "userId", "u9");
    assertEquals(200, unknown.status());
    assertEquals("User not found; request skipped.", unknown.element().getAsJsonObject("warning").get("message")
        .getAsString());
  }

  @Test
  void listJobsPagesNewestFirst() throws Exception {
    String second = cloud.drop(new ByteArrayInputStream("userId,Plan\nu3,x\n".getBytes(StandardCharsets.UTF_8)),
        "imports/setUserAttributes/more.csv", Map.of());
    awaitEnd(A, second);
    JsonObject first = get("action", "listJobs", "appId", A, "clientKey", keysA.production(), "limit", "1")
        .element();
    JsonArray jobs = first.getAsJsonArray("jobs");
    assertEquals(1, jobs.size());
    assertEquals(second, jobs.get(0).getAsJsonObject().get("jobId").getAsString());
    assertEquals(1, jobs.get(0).getAsJsonObject().get("successesCount").getAsInt());
    JsonObject next = get("action", "listJobs", "appId", A, "clientKey", keysA.production(), "limit", "1",
        "pageToken", first.get("nextPageToken").getAsString()).element();
    assertEquals(jobA, next.getAsJsonArray("jobs").get(0).getAsJsonObject().get("jobId").getAsString());
    assertFalse(next.has("nextPageToken"));
    assertEquals(400, get("action", "listJobs", "appId", A, "clientKey", keysA.production(), "limit", "0").status());
  }

  @Test
  void badCallsGetAJsonErrorWithAFittingStatus() throws Exception {
    Answer unknown = get("action", "deleteEverything", "appId", A, "clientKey", keysA.production());
    assertEquals(400, unknown.status());
    assertTrue(message(unknown).contains("getMultiResults, multi, exportUser, listJobs"), message(unknown));
    Answer noAction = get("appId", A, "clientKey", keysA.production());
    assertEquals(400, noAction.status());
    assertEquals("missing parameter action", message(noAction));
    assertEquals("missing parameter clientKey", message(get("action", "listJobs", "appId", A)));
    assertEquals(400, get("action", "listJobs", "appId", A, "clientKey", keysA.production(), "apiVersion", "9")
        .status());
    assertEquals(400, post("application/json", "{\"action\": ").status());
    assertEquals(413, post("application/json", "{\"pad\":\"" + "x".repeat(1_100_000) + "\"}").status());
    assertEquals(405, send(java.net.http.HttpRequest.newBuilder(URI.create(cloud.server().url("/api")))
        .DELETE().build()).status());
    assertEquals(404, send(java.net.http.HttpRequest.newBuilder(URI.create(cloud.server().url("/elsewhere")))
        .GET().build()).status());
    for (String pushDoor : new String[] {"/_chunks", "/_fanout"}) {
      assertEquals(404, send(java.net.http.HttpRequest.newBuilder(URI.create(cloud.server().url(pushDoor)))
          .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"message\":{\"data\":\"e30=\","
              + "\"attributes\":{\"appId\":\"" + A + "\",\"jobId\":\"j\"}}}")).build()).status(),
          "the push doors are not on the API's port");
    }
  }

  /** Ids too long for Firestore's queries and ids that are not whole Unicode get a 400 in the envelope, not a 500. */
  @Test
  void hostileIdsGetA400InTheEnvelope() throws Exception {
    Answer longFile = get("action", "getMultiResults", "appId", A, "clientKey", keysA.production(), "file",
        "f".repeat(2000));
    assertEquals(400, longFile.status());
    assertEquals("parameter file is 2000 characters long; at most 1024", message(longFile));
    assertEquals(400, get("action", "exportUser", "appId", A, "clientKey", keysA.production(), "userId",
        "u".repeat(401)).status());
    for (String field : new String[] {"appId", "jobId", "userId", "pageToken", "file"}) {
      String body = "{\"action\":\"getMultiResults\",\"appId\":\"" + A + "\",\"clientKey\":\""
          + keysA.production() + "\",\"" + field + "\":\"a\\ud800b\"}";
      Answer lone = post("application/json", body);
      assertEquals(400, lone.status(), field);
      assertTrue(message(lone).contains("lone surrogate"), message(lone));
    }
  }

  /** The page's actions: preview needs a key and a small body; uploadUrl signs only the app's bucket and inbox. */
  @Test
  void thePagesActionsKeepToTheirLimits() throws Exception {
    String csv = java.util.Base64.getEncoder().encodeToString("userId,Plan\nu1,gold\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, post("application/json", "{\"action\":\"preview\",\"appId\":\"" + A
        + "\",\"clientKey\":\"nope\",\"csv\":\"" + csv + "\"}").status());
    Answer preview = post("application/json", "{\"action\":\"preview\",\"appId\":\"" + A + "\",\"clientKey\":\""
        + keysA.production() + "\",\"csv\":\"" + csv + "\",\"defaultAction\":\"setUserAttributes\"}");
    assertEquals(200, preview.status());
    assertEquals(1, preview.element().getAsJsonArray("rows").size());
    String tooBig = java.util.Base64.getEncoder().encodeToString(new byte[300 * 1024]);
    assertEquals(413, post("application/json", "{\"action\":\"preview\",\"appId\":\"" + A + "\",\"clientKey\":\""
        + keysA.production() + "\",\"csv\":\"" + tooBig + "\"}").status());

    Answer refused = post("application/json", "{\"action\":\"uploadUrl\",\"appId\":\"" + A
        + "\",\"clientKey\":\"" + keysA.production() + "\",\"fileName\":\"a.csv\"}");
    assertEquals(403, refused.status());
    assertTrue(message(refused).contains("production key"), message(refused));
    Answer granted = post("application/json", "{\"action\":\"uploadUrl\",\"appId\":\"" + A
        + "\",\"clientKey\":\"" + keysA.development() + "\",\"fileName\":\"../../results/x.csv\","
        + "\"gcsBucket\":\"" + B_BUCKET + "\"}");
    assertEquals(200, granted.status());
    String object = granted.element().get("object").getAsString();
    assertTrue(object.startsWith("imports/") && !object.contains("..") && object.indexOf('/', 8) < 0, object);
    assertEquals("start", granted.element().getAsJsonObject("headers").get("x-goog-resumable").getAsString());
  }

  @Test
  void noKeyOpensAnotherAppsData() throws Exception {
    Answer wrongKey = get("action", "listJobs", "appId", A, "clientKey", "dev_guess");
    Answer unknownApp = get("action", "listJobs", "appId", "no-such-app", "clientKey", keysA.production());
    Answer otherAppsKey = get("action", "listJobs", "appId", B, "clientKey", keysA.production());
    for (Answer refused : List.of(wrongKey, unknownApp, otherAppsKey)) {
      assertEquals(401, refused.status());
      assertEquals("Invalid access key", message(refused), "the same message, so apps cannot be enumerated");
    }
    assertEquals(404, get("action", "getMultiResults", "appId", B, "clientKey", keysB.production(), "jobId", jobA)
        .status(), "app B cannot read app A's job");
    assertUserNotFound(get("action", "exportUser", "appId", A, "clientKey", keysA.production(), "userId",
        "secret-user"), "app A cannot read app B's user");
    assertEquals(200, get("action", "exportUser", "appId", B, "clientKey", keysB.production(), "userId",
        "secret-user").status());
    assertTrue(get("action", "listJobs", "appId", B, "clientKey", keysB.production()).element()
        .getAsJsonArray("jobs").isEmpty());
  }

  @Test
  void idsCannotReachOtherDocuments() throws Exception {
    for (String id : List.of("../../" + B + "/users/secret-user", "..", ".", "a/b", "__name__", "%2F")) {
      assertUserNotFound(get("action", "exportUser", "appId", A, "clientKey", keysA.production(), "userId", id), id);
      assertEquals(404, get("action", "getMultiResults", "appId", A, "clientKey", keysA.production(), "jobId", id)
          .status(), id);
    }
    assertEquals(401, get("action", "listJobs", "appId", A + "/../" + B, "clientKey", keysB.production()).status());
  }

  @Test
  void theFunctionAnswersThroughTheFunctionsFrameworkInterfaces() throws Exception {
    HttpRequest request = mock(HttpRequest.class);
    when(request.getPath()).thenReturn("/api");
    when(request.getMethod()).thenReturn("GET");
    when(request.getQuery()).thenReturn(Optional.of(query(params("action", "getMultiResults", "appId", A,
        "clientKey", keysA.production(), "jobId", jobA))));
    when(request.getContentType()).thenReturn(Optional.empty());
    when(request.getInputStream()).thenReturn(new ByteArrayInputStream(new byte[0]));
    HttpResponse response = mock(HttpResponse.class);
    StringWriter body = new StringWriter();
    when(response.getWriter()).thenReturn(new BufferedWriter(body));
    new Api(cloud.api()).service(request, response);
    response.getWriter().flush();
    verify(response).setStatusCode(200);
    verify(response).setContentType("application/json; charset=utf-8");
    JsonObject answer = JsonParser.parseString(body.toString()).getAsJsonObject().getAsJsonArray("response").get(0)
        .getAsJsonObject();
    assertEquals("FINISHED", answer.get("state").getAsString());
  }
}
