package dev.csvimport.runner;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.csvimport.Stages;
import dev.csvimport.api.ImportApi;
import dev.csvimport.config.CloudClients;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.fanout.PubSubFanOutRequests;
import dev.csvimport.functions.Api;
import dev.csvimport.functions.ChunkProcessor;
import dev.csvimport.functions.FanOutWorker;
import dev.csvimport.functions.StorageTrigger;
import dev.csvimport.job.Job;
import dev.csvimport.job.JobIds;
import dev.csvimport.log.Log;
import dev.csvimport.watchdog.Watchdog;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The deployed system, on this machine: the functions wired to the Firestore and Pub/Sub emulators and to an
 * in-memory bucket, with the Pub/Sub emulator pushing to the functions over local HTTP as Pub/Sub does in the cloud.
 */
public final class LocalCloud implements AutoCloseable {

  public static final String PROJECT = "csvimport-local";
  public static final String BUCKET = "csvimport-local-inbox";
  private static final Log LOG = Log.of(LocalCloud.class);
  private static final String CHUNKS = "csvimport-chunks";
  private static final String FANOUT = "csvimport-fanout";
  private static final int TRIGGER_ATTEMPTS = 8;
  private static final Duration WATCHDOG_EVERY = Duration.ofMinutes(1);

  private final Firestore firestore;
  private final Storage storage;
  private final ManagedChannel channel;
  private final Publisher chunkPublisher;
  private final Publisher fanOutPublisher;
  private final Stages stages;
  private final FanOut fanOut;
  private final ImportApi api;
  private final StorageTrigger trigger;
  private final LocalHttpServer server;
  private final LocalHttpServer pushServer;
  private final LocalUploads uploads;
  private final PushAttempts chunkPushes;
  /** The watchdog's timer: Cloud Scheduler's job on Google Cloud. */
  private final ScheduledExecutorService watchdogTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "watchdog");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Subscriber chunkSubscriber;
  private final AtomicLong generations = new AtomicLong(System.currentTimeMillis() * 1000);

  private LocalCloud(Emulators emulators, Settings settings, int port) throws IOException {
    CloudClients clients = new CloudClients(Map.of(CloudClients.FIRESTORE_EMULATOR_HOST, emulators.firestoreHost(),
        CloudClients.PUBSUB_EMULATOR_HOST, emulators.pubsubHost()), PROJECT);
    this.firestore = clients.firestore();
    this.storage = LocalStorageHelper.getOptions().getService();
    this.channel = ManagedChannelBuilder.forTarget(emulators.pubsubHost()).usePlaintext().build();
    TransportChannelProvider channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    CredentialsProvider noCredentials = NoCredentialsProvider.create();
    TopicName chunkTopic = TopicName.of(PROJECT, CHUNKS);
    TopicName fanOutTopic = TopicName.of(PROJECT, FANOUT);
    this.chunkPublisher = clients.publisher(chunkTopic.toString(), PubSubChunkPublisher::configure);
    this.fanOutPublisher = clients.publisher(fanOutTopic.toString(), UnaryOperator.identity());
    Settings local = settings.with(Settings.CHUNK_TOPIC, chunkTopic.toString())
        .with(Settings.FANOUT_TOPIC, fanOutTopic.toString());
    this.stages = new Stages(firestore, storage, local, Clock.systemUTC());
    FanOutRequests fanOutRequests = new PubSubFanOutRequests(fanOutPublisher);
    this.fanOut = stages.fanOut(new PubSubChunkPublisher(chunkPublisher), fanOutRequests);
    this.uploads = new LocalUploads(this::apiUrl,
        (object, metadata, file) -> {
          try (InputStream content = Files.newInputStream(file)) {
            drop(content, object, metadata);
          }
        }, Clock.systemUTC());
    this.api = stages.api(fanOutRequests, uploads);
    this.trigger = new StorageTrigger(local, fanOut);
    Watchdog watchdog = stages.watchdog(fanOutRequests);
    watchdogTimer.scheduleWithFixedDelay(() -> {
      try {
        watchdog.sweep();
      } catch (Exception e) {
        LOG.warn("watchdog sweep failed; the next one tries again", "error", e.getMessage());
      }
    }, WATCHDOG_EVERY.toSeconds(), WATCHDOG_EVERY.toSeconds(), TimeUnit.SECONDS);
    this.server = new LocalHttpServer(port, Map.of("/", new Api(api), "/_upload/", uploads));
    // The push doors are for the Pub/Sub emulator only: on their own port, under a random path made for this run, as
    // the deployed processor takes only the push subscription's OIDC token.
    String token = randomToken();
    this.chunkPushes = new PushAttempts(new ChunkProcessor(stages.applier(), local.maxDeliveryAttempts()));
    this.pushServer = new LocalHttpServer(0, Map.of("/" + token + "/chunks", chunkPushes,
        "/" + token + "/fanout", new PushToCloudEvent(new FanOutWorker(fanOut))));
    try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
            .setTransportChannelProvider(channels).setCredentialsProvider(noCredentials).build());
        SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
            .setTransportChannelProvider(channels).setCredentialsProvider(noCredentials).build())) {
      ensureTopic(topics, chunkTopic);
      ensureTopic(topics, fanOutTopic);
      ensurePushSubscription(subscriptions,
          pushSubscription(CHUNKS, chunkTopic, pushServer.url("/" + token + "/chunks"), true));
      ensurePushSubscription(subscriptions,
          pushSubscription(FANOUT, fanOutTopic, pushServer.url("/" + token + "/fanout"), false));
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Creates the topic unless it exists: a restart on the same emulators finds it. */
  private static void ensureTopic(TopicAdminClient topics, TopicName topic) {
    try {
      topics.createTopic(topic);
    } catch (AlreadyExistsException exists) {
      LOG.info("topic exists: kept", "topic", topic.toString());
    }
  }

  /** Creates the subscription, or points an existing one (from a run before a restart) at this run's push door. */
  private static void ensurePushSubscription(SubscriptionAdminClient subscriptions, Subscription subscription) {
    try {
      subscriptions.createSubscription(subscription);
    } catch (AlreadyExistsException exists) {
      subscriptions.modifyPushConfig(subscription.getName(), subscription.getPushConfig());
      LOG.info("subscription exists: now pushes to this run", "subscription", subscription.getName());
    }
  }

  /** @param settings the deployment's settings; BUCKET_APPS should name {@link #BUCKET} */
  public static LocalCloud start(Emulators emulators, Settings settings) throws IOException {
    return new LocalCloud(emulators, settings, 0);
  }

  /** @param port where the functions (the API at {@code /}) listen; 0 for any free port */
  public static LocalCloud start(Emulators emulators, Settings settings, int port) throws IOException {
    return new LocalCloud(emulators, settings, port);
  }

  private static Subscription pushSubscription(String name, TopicName topic, String endpoint, boolean ordered) {
    return Subscription.newBuilder()
        .setName(SubscriptionName.of(PROJECT, name).toString())
        .setTopic(topic.toString())
        .setPushConfig(PushConfig.newBuilder().setPushEndpoint(endpoint).build())
        .setAckDeadlineSeconds(60)
        .setEnableMessageOrdering(ordered)
        .setRetryPolicy(RetryPolicy.newBuilder()
            .setMinimumBackoff(com.google.protobuf.Duration.newBuilder().setSeconds(1).build())
            .setMaximumBackoff(com.google.protobuf.Duration.newBuilder().setSeconds(5).build()))
        .build();
  }

  /**
   * From now on the runner pulls the chunks itself, up to {@code inFlight} at a time, instead of the emulator pushing
   * them (which it does about one per core at a time, whatever the ordering keys): the benchmark's way to measure the
   * pipeline rather than the emulator's push. Each pulled message goes through the same door as a push; a message is
   * acknowledged when that door answers 2xx, else nacked and redelivered with the subscription's backoff.
   */
  void pullChunks(int inFlight) throws IOException {
    TransportChannelProvider channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    try (SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
        .setTransportChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      subscriptions.modifyPushConfig(SubscriptionName.of(PROJECT, CHUNKS).toString(), PushConfig.getDefaultInstance());
    }
    MessageReceiver receiver = (message, reply) -> {
      try {
        int status = chunkPushes.deliver(pushEnvelope(message));
        if (status >= 200 && status < 300) {
          reply.ack();
        } else {
          reply.nack();
        }
      } catch (Exception e) {
        LOG.warn("pulled chunk could not be delivered: it comes again", "error", e.getMessage());
        reply.nack();
      }
    };
    chunkSubscriber = Subscriber.newBuilder(ProjectSubscriptionName.of(PROJECT, CHUNKS), receiver)
        .setChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create())
        .setExecutorProvider(InstantiatingExecutorProvider.newBuilder().setExecutorThreadCount(inFlight).build())
        .setFlowControlSettings(FlowControlSettings.newBuilder().setMaxOutstandingElementCount((long) inFlight)
            .build())
        .build();
    chunkSubscriber.startAsync().awaitRunning();
  }

  /** A pulled message in the body a push of it would have. */
  private static byte[] pushEnvelope(PubsubMessage message) {
    JsonObject attributes = new JsonObject();
    message.getAttributesMap().forEach(attributes::addProperty);
    JsonObject body = new JsonObject();
    body.addProperty("data", Base64.getEncoder().encodeToString(message.getData().toByteArray()));
    body.add("attributes", attributes);
    body.addProperty("messageId", message.getMessageId());
    body.addProperty("orderingKey", message.getOrderingKey());
    JsonObject envelope = new JsonObject();
    envelope.add("message", body);
    envelope.addProperty("subscription", SubscriptionName.of(PROJECT, CHUNKS).toString());
    return envelope.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Stops chunk delivery, so that a benchmark measures publishing alone. */
  void deleteChunkSubscription() throws IOException {
    TransportChannelProvider channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    try (SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
        .setTransportChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      subscriptions.deleteSubscription(SubscriptionName.of(PROJECT, CHUNKS));
    }
  }

  /**
   * The job once it has ended, looked at every 100 ms: the pipeline runs on other threads, pushed by the Pub/Sub
   * emulator, and says nothing to whoever waits.
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

  /** The stores and stages, for the runner's commands and tests to read what the functions did. */
  public Stages stages() {
    return stages;
  }

  public FanOut fanOut() {
    return fanOut;
  }

  public ImportApi api() {
    return api;
  }

  private String apiUrl() {
    return server.url("");
  }

  /** Where files uploaded through the page go, instead of straight into the in-memory bucket. */
  public void sendUploadsTo(LocalUploads.Sink sink) {
    uploads.sendTo(sink);
  }

  /** Chunk messages whose last push failed and that wait for Pub/Sub to deliver them again. */
  public int chunksAwaitingRedelivery() {
    return chunkPushes.inFlight();
  }

  /** The most chunk deliveries the Pub/Sub emulator had in flight at once, since the start. */
  public int chunkDeliveriesAtOnce() {
    return chunkPushes.mostAtOnce();
  }

  public Storage storage() {
    return storage;
  }

  public Firestore firestore() {
    return firestore;
  }

  public LocalHttpServer server() {
    return server;
  }

  /**
   * Uploads a file to the inbox bucket and delivers its finalize event to the trigger, retrying as Eventarc does
   * when the trigger fails; answers the job id.
   */
  public String drop(InputStream content, String objectName, Map<String, String> metadata) throws Exception {
    return drop(content, objectName, metadata, generations.incrementAndGet());
  }

  /**
   * As {@link #drop(InputStream, String, Map)}, with the object's generation given: the same file dropped again with
   * the same generation (after a restart) is a redelivered event, which finds its job and applies nothing twice.
   */
  public String drop(InputStream content, String objectName, Map<String, String> metadata, long generation)
      throws Exception {
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(BUCKET, objectName)).setContentType("text/csv")
        .setMetadata(metadata).build();
    try (OutputStream out = Channels.newOutputStream(storage.writer(info))) {
      content.transferTo(out);
    }
    deliver(finalizeEvent(objectName, generation, metadata));
    return JobIds.of(BUCKET, objectName, generation);
  }

  /** A finalize event as Eventarc sends it. */
  public static CloudEvent finalizeEvent(String objectName, long generation, Map<String, String> metadata)
      throws IOException {
    String data = JsonFormat.printer().print(StorageObjectData.newBuilder().setBucket(BUCKET).setName(objectName)
        .setGeneration(generation).putAllMetadata(metadata).setContentType("text/csv").build());
    return CloudEventBuilder.v1().withId("finalize-" + generation)
        .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + BUCKET))
        .withType(StorageTrigger.OBJECT_FINALIZED).withSubject("objects/" + objectName)
        .withData("application/json", data.getBytes(StandardCharsets.UTF_8)).build();
  }

  /** Gives the event to the trigger until it succeeds, backing off between attempts. */
  public void deliver(CloudEvent event) throws Exception {
    Duration backoff = Duration.ofMillis(200);
    for (int attempt = 1; ; attempt++) {
      try {
        trigger.accept(event);
        return;
      } catch (Exception e) {
        if (attempt == TRIGGER_ATTEMPTS) {
          throw e;
        }
        LOG.warn("trigger failed; delivering the event again", "attempt", attempt, "error", e.getMessage());
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  @Override
  public void close() {
    watchdogTimer.shutdownNow();
    if (chunkSubscriber != null) {
      chunkSubscriber.stopAsync();
      try {
        chunkSubscriber.awaitTerminated(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        LOG.warn("the chunk subscriber did not stop within 10 seconds");
      }
    }
    server.close();
    pushServer.close();
    for (Publisher publisher : new Publisher[] {chunkPublisher, fanOutPublisher}) {
      publisher.shutdown();
      try {
        publisher.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    channel.shutdownNow();
    try {
      firestore.close();
    } catch (Exception e) {
      LOG.warn("closing Firestore failed", "error", e.getMessage());
    }
  }

  /** Turns a Pub/Sub push into the CloudEvent Eventarc would deliver to the trigger; what is no push gets a 400. */
  private record PushToCloudEvent(FanOutWorker worker) implements HttpFunction {
    @Override
    public void service(com.google.cloud.functions.HttpRequest request,
        com.google.cloud.functions.HttpResponse response) throws Exception {
      byte[] body = request.getInputStream().readAllBytes();
      String messageId;
      try {
        messageId = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject()
            .getAsJsonObject("message").get("messageId").getAsString();
      } catch (RuntimeException notAPush) {
        LOG.error("fan-out push body is not a Pub/Sub push: refused", null);
        response.setStatusCode(400);
        return;
      }
      worker.accept(CloudEventBuilder.v1().withId(messageId)
          .withSource(URI.create("//pubsub.googleapis.com/projects/" + PROJECT + "/topics/" + FANOUT))
          .withType(FanOutWorker.MESSAGE_PUBLISHED)
          .withData("application/json", body).build());
      response.setStatusCode(204);
    }
  }
}
