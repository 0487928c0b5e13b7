package dev.csvimport.runner;

import static dev.csvimport.runner.QueryStrings.params;
import static dev.csvimport.runner.QueryStrings.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.config.CloudClients;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.NewImport;
import dev.csvimport.fanout.PubSubFanOutRequests;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobIds;
import dev.csvimport.job.JobState;
import dev.csvimport.store.AppStore;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The functions as deployed: each door of the shaded {@code
 * functions/target/csvimport-functions.jar}, exactly as {@code mvn package} built it for Terraform,
 * hosted by Google's Functions Framework invoker in its own process with the target and signature
 * type Terraform gives it, fed the requests Google sends ({@code test-data/wire/}). The in-process
 * {@link TestPipeline} on the same emulators only prepares state and reads the effects.
 */
@ExtendWith(EmulatorsExtension.class)
class DeployedFunctionsIT {

  private static final Path FUNCTIONS_JAR =
      Path.of(
          System.getProperty(
              "csvimport.functionsJar", "../functions/target/csvimport-functions.jar"));
  private static final Path INVOKER_JAR =
      Path.of(
          System.getProperty("csvimport.invokerJar", "target/invoker/java-function-invoker.jar"));
  private static final Path WIRE = Path.of("..", "test-data", "wire");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<InvokedFunction> running = new ArrayList<>();
  private Emulators emulators;
  private TestPipeline test;

  @TempDir Path bucketFolder;
  private LocalStorageServer bucket;

  @BeforeEach
  void start(Emulators emulators) throws Exception {
    this.emulators = emulators;
    // The functions run in processes of their own: they share the bucket through the local storage
    // server.
    bucket = new LocalStorageServer(Map.of(TestPipeline.BUCKET, bucketFolder), 0, object -> {});
    test =
        new TestPipeline(
            emulators,
            new Settings(Map.of(Settings.PARTITIONS, "2", Settings.CHUNK_ROWS, "2")),
            new CloudClients(
                    Map.of(CloudClients.STORAGE_EMULATOR_HOST, bucket.host()), LocalCloud.PROJECT)
                .storage());
    for (String topic : List.of(CHUNK_TOPIC, FANOUT_TOPIC, JOB_EVENTS_TOPIC)) {
      // The emulator's REST door: PUT creates the topic (409 if a test before this one did).
      int status =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + emulators.pubsubHost() + "/v1/" + topic))
                      .PUT(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertTrue(status == 200 || status == 409, topic + ": " + status);
    }
  }

  @AfterEach
  void stop() throws Exception {
    running.forEach(InvokedFunction::close);
    test.close();
    bucket.close();
  }

  private static final String CHUNK_TOPIC =
      "projects/" + LocalCloud.PROJECT + "/topics/csvimport-chunks";
  private static final String FANOUT_TOPIC =
      "projects/" + LocalCloud.PROJECT + "/topics/csvimport-fanout";
  private static final String JOB_EVENTS_TOPIC =
      "projects/" + LocalCloud.PROJECT + "/topics/csvimport-job-events";

  /** The environment a deployment sets (terraform/functions.tf), pointed at the emulators. */
  private Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>();
    environment.put(Settings.PROJECT_ID, LocalCloud.PROJECT);
    environment.put(Settings.BUCKET_APPS, TestPipeline.BUCKET + "=" + TestPipeline.APP);
    environment.put(Settings.INBOX_PREFIX, "imports/");
    environment.put(Settings.CHUNK_TOPIC, CHUNK_TOPIC);
    environment.put(Settings.FANOUT_TOPIC, FANOUT_TOPIC);
    environment.put(Settings.JOB_EVENTS_TOPIC, JOB_EVENTS_TOPIC);
    environment.put(Settings.MAX_DELIVERY_ATTEMPTS, "5");
    environment.put(Settings.PARTITIONS, "2");
    environment.put(Settings.CHUNK_ROWS, "2");
    environment.put(Settings.COMMIT_KIB, Long.toString(TestPipeline.MAX_COMMIT_BYTES / 1024));
    environment.put(CloudClients.FIRESTORE_EMULATOR_HOST, emulators.firestoreHost());
    environment.put(CloudClients.PUBSUB_EMULATOR_HOST, emulators.pubsubHost());
    environment.put(CloudClients.STORAGE_EMULATOR_HOST, bucket.host());
    return environment;
  }

  private InvokedFunction invoke(InvokedFunction.Target target) throws IOException {
    String name = target.entryPoint().substring(target.entryPoint().lastIndexOf('.') + 1);
    InvokedFunction function =
        InvokedFunction.start(
            INVOKER_JAR,
            FUNCTIONS_JAR,
            target,
            environment(),
            Path.of("target", "invoker-" + name + ".log"),
            START_TIMEOUT);
    running.add(function);
    return function;
  }

  /** A fixture of {@code test-data/wire/}, its {@code ${name}}s filled in. */
  private record WireRequest(String method, String path, List<String[]> headers, String body) {
    static WireRequest of(String fixture, Map<String, String> values) throws IOException {
      String text = Files.readString(WIRE.resolve(fixture), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> value : values.entrySet()) {
        text = text.replace("${" + value.getKey() + "}", value.getValue());
      }
      assertFalse(text.contains("${"), fixture + " has a value left to fill in: " + text);
      int blank = text.indexOf("\n\n");
      String[] head = text.substring(0, blank).split("\n");
      String[] requestLine = head[0].split(" ");
      List<String[]> headers = new ArrayList<>();
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        headers.add(
            new String[] {head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim()});
      }
      return new WireRequest(requestLine[0], requestLine[1], headers, text.substring(blank + 2));
    }
  }

  private HttpResponse<String> send(InvokedFunction function, WireRequest request)
      throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(function.url(request.path())))
            .method(
                request.method(),
                request.body().isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
    request.headers().forEach(header -> builder.header(header[0], header[1]));
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(InvokedFunction function, String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(function.url(pathAndQuery))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A file fanned out in this JVM; its chunks wait in {@code test.published} for the invoked
   * processor.
   */
  private Job fannedOut(String csv) throws Exception {
    NewImport upload = test.upload("imports/users.csv", 0, csv, "setUserAttributes");
    // The fan-out reads the generation its event names: the one the storage server gave the object.
    long generation = test.storage.get(TestPipeline.BUCKET, "imports/users.csv").getGeneration();
    Job job =
        test.fanOut.start(
            new NewImport(
                upload.appId(),
                upload.bucket(),
                upload.object(),
                generation,
                upload.action(),
                upload.name(),
                upload.uploadedBy()),
            "event-1");
    return test.jobs.get(job.appId(), job.jobId()).orElseThrow();
  }

  private static Map<String, String> pushValues(
      TestPipeline.Published chunk, int deliveryAttempt, String messageId) {
    return Map.of(
        "appId",
        chunk.appId(),
        "jobId",
        chunk.jobId(),
        "partition",
        Integer.toString(chunk.chunk().partition()),
        "sequence",
        Integer.toString(chunk.chunk().sequence()),
        "data",
        Base64.getEncoder().encodeToString(chunk.chunk().payload()),
        "messageId",
        messageId,
        "orderingKey",
        chunk.jobId() + "/" + chunk.chunk().partition(),
        "deliveryAttempt",
        Integer.toString(deliveryAttempt));
  }

  private static final String USERS =
      "userId,Plan,Logins<int>\nu1,gold,3\nu2,silver,5\nu3,gold,8\nu1,platinum,\n"
          + "u4,bronze,1\n";

  @Test
  void theProcessorAppliesGooglesPushesExactlyOnceAndFinishesTheJob() throws Exception {
    InvokedFunction processor =
        invoke(InvokedFunction.Target.http("dev.csvimport.functions.ChunkProcessor"));
    Job job = fannedOut(USERS);
    List<TestPipeline.Published> chunks = List.copyOf(test.published);
    assertTrue(chunks.size() >= 3, "the file spreads over several chunks: " + chunks.size());

    // Last chunk first, each pushed as a subscription with a dead-letter policy sends it, then
    // every one again as
    // a subscription without one would (redelivery after a lost acknowledgement): applied once all
    // the same.
    for (int i = chunks.size() - 1; i >= 0; i--) {
      HttpResponse<String> answer =
          send(
              processor,
              WireRequest.of("pubsub-push.http", pushValues(chunks.get(i), 1, "msg-" + i)));
      assertEquals(204, answer.statusCode(), answer.body());
    }
    for (int i = 0; i < chunks.size(); i++) {
      HttpResponse<String> answer =
          send(
              processor,
              WireRequest.of(
                  "pubsub-push-no-attempt.http", pushValues(chunks.get(i), 1, "msg-" + i)));
      assertEquals(204, answer.statusCode(), answer.body());
    }

    Job done = test.jobs.get(job.appId(), job.jobId()).orElseThrow();
    assertEquals(JobState.FINISHED, done.state());
    assertEquals(5, done.successesCount());
    assertEquals(0, done.failuresCount());
    var u1 = test.profiles.profile(TestPipeline.APP, "u1").orElseThrow();
    assertEquals("platinum", u1.attributes().get("Plan"), "u1's later row wins");
    assertEquals(3L, u1.attributes().get("Logins"), "an empty cell leaves the value as it was");
    assertEquals(
        8L, test.profiles.profile(TestPipeline.APP, "u3").orElseThrow().attributes().get("Logins"));

    HttpResponse<String> notAPush =
        http.send(
            HttpRequest.newBuilder(URI.create(processor.url("/")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":1}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(
        400, notAPush.statusCode(), "a body that is no push is refused, not retried as a failure");
  }

  @Test
  void theApiAnswersJsonFromTheJobsTheProcessorFinished() throws Exception {
    InvokedFunction api = invoke(InvokedFunction.Target.http("dev.csvimport.functions.Api"));
    AppStore.Keys keys = test.stages.apps().create(TestPipeline.APP, List.of(TestPipeline.BUCKET));
    Job job = fannedOut(USERS);
    for (TestPipeline.Published chunk : test.published) {
      test.applier.apply(chunk.delivery());
    }

    HttpResponse<String> results =
        get(
            api,
            "/api?"
                + query(
                    params(
                        "action",
                        "getMultiResults",
                        "appId",
                        TestPipeline.APP,
                        "clientKey",
                        keys.production(),
                        "jobId",
                        job.jobId())));
    assertEquals(200, results.statusCode(), results.body());
    assertTrue(
        results.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject answer =
        JsonParser.parseString(results.body())
            .getAsJsonObject()
            .getAsJsonArray("response")
            .get(0)
            .getAsJsonObject();
    assertTrue(answer.get("success").getAsBoolean(), results.body());
    assertEquals("FINISHED", answer.get("state").getAsString(), results.body());

    HttpResponse<String> user =
        get(
            api,
            "/api?"
                + query(
                    params(
                        "action",
                        "exportUser",
                        "appId",
                        TestPipeline.APP,
                        "clientKey",
                        keys.production(),
                        "userId",
                        "u1")));
    assertEquals(200, user.statusCode(), user.body());
    assertTrue(user.body().contains("platinum"), user.body());

    HttpResponse<String> wrongKey =
        get(
            api,
            "/api?"
                + query(
                    params(
                        "action",
                        "listJobs",
                        "appId",
                        TestPipeline.APP,
                        "clientKey",
                        "prod_not-the-key")));
    assertTrue(wrongKey.statusCode() >= 400 && wrongKey.statusCode() < 500, wrongKey.body());
    assertFalse(
        JsonParser.parseString(wrongKey.body())
            .getAsJsonObject()
            .getAsJsonArray("response")
            .get(0)
            .getAsJsonObject()
            .get("success")
            .getAsBoolean());
    assertFalse(wrongKey.body().contains("Exception"), "never a stack trace: " + wrongKey.body());

    HttpResponse<String> page = get(api, "/ui");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
  }

  @Test
  void theSweepAnswersCloudSchedulersCall() throws Exception {
    InvokedFunction sweep =
        invoke(InvokedFunction.Target.http("dev.csvimport.functions.ScheduledSweep"));
    fannedOut(USERS);
    HttpResponse<String> answer = send(sweep, WireRequest.of("scheduler-sweep.http", Map.of()));
    assertEquals(200, answer.statusCode(), answer.body());
    JsonObject sweep1 = JsonParser.parseString(answer.body()).getAsJsonObject();
    assertEquals(1, sweep1.get("jobsSeen").getAsInt(), answer.body());
    assertEquals(0, sweep1.get("jobsFailed").getAsInt(), answer.body());
    assertEquals(0, sweep1.get("noticesSent").getAsInt(), "no job has ended: " + answer.body());
    assertEquals(405, get(sweep, "/").statusCode());
  }

  @Test
  void theFanOutWorkerTakesEventarcsPubSubEvents() throws Exception {
    InvokedFunction worker =
        invoke(InvokedFunction.Target.cloudEvent("dev.csvimport.functions.FanOutWorker"));
    Job job = fannedOut(USERS);
    int published = test.published.size();
    // The job's fan-out is complete: a late request (a duplicate, or the watchdog's) finds nothing
    // to do.
    String request = PubSubFanOutRequests.encode(job.appId(), job.jobId());
    HttpResponse<String> late =
        send(
            worker,
            WireRequest.of(
                "pubsub-message-published.http",
                Map.of(
                    "messageId",
                    "fanout-1",
                    "data",
                    Base64.getEncoder().encodeToString(request.getBytes(StandardCharsets.UTF_8)))));
    assertEquals(200, late.statusCode(), late.body());
    HttpResponse<String> unreadable =
        send(
            worker,
            WireRequest.of(
                "pubsub-message-published.http",
                Map.of(
                    "messageId",
                    "fanout-2",
                    "data",
                    Base64.getEncoder()
                        .encodeToString("not a request".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(
        200,
        unreadable.statusCode(),
        "a message that can never be read is acknowledged, not retried");
    assertEquals(published, test.published.size());
    assertEquals(
        job.segmentsPublished(),
        test.jobs.get(job.appId(), job.jobId()).orElseThrow().segmentsPublished());
  }

  @Test
  void theStorageTriggerReadsEventarcsFinalizeEvents() throws Exception {
    InvokedFunction trigger =
        invoke(InvokedFunction.Target.http("dev.csvimport.functions.StorageTrigger"));
    Set<String> ignored = Set.of("results/job-1.jsonl", "imports/notes.txt", "elsewhere/users.csv");
    int event = 0;
    for (String object : ignored) {
      HttpResponse<String> answer =
          send(
              trigger,
              WireRequest.of(
                  "storage-finalized.http", finalized(TestPipeline.BUCKET, object, ++event)));
      assertEquals(204, answer.statusCode(), object + ": " + answer.body());
    }
    HttpResponse<String> otherBucket =
        send(
            trigger,
            WireRequest.of(
                "storage-finalized.http",
                finalized("someone-elses-bucket", "imports/users.csv", ++event)));
    assertEquals(204, otherBucket.statusCode(), "a bucket no app owns is ignored");
    assertTrue(test.jobs.list(TestPipeline.APP, 10, null).isEmpty(), "no job for any of them");

    // A CSV in the inbox of the app's bucket starts an import, fanned out to the chunk topic;
    // Eventarc's duplicate
    // of the same event finds its job and publishes nothing again.
    test.upload("imports/users.csv", 0, USERS, null);
    long generation = test.storage.get(TestPipeline.BUCKET, "imports/users.csv").getGeneration();
    Map<String, String> csv =
        new HashMap<>(finalized(TestPipeline.BUCKET, "imports/users.csv", ++event));
    csv.put("generation", Long.toString(generation));
    csv.put("size", Integer.toString(USERS.length()));
    for (int delivery = 1; delivery <= 2; delivery++) {
      HttpResponse<String> started = send(trigger, WireRequest.of("storage-finalized.http", csv));
      assertEquals(204, started.statusCode(), started.body());
    }
    List<Job> jobs = test.jobs.list(TestPipeline.APP, 10, null);
    assertEquals(1, jobs.size(), "one job for the object's generation, whatever the deliveries");
    Job job = jobs.get(0);
    assertEquals(JobIds.of(TestPipeline.BUCKET, "imports/users.csv", generation), job.jobId());
    assertEquals(
        JobState.RUNNING, job.state(), "waiting for its chunks to be applied: " + job.failure());
    assertTrue(job.fanOutComplete());
    assertEquals(5, job.rowsRead());
    assertTrue(
        job.chunksPerPartition().stream().mapToInt(Integer::intValue).sum() >= 3,
        "5 rows of 4 users in chunks of at most 2 rows per partition: " + job.chunksPerPartition());

    HttpResponse<String> noEvent =
        http.send(
            HttpRequest.newBuilder(URI.create(trigger.url("/")))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, noEvent.statusCode(), "a request that is no CloudEvent is refused");
  }

  private static Map<String, String> finalized(String bucket, String object, int event) {
    long generation = 1733393742208000L + event;
    return Map.of(
        "eventId",
        "finalize-" + event,
        "bucket",
        bucket,
        "object",
        object,
        "objectEscaped",
        URLEncoder.encode(object, StandardCharsets.UTF_8),
        "generation",
        Long.toString(generation),
        "size",
        "88");
  }
}
