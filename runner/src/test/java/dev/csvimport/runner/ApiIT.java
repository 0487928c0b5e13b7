package dev.csvimport.runner;

import static dev.csvimport.runner.QueryStrings.params;
import static dev.csvimport.runner.QueryStrings.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.config.Settings;
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

/**
 * The API over a live HTTP port, on the emulators: every action, every error, and one app never
 * seeing another's.
 */
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
    cloud =
        LocalCloud.start(
            emulators,
            new Settings(
                Map.of(
                    Settings.BUCKET_APPS,
                    LocalCloud.BUCKET + "=" + A + "," + B_BUCKET + "=" + B,
                    Settings.PARTITIONS,
                    "4")),
            0);
    keysA = cloud.stages().apps().create(A, List.of(LocalCloud.BUCKET));
    keysB = cloud.stages().apps().create(B, List.of(B_BUCKET));
    jobA =
        cloud.drop(
            new ByteArrayInputStream(
                "userId,Plan,Age<int>\nu1,gold,30\nu2,silver,x\n".getBytes(StandardCharsets.UTF_8)),
            "imports/setUserAttributes/users.csv",
            Map.of("uploadedBy", "ann"));
    awaitEnd(A, jobA);
    cloud
        .stages()
        .layout()
        .user(B, "secret-user")
        .set(Map.of("userId", "secret-user", "attributes", Map.of("Plan", "b-only")))
        .get();
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
    assertEquals(
        response.statusCode() == 200, element.get("success").getAsBoolean(), response.body());
    assertFalse(
        response.body().contains("Exception") || response.body().contains("\tat "),
        response.body());
    return new Answer(
        response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), element);
  }

  private Answer get(String... pairs) throws Exception {
    return send(
        java.net.http.HttpRequest.newBuilder(
                URI.create(cloud.apiUrl("/api?" + query(params(pairs)))))
            .GET()
            .build());
  }

  private Answer post(String contentType, String body) throws Exception {
    return send(
        java.net.http.HttpRequest.newBuilder(URI.create(cloud.apiUrl("/api")))
            .header("Content-Type", contentType)
            .POST(BodyPublishers.ofString(body))
            .build());
  }

  private static void assertUserNotFound(Answer answer, String why) {
    assertEquals(200, answer.status(), why);
    assertEquals(
        "User not found; request skipped.",
        answer.element().getAsJsonObject("warning").get("message").getAsString(),
        why);
  }

  private static String message(Answer answer) {
    return answer.element().getAsJsonObject("error").get("message").getAsString();
  }

  /**
   * Sends a request line as it is (an HTTP client would refuse to), answers the status line and the
   * body.
   */
  private String[] raw(String requestTarget) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cloud.apiPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + requestTarget
                      + " HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {
        response.substring(0, response.indexOf("\r\n")),
        response.substring(response.indexOf("\r\n\r\n") + 4)
      };
    }
  }

  /**
   * A malformed query reaches the function, which answers the JSON envelope; what the invoker's own
   * server refuses before any function sees it (a malformed path, a request line over its limit)
   * gets a 4xx with an empty body: never HTML, never a stack trace, never a reset. (On Google
   * Cloud, Google's front end answers those itself.)
   */
  @Test
  void malformedAndOversizedRequestLinesGetA4xxAndNeverATrace() throws Exception {
    for (String target : new String[] {"/api?action=listJobs&appId=%zz", "/api?action=%"}) {
      String[] answer = raw(target);
      assertTrue(answer[0].contains(" 400 "), target + " -> " + answer[0]);
      JsonObject element =
          JsonParser.parseString(answer[1])
              .getAsJsonObject()
              .getAsJsonArray("response")
              .get(0)
              .getAsJsonObject();
      assertFalse(element.get("success").getAsBoolean());
    }
    for (String target :
        new String[] {"/ap%zzi", "/api?action=listJobs&appId=" + "a".repeat(600_000)}) {
      String[] answer = raw(target);
      assertTrue(
          answer[0].contains(" 400 ") || answer[0].contains(" 414 ") || answer[0].contains(" 431 "),
          target.substring(0, Math.min(60, target.length())) + " -> " + answer[0]);
      assertEquals("", answer[1], "the invoker's own refusal has no body");
    }
  }

  /**
   * Ids too long for Firestore's queries and ids that are not whole Unicode get a 400 in the
   * envelope, not a 500.
   */
  @Test
  void hostileIdsGetA400InTheEnvelope() throws Exception {
    Answer longFile =
        get(
            "action",
            "getMultiResults",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "file",
            "f".repeat(2000));
    assertEquals(400, longFile.status());
    assertEquals("parameter file is 2000 characters long; at most 1024", message(longFile));
    assertEquals(
        400,
        get(
                "action",
                "exportUser",
                "appId",
                A,
                "clientKey",
                keysA.production(),
                "userId",
                "u".repeat(401))
            .status());
    for (String field : new String[] {"appId", "jobId", "userId", "pageToken", "file"}) {
      String body =
          "{\"action\":\"getMultiResults\",\"appId\":\""
              + A
              + "\",\"clientKey\":\""
              + keysA.production()
              + "\",\""
              + field
              + "\":\"a\\ud800b\"}";
      Answer lone = post("application/json", body);
      assertEquals(400, lone.status(), field);
      assertTrue(message(lone).contains("lone surrogate"), message(lone));
    }
  }

  /**
   * The page's actions: preview needs a key and a small body; uploadUrl signs only the app's bucket
   * and inbox.
   */
  @Test
  void thePagesActionsKeepToTheirLimits() throws Exception {
    String csv =
        java.util.Base64.getEncoder()
            .encodeToString("userId,Plan\nu1,gold\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, preview("nope", csv, "").status());
    Answer preview = preview(keysA.production(), csv, ",\"defaultAction\":\"setUserAttributes\"");
    assertEquals(200, preview.status());
    assertEquals(1, preview.element().getAsJsonArray("rows").size());
    String tooBig = java.util.Base64.getEncoder().encodeToString(new byte[300 * 1024]);
    assertEquals(413, preview(keysA.production(), tooBig, "").status());

    Answer refused =
        post(
            "application/json",
            "{\"action\":\"uploadUrl\",\"appId\":\""
                + A
                + "\",\"clientKey\":\""
                + keysA.production()
                + "\",\"fileName\":\"a.csv\"}");
    assertEquals(403, refused.status());
    assertTrue(message(refused).contains("production key"), message(refused));
    Answer granted =
        post(
            "application/json",
            "{\"action\":\"uploadUrl\",\"appId\":\""
                + A
                + "\",\"clientKey\":\""
                + keysA.development()
                + "\",\"fileName\":\"../../results/x.csv\","
                + "\"gcsBucket\":\""
                + B_BUCKET
                + "\"}");
    assertEquals(200, granted.status());
    String object = granted.element().get("object").getAsString();
    assertTrue(
        object.startsWith("imports/") && !object.contains("..") && object.indexOf('/', 8) < 0,
        object);
    assertEquals(
        "start",
        granted.element().getAsJsonObject("headers").get("x-goog-resumable").getAsString());
  }

  /**
   * The uploads page refreshes with one listJobs call: each row tells what getMultiResults would,
   * the reason of a FAILED job and the progress of one that has not ended.
   */
  @Test
  void listJobsRowsCarryTheReasonAndProgressThatGetMultiResultsGives() throws Exception {
    String broken =
        cloud.drop(
            new ByteArrayInputStream(
                "userId,Plan\nu1,\"never closed\n".getBytes(StandardCharsets.UTF_8)),
            "imports/setUserAttributes/broken.csv",
            Map.of());
    assertEquals(dev.csvimport.job.JobState.FAILED, awaitEnd(A, broken).state());
    // A job whose fan-out has not begun (its trigger's event not yet delivered).
    Job pending =
        cloud
            .stages()
            .jobs()
            .createIfAbsent(
                cloud
                    .stages()
                    .newJobs()
                    .forObject(
                        new dev.csvimport.fanout.NewImport(
                            A,
                            LocalCloud.BUCKET,
                            "imports/waiting.csv",
                            1,
                            "setUserAttributes",
                            "waiting.csv",
                            "ann")));

    JsonArray rows =
        get("action", "listJobs", "appId", A, "clientKey", keysA.production())
            .element()
            .getAsJsonArray("jobs");
    assertEquals(3, rows.size(), rows.toString());
    for (var element : rows) {
      JsonObject row = element.getAsJsonObject();
      String jobId = row.get("jobId").getAsString();
      JsonObject results =
          get(
                  "action",
                  "getMultiResults",
                  "appId",
                  A,
                  "clientKey",
                  keysA.production(),
                  "jobId",
                  jobId)
              .element();
      assertEquals(results.get("state"), row.get("state"), jobId);
      assertEquals(results.get("reason"), row.get("reason"), jobId);
      assertEquals(results.get("progress"), row.get("progress"), jobId);
      assertEquals(results.get("action"), row.get("action"), jobId);
    }
    JsonObject failedRow = row(rows, broken);
    assertTrue(
        failedRow.get("reason").getAsString().contains("not valid CSV"), failedRow.toString());
    assertFalse(failedRow.has("progress"));
    JsonObject pendingRow = row(rows, pending.jobId());
    assertEquals("PENDING", pendingRow.get("state").getAsString());
    assertEquals(0, pendingRow.getAsJsonObject("progress").get("rowsApplied").getAsInt());
    assertFalse(pendingRow.has("reason"));
    JsonObject finishedRow = row(rows, jobA);
    assertFalse(finishedRow.has("progress") || finishedRow.has("reason"), finishedRow.toString());
    assertEquals(1, finishedRow.get("successesCount").getAsInt());
  }

  /**
   * multi with createJob imports an object of the app's bucket with the delimiter it names; a
   * delimiter it does not know is refused before any job exists; preview takes the same parameter.
   */
  @Test
  void aCsvImportByApiTakesTheDelimiterItNames() throws Exception {
    cloud
        .storage()
        .create(
            com.google.cloud.storage.BlobInfo.newBuilder(LocalCloud.BUCKET, "staging/eu.csv")
                .build(),
            // As many commas as semicolons: the header alone cannot tell.
            "userId,Plan;Tier,Note;x\nz1,gold,a;b\n".getBytes(StandardCharsets.UTF_8));
    Answer refused = importCall("delimiter", "colon");
    assertEquals(400, refused.status());
    assertEquals(
        "unknown delimiter 'colon': use one of comma, semicolon, tab, pipe", message(refused));

    Answer disposition = importCall("createDisposition", "Maybe");
    assertEquals(400, disposition.status());
    assertEquals(
        "createDisposition is CreateIfNeeded (the default) or CreateNever", message(disposition));

    Job untold = awaitEnd(A, startImport());
    assertEquals(dev.csvimport.job.JobState.FAILED, untold.state());
    assertTrue(untold.failure().contains("cannot be told"), untold.failure());

    Job given = awaitEnd(A, startImport("delimiter", "comma", "requestId", "with-delimiter"));
    assertEquals(dev.csvimport.job.JobState.FINISHED, given.state(), given.failure());
    assertEquals(
        "gold",
        cloud.stages().profiles().profile(A, "z1").orElseThrow().attributes().get("Plan;Tier"));

    String csv =
        java.util.Base64.getEncoder()
            .encodeToString("userId|Plan\nz1|gold\n".getBytes(StandardCharsets.UTF_8));
    Answer piped =
        preview(
            keysA.production(),
            csv,
            ",\"delimiter\":\"|\",\"defaultAction\":\"setUserAttributes\"");
    assertEquals(2, piped.element().getAsJsonArray("columns").size(), piped.element().toString());
  }

  /**
   * multi with createJob and dryRun: the job is a dry run everywhere it is shown, writes no
   * profile, and its failed rows come back in parts of the failed-rows CSV; a dryRun that is not
   * true or false is refused before any job exists.
   */
  @Test
  void aDryRunByApiIsShownAsOneAndItsFailedRowsDownloadInParts() throws Exception {
    cloud
        .storage()
        .create(
            com.google.cloud.storage.BlobInfo.newBuilder(LocalCloud.BUCKET, "staging/eu.csv")
                .build(),
            "userId;Age<int>\ndry-1;30\ndry-2;old\n".getBytes(StandardCharsets.UTF_8));
    Answer refused = importCall("dryRun", "maybe");
    assertEquals(400, refused.status());
    assertEquals("dryRun must be true or false", message(refused));

    Job job = awaitEnd(A, startImport("dryRun", "true", "requestId", "dry"));
    assertEquals(dev.csvimport.job.JobState.FINISHED, job.state(), job.failure());
    assertTrue(cloud.stages().profiles().profile(A, "dry-1").isEmpty(), "a dry run writes nothing");
    Answer results =
        get(
            "action",
            "getMultiResults",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "jobId",
            job.jobId());
    JsonObject answer = results.element();
    assertTrue(answer.get("dryRun").getAsBoolean(), answer.toString());
    assertEquals(1, answer.getAsJsonObject("data").get("successesCount").getAsInt());
    JsonArray files = answer.getAsJsonObject("data").getAsJsonArray("files");
    assertEquals(2, files.size(), files.toString());
    assertTrue(files.get(1).getAsString().contains("-failed.csv"), files.toString());

    Answer part =
        get(
            "action",
            "failedRows",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "jobId",
            job.jobId());
    assertEquals(200, part.status(), part.element().toString());
    assertEquals(
        "#error;userId;Age<int>\r\nAge<int>: 'old' is not a whole number;dry-2;old\r\n",
        new String(
            java.util.Base64.getDecoder().decode(part.element().get("bytes").getAsString()),
            StandardCharsets.UTF_8));
    assertTrue(part.element().get("nextOffset") == null, "one part holds the whole file");

    Answer none =
        get(
            "action",
            "failedRows",
            "appId",
            B,
            "clientKey",
            keysB.production(),
            "jobId",
            job.jobId());
    assertEquals(404, none.status(), "another app's job is not found");
  }

  /**
   * A column mapping on multi reads an export's own headers as csvimport's (issue 27's engine rule,
   * through the API): the job records it, the preview applies it, and a mapping that is not a JSON
   * object of headers is refused before any job exists.
   */
  @Test
  void aMappingReadsAnExportsHeadersAsTheImportsColumns() throws Exception {
    cloud
        .storage()
        .create(
            com.google.cloud.storage.BlobInfo.newBuilder(LocalCloud.BUCKET, "staging/eu.csv")
                .build(),
            "customer_id,E-mail,Age,Notes\nm-1,m1@example.com,33,keep out\n"
                .getBytes(StandardCharsets.UTF_8));
    String mapping =
        "{\"customer_id\":\"userId\",\"E-mail\":\"email\",\"Age\":\"Age<int>\",\"Notes\":\"#notes\"}";
    Answer refused = importCall("mapping", "[\"userId\"]");
    assertEquals(400, refused.status());
    assertTrue(message(refused).startsWith("mapping must be a JSON object"), message(refused));

    Job job = awaitEnd(A, startImport("mapping", mapping, "requestId", "mapped"));
    assertEquals(dev.csvimport.job.JobState.FINISHED, job.state(), job.failure());
    assertEquals(1, job.successesCount());
    var attributes = cloud.stages().profiles().profile(A, "m-1").orElseThrow().attributes();
    assertEquals(Map.of("email", "m1@example.com", "Age", 33L), attributes);
    Answer results =
        get(
            "action",
            "getMultiResults",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "jobId",
            job.jobId());
    assertEquals(
        "userId", results.element().getAsJsonObject("mapping").get("customer_id").getAsString());

    String csv =
        java.util.Base64.getEncoder()
            .encodeToString("customer_id,Age\nm-2,x\n".getBytes(StandardCharsets.UTF_8));
    Answer preview =
        preview(
            keysA.production(),
            csv,
            ",\"defaultAction\":\"setUserAttributes\",\"mapping\":"
                + new com.google.gson.JsonPrimitive(
                    "{\"customer_id\":\"userId\",\"Age\":\"Age<int>\"}"));
    assertTrue(
        preview.element().toString().contains("'x' is not a whole number"),
        preview.element().toString());
  }

  /**
   * cancelJob: the development key of the job's own app cancels a job that has not ended, which
   * then answers CANCELLED with its counts everywhere; a job that ended is a 409 saying how.
   */
  @Test
  void cancelJobStopsAJobThatHasNotEndedAndOnlyThat() throws Exception {
    Job waiting =
        UnstartedJobs.create(
            cloud, A, "job-to-cancel", "imports/never-fanned-out.csv", "to cancel", "ann");
    String[] cancel = {"action", "cancelJob", "appId", A, "jobId", waiting.jobId()};
    Answer production = get(with(cancel, "clientKey", keysA.production()));
    assertEquals(403, production.status());
    assertTrue(message(production).contains("development key"), message(production));
    Answer otherApp =
        get(
            "action",
            "cancelJob",
            "appId",
            B,
            "clientKey",
            keysB.development(),
            "jobId",
            "job-to-cancel");
    assertEquals(404, otherApp.status(), "app B cannot cancel app A's job");
    assertEquals(
        404,
        get("action", "cancelJob", "appId", A, "clientKey", keysA.development(), "jobId", "nope")
            .status());
    assertEquals(
        dev.csvimport.job.JobState.PENDING,
        cloud.stages().jobs().get(A, waiting.jobId()).orElseThrow().state(),
        "refused calls changed nothing");

    Answer cancelled = get(with(cancel, "clientKey", keysA.development()));
    assertEquals(200, cancelled.status(), cancelled.element().toString());
    assertEquals("CANCELLED", cancelled.element().get("state").getAsString());
    assertEquals(0, cancelled.element().getAsJsonObject("data").get("successesCount").getAsInt());
    Answer read =
        get(
            "action",
            "getMultiResults",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "jobId",
            waiting.jobId());
    assertEquals("CANCELLED", read.element().get("state").getAsString());
    JsonArray rows =
        get("action", "listJobs", "appId", A, "clientKey", keysA.production())
            .element()
            .getAsJsonArray("jobs");
    assertEquals("CANCELLED", row(rows, waiting.jobId()).get("state").getAsString());

    Answer again = get(with(cancel, "clientKey", keysA.development()));
    assertEquals(409, again.status());
    assertEquals(
        "job job-to-cancel already ended CANCELLED: there is nothing to cancel", message(again));
    Answer finished =
        get("action", "cancelJob", "appId", A, "clientKey", keysA.development(), "jobId", jobA);
    assertEquals(409, finished.status());
    assertTrue(message(finished).contains("already ended FINISHED"), message(finished));
  }

  private static String[] with(String[] pairs, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(pairs));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /**
   * preview as the page calls it: POSTed JSON with the key, the file's first bytes in base64, and
   * {@code more} (further JSON members, each after a comma).
   */
  private Answer preview(String clientKey, String csvBase64, String more) throws Exception {
    return post(
        "application/json",
        "{\"action\":\"preview\",\"appId\":\""
            + A
            + "\",\"clientKey\":\""
            + clientKey
            + "\",\"csv\":\""
            + csvBase64
            + "\""
            + more
            + "}");
  }

  /** multi with createJob for staging/eu.csv, as setUserAttributes, with {@code more} pairs. */
  private Answer importCall(String... more) throws Exception {
    List<String> pairs =
        new java.util.ArrayList<>(
            List.of(
                "action",
                "multi",
                "createJob",
                "true",
                "appId",
                A,
                "clientKey",
                keysA.development(),
                "gcsBucket",
                LocalCloud.BUCKET,
                "file",
                "staging/eu.csv",
                "defaultAction",
                "setUserAttributes"));
    pairs.addAll(List.of(more));
    return get(pairs.toArray(String[]::new));
  }

  /** Starts the import of {@link #importCall}; answers its job id. */
  private String startImport(String... more) throws Exception {
    Answer started = importCall(more);
    assertEquals(200, started.status(), started.element().toString());
    return started.element().get("jobId").getAsString();
  }

  private static JsonObject row(JsonArray rows, String jobId) {
    for (var element : rows) {
      if (element.getAsJsonObject().get("jobId").getAsString().equals(jobId)) {
        return element.getAsJsonObject();
      }
    }
    throw new AssertionError("no row for " + jobId + " in " + rows);
  }

  @Test
  void noKeyOpensAnotherAppsData() throws Exception {
    Answer wrongKey = get("action", "listJobs", "appId", A, "clientKey", "dev_guess");
    Answer unknownApp =
        get("action", "listJobs", "appId", "no-such-app", "clientKey", keysA.production());
    Answer otherAppsKey = get("action", "listJobs", "appId", B, "clientKey", keysA.production());
    for (Answer refused : List.of(wrongKey, unknownApp, otherAppsKey)) {
      assertEquals(401, refused.status());
      assertEquals(
          "Invalid access key", message(refused), "the same message, so apps cannot be enumerated");
    }
    assertEquals(
        404,
        get("action", "getMultiResults", "appId", B, "clientKey", keysB.production(), "jobId", jobA)
            .status(),
        "app B cannot read app A's job");
    assertUserNotFound(
        get(
            "action",
            "exportUser",
            "appId",
            A,
            "clientKey",
            keysA.production(),
            "userId",
            "secret-user"),
        "app A cannot read app B's user");
    assertEquals(
        200,
        get(
                "action",
                "exportUser",
                "appId",
                B,
                "clientKey",
                keysB.production(),
                "userId",
                "secret-user")
            .status());
    assertTrue(
        get("action", "listJobs", "appId", B, "clientKey", keysB.production())
            .element()
            .getAsJsonArray("jobs")
            .isEmpty());
  }

  @Test
  void idsCannotReachOtherDocuments() throws Exception {
    for (String id :
        List.of("../../" + B + "/users/secret-user", "..", ".", "a/b", "__name__", "%2F")) {
      assertUserNotFound(
          get("action", "exportUser", "appId", A, "clientKey", keysA.production(), "userId", id),
          id);
      assertEquals(
          404,
          get("action", "getMultiResults", "appId", A, "clientKey", keysA.production(), "jobId", id)
              .status(),
          id);
    }
    assertEquals(
        401,
        get("action", "listJobs", "appId", A + "/../" + B, "clientKey", keysB.production())
            .status());
  }

  @Test
  void theFunctionAnswersThroughTheFunctionsFrameworkInterfaces() throws Exception {
    HttpRequest request = mock(HttpRequest.class);
    when(request.getPath()).thenReturn("/api");
    when(request.getMethod()).thenReturn("GET");
    when(request.getQuery())
        .thenReturn(
            Optional.of(
                query(
                    params(
                        "action",
                        "getMultiResults",
                        "appId",
                        A,
                        "clientKey",
                        keysA.production(),
                        "jobId",
                        jobA))));
    when(request.getContentType()).thenReturn(Optional.empty());
    when(request.getInputStream()).thenReturn(new ByteArrayInputStream(new byte[0]));
    HttpResponse response = mock(HttpResponse.class);
    StringWriter body = new StringWriter();
    when(response.getWriter()).thenReturn(new BufferedWriter(body));
    new Api(cloud.stages().api(mock(dev.csvimport.fanout.FanOutRequests.class)))
        .service(request, response);
    response.getWriter().flush();
    verify(response).setStatusCode(200);
    verify(response).setContentType("application/json; charset=utf-8");
    JsonObject answer =
        JsonParser.parseString(body.toString())
            .getAsJsonObject()
            .getAsJsonArray("response")
            .get(0)
            .getAsJsonObject();
    assertEquals("FINISHED", answer.get("state").getAsString());
  }
}
