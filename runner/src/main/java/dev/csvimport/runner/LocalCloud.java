package dev.csvimport.runner;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.csvimport.Stages;
import dev.csvimport.config.CloudClients;
import dev.csvimport.config.Settings;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobIds;
import dev.csvimport.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * The deployed system, on this machine: each function of the shaded jar in its own process under
 * Google's Functions Framework invoker ({@link InvokedFunction}), with the target, signature type
 * and environment Terraform gives it, against the Firestore and Pub/Sub emulators and a bucket that
 * is a folder ({@link LocalStorageServer}). What the emulators cannot do, the runner does in
 * Google's own wire formats ({@code test-data/wire/}): Eventarc's delivery of finalize events and
 * of fan-out messages ({@link LocalEventarc}), Pub/Sub's {@code deliveryAttempt} ({@link
 * PushAttempts}, in front of the processor), and Cloud Scheduler's call to the sweep every minute.
 * This JVM reads what the functions did through its own clients on the same emulators ({@link
 * #stages()}).
 */
public final class LocalCloud implements AutoCloseable {

  public static final String PROJECT = "csvimport-local";
  public static final String BUCKET = "csvimport-local-inbox";
  private static final Log LOG = Log.of(LocalCloud.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** The five functions, as terraform/functions.tf deploys them. */
  public enum Service {
    API(InvokedFunction.Target.http("dev.csvimport.functions.Api")),
    TRIGGER(InvokedFunction.Target.http("dev.csvimport.functions.StorageTrigger")),
    FANOUT_WORKER(InvokedFunction.Target.cloudEvent("dev.csvimport.functions.FanOutWorker")),
    PROCESSOR(InvokedFunction.Target.http("dev.csvimport.functions.ChunkProcessor")),
    SWEEP(InvokedFunction.Target.http("dev.csvimport.functions.ScheduledSweep"));

    final InvokedFunction.Target target;

    Service(InvokedFunction.Target target) {
      this.target = target;
    }

    String logName() {
      return "function-" + name().toLowerCase().replace('_', '-') + ".log";
    }
  }

  private final Path bucketDir;
  private final boolean ownBucketDir;
  private final Path logDir;
  private final Map<String, String> environment;
  private final CloudClients clients;
  private final Firestore firestore;
  private final Storage storage;
  private final Stages stages;
  private final LocalTopology topology;
  private final LocalStorageServer storageServer;
  private final LocalEventarc eventarc;
  private final Map<Service, InvokedFunction> functions = new EnumMap<>(Service.class);
  private final PushAttempts chunkPushes;
  private final LocalHttpServer pushServer;
  private final LocalScheduler scheduler;
  private volatile PulledChunks pulledChunks;

  private LocalCloud(Emulators emulators, Settings settings, int port, Path bucketDir, Path logDir)
      throws IOException {
    this.ownBucketDir = bucketDir == null;
    this.bucketDir = ownBucketDir ? Files.createTempDirectory("csvimport-bucket-") : bucketDir;
    this.logDir = logDir;
    Files.createDirectories(this.bucketDir);
    this.eventarc = new LocalEventarc(BUCKET, () -> url(Service.TRIGGER, "/"));
    this.storageServer =
        new LocalStorageServer(Map.of(BUCKET, this.bucketDir), 0, eventarc::finalized);
    this.environment = functionEnvironment(settings, emulators, storageServer.host());
    this.clients = new CloudClients(this.environment, PROJECT);
    this.firestore = clients.firestore();
    this.storage = clients.storage();
    this.stages = new Stages(firestore, storage, new Settings(this.environment), Clock.systemUTC());
    this.topology = new LocalTopology(emulators.pubsubHost());
    startAll(port);
    // The push doors are for the Pub/Sub emulator only: on their own port, under a random path made
    // for this run, as
    // the deployed processor takes only the push subscription's OIDC token.
    String token = randomToken();
    this.chunkPushes = new PushAttempts(new HttpForward(() -> url(Service.PROCESSOR, "/")));
    this.pushServer =
        new LocalHttpServer(
            0,
            Map.of(
                "/" + token + "/chunks",
                chunkPushes,
                "/" + token + "/fanout",
                eventarc.pubSubTrigger(
                    LocalTopology.FANOUT_TOPIC.toString(), () -> url(Service.FANOUT_WORKER, "/"))));
    topology.create(
        pushServer.url("/" + token + "/chunks"), pushServer.url("/" + token + "/fanout"));
    this.scheduler = new LocalScheduler(() -> url(Service.SWEEP, "/"));
  }

  /**
   * The environment every local function runs with: {@code settings} as Terraform would set them,
   * the local topics, and the emulators' hosts.
   */
  static Map<String, String> functionEnvironment(
      Settings settings, Emulators emulators, String storageHost) {
    Map<String, String> environment = new HashMap<>(settings.asEnvironment());
    environment.put(Settings.PROJECT_ID, PROJECT);
    environment.put(Settings.CHUNK_TOPIC, LocalTopology.CHUNK_TOPIC.toString());
    environment.put(Settings.FANOUT_TOPIC, LocalTopology.FANOUT_TOPIC.toString());
    environment.put(Settings.JOB_EVENTS_TOPIC, LocalTopology.JOB_EVENTS_TOPIC.toString());
    environment.put(CloudClients.FIRESTORE_EMULATOR_HOST, emulators.firestoreHost());
    environment.put(CloudClients.PUBSUB_EMULATOR_HOST, emulators.pubsubHost());
    environment.put(CloudClients.STORAGE_EMULATOR_HOST, storageHost);
    return Map.copyOf(environment);
  }

  /**
   * Starts the five functions at once (each start is mostly one JVM loading the jar); the API on
   * {@code port}.
   */
  private void startAll(int apiPort) throws IOException {
    Map<Service, CompletableFuture<InvokedFunction>> starting = new EnumMap<>(Service.class);
    for (Service service : Service.values()) {
      starting.put(
          service,
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return startInstance(service, service == Service.API ? apiPort : 0);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }));
    }
    IOException failed = null;
    for (Map.Entry<Service, CompletableFuture<InvokedFunction>> start : starting.entrySet()) {
      try {
        functions.put(start.getKey(), start.getValue().join());
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        failed = failed != null ? failed : new IOException(cause.getMessage(), cause);
      }
    }
    if (failed != null) {
      close();
      throw failed;
    }
  }

  private InvokedFunction startInstance(Service service, int port) throws IOException {
    return InvokedFunction.start(
        InvokedFunction.invokerJar(),
        InvokedFunction.functionsJar(),
        service.target,
        environment,
        logDir.resolve(service.logName()),
        START_TIMEOUT,
        port);
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * With a bucket of its own (a temporary folder, deleted at close), its functions' logs in {@code
   * target/}.
   */
  public static LocalCloud start(Emulators emulators, Settings settings) throws IOException {
    return start(emulators, settings, 0);
  }

  /**
   * @param port where the API listens; 0 for any free port
   */
  public static LocalCloud start(Emulators emulators, Settings settings, int port)
      throws IOException {
    return new LocalCloud(emulators, settings, port, null, Path.of("target"));
  }

  /**
   * @param bucketDir the folder that is the inbox bucket: kept, and found again by the next start
   * @param logDir where each function's log goes ({@code function-<name>.log})
   */
  public static LocalCloud start(
      Emulators emulators, Settings settings, int port, Path bucketDir, Path logDir)
      throws IOException {
    return new LocalCloud(emulators, settings, port, bucketDir, logDir);
  }

  /** Where a function answers now, {@code path} appended. */
  public synchronized String url(Service service, String path) {
    InvokedFunction function = functions.get(service);
    if (function == null) {
      throw new IllegalStateException(service + " is not running");
    }
    return function.url(path);
  }

  /** Where the API answers, {@code path} appended (e.g. {@code /api}, {@code /ui}). */
  public String apiUrl(String path) {
    return url(Service.API, path);
  }

  public int apiPort() {
    return functions.get(Service.API).port();
  }

  /**
   * Ends the function's instance with {@code kill -9} and starts a new one on the same port, as
   * Cloud Run replaces an instance that crashed: what the old one was doing is lost, and the pushes
   * and events that failed meanwhile come again.
   */
  public void replace(Service service) throws IOException {
    InvokedFunction old;
    synchronized (this) {
      old = functions.get(service);
    }
    old.kill();
    InvokedFunction replacement = startInstance(service, old.port());
    synchronized (this) {
      functions.put(service, replacement);
    }
    LOG.info("instance replaced", "function", service.name(), "port", old.port());
  }

  /**
   * From now on the runner pulls the chunks itself, up to {@code inFlight} at a time ({@link
   * PulledChunks}), instead of the emulator pushing them.
   */
  void pullChunks(int inFlight) throws IOException {
    pulledChunks = PulledChunks.start(topology, chunkPushes, inFlight);
  }

  /** The Pub/Sub topology on the emulator, for a benchmark to change. */
  LocalTopology topology() {
    return topology;
  }

  /** The clients of the emulators and the bucket, as the functions make them. */
  CloudClients clients() {
    return clients;
  }

  /**
   * The job once it has ended, looked at every 100 ms: the pipeline runs in other processes, pushed
   * by the Pub/Sub emulator, and says nothing to whoever waits.
   *
   * @throws AssertionError when it has not ended within {@code timeout}
   */
  public Job awaitEnd(String appId, String jobId, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Optional<Job> job = stages.jobs().get(appId, jobId);
      if (job.isPresent() && job.get().state().ended()) {
        return job.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + jobId + " did not end within " + timeout);
  }

  /**
   * The job once it has ended and its end is published on the job-events topic, which the
   * invocation that ended it records on the job just after: a job read before that changes once
   * more.
   *
   * @throws AssertionError when it has not been told within {@code timeout}
   */
  public Job awaitTold(String appId, String jobId, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Job job = awaitEnd(appId, jobId, Duration.between(Instant.now(), deadline));
      if (job.notice() != null && job.notice().publishedAt() != null) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + jobId + " was not told within " + timeout);
  }

  /**
   * The stores and stages on the same emulators and bucket, for the runner's commands and tests to
   * read.
   */
  public Stages stages() {
    return stages;
  }

  /** Chunk messages whose last push failed and that wait for Pub/Sub to deliver them again. */
  public int chunksAwaitingRedelivery() {
    return chunkPushes.inFlight();
  }

  /** The most chunk deliveries the Pub/Sub emulator had in flight at once, since the start. */
  public int chunkDeliveriesAtOnce() {
    return chunkPushes.mostAtOnce();
  }

  /** A client of the bucket, as the functions have. */
  public Storage storage() {
    return storage;
  }

  /** Whether the function's instance is running (it is not after it died, e.g. out of memory). */
  public synchronized boolean alive(Service service) {
    return functions.get(service).alive();
  }

  /**
   * Uploads a file to the inbox bucket, as a customer does, and answers its job id once Eventarc
   * has delivered the finalize event to the trigger (again and again while the trigger fails).
   */
  public String drop(InputStream content, String objectName, Map<String, String> metadata)
      throws Exception {
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(BUCKET, objectName))
            .setContentType("text/csv")
            .setMetadata(metadata)
            .build();
    Blob written = storage.createFrom(info, content);
    awaitDelivery(eventarc.delivery(objectName, written.getGeneration()));
    return JobIds.of(BUCKET, objectName, written.getGeneration());
  }

  /**
   * Delivers the finalize event of the object as it is in the bucket again, as Eventarc may
   * (at-least-once), and answers its job id once the trigger took it.
   */
  public String redeliverFinalize(String objectName) throws Exception {
    LocalStorageServer.FinalizedObject object =
        storageServer
            .object(BUCKET, objectName)
            .orElseThrow(
                () -> new IllegalArgumentException("no object " + objectName + " in the bucket"));
    awaitDelivery(eventarc.finalized(object));
    return JobIds.of(BUCKET, objectName, object.resource().get("generation").getAsLong());
  }

  /**
   * Delivers the finalize event of a file a person put into the bucket's folder, unless it was
   * delivered for this generation of it already (an upload's, or an earlier call's); answers its
   * job id, or empty when there is no such object.
   */
  public Optional<String> noticePlacedFile(String objectName) throws Exception {
    Optional<LocalStorageServer.FinalizedObject> object = storageServer.object(BUCKET, objectName);
    if (object.isEmpty()) {
      return Optional.empty();
    }
    awaitDelivery(eventarc.finalizedOnce(object.get()));
    return Optional.of(
        JobIds.of(BUCKET, objectName, object.get().resource().get("generation").getAsLong()));
  }

  private static void awaitDelivery(CompletableFuture<Void> delivery) throws Exception {
    try {
      delivery.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Pulls (and acknowledges) the job events published so far: the job-events topic's messages. */
  public java.util.List<com.google.pubsub.v1.PubsubMessage> pullJobEvents(int max)
      throws IOException {
    return topology.pullJobEvents(max);
  }

  /**
   * Stops calling the sweep every minute: a test then sweeps only when it says ({@link #sweepNow}).
   */
  public void stopScheduler() {
    scheduler.close();
  }

  /** Sweeps now, as Cloud Scheduler's next call would: answers the sweep function's JSON. */
  public String sweepNow() throws Exception {
    java.net.http.HttpResponse<String> answer =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(Service.SWEEP, "/")))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException("the sweep answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer.body();
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.close();
    }
    if (pulledChunks != null) {
      pulledChunks.close();
    }
    if (pushServer != null) {
      pushServer.close();
    }
    synchronized (this) {
      functions.values().forEach(InvokedFunction::close);
    }
    eventarc.close();
    storageServer.close();
    topology.close();
    try {
      firestore.close();
    } catch (Exception e) {
      LOG.warn("closing Firestore failed", "error", e.getMessage());
    }
    if (ownBucketDir) {
      try (Stream<Path> files = Files.walk(bucketDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      } catch (IOException e) {
        LOG.warn(
            "the bucket's temporary folder could not be deleted", "folder", bucketDir.toString());
      }
    }
  }
}
