package dev.csvimport.functions;

import dev.csvimport.Stages;
import dev.csvimport.api.ImportApi;
import dev.csvimport.api.SignedUploadUrls;
import dev.csvimport.config.CloudClients;
import dev.csvimport.config.Settings;
import dev.csvimport.engine.chunk.EncodedChunk;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.fanout.PubSubFanOutRequests;
import dev.csvimport.job.Job;
import dev.csvimport.notify.JobEvents;
import dev.csvimport.notify.PubSubJobEvents;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * A deployed function's instance: its settings and clients, from its environment ({@link
 * CloudClients} chooses emulators or Google Cloud), each created once: Firestore and Cloud Storage
 * when a door's no-argument constructor first asks for them, a Pub/Sub publisher, an HTTP client
 * for webhooks and the local upload-signing key when first used. Each function is its own
 * deployment, so an instance creates only what its door uses, and a new instance answers its first
 * request sooner (docs/benchmarks.md, cold start).
 */
final class Instance {

  private static Settings settings;
  private static CloudClients clients;
  private static Stages stages;
  private static ChunkPublisher chunkPublisher;
  private static FanOutRequests fanOutRequests;
  private static JobEvents jobEvents;

  private Instance() {}

  static synchronized Settings settings() {
    if (settings == null) {
      settings = Settings.fromEnvironment();
    }
    return settings;
  }

  private static synchronized CloudClients clients() {
    if (clients == null) {
      clients = CloudClients.fromEnvironment(settings());
    }
    return clients;
  }

  static synchronized Stages stages() {
    if (stages == null) {
      stages =
          new Stages(clients().firestore(), clients().storage(), settings(), Clock.systemUTC());
      stages.tellEndsAtOnce(jobEvents());
    }
    return stages;
  }

  /** The API, its upload URLs signed for Cloud Storage or addressed to the storage emulator. */
  static synchronized ImportApi api() {
    return stages()
        .api(
            fanOutRequests(),
            new SignedUploadUrls(
                clients().storage(), clients().uploadSigner(), clients().storageEmulator()));
  }

  /** Where the uploads page may send files besides its own origin. */
  static synchronized String storageOrigin() {
    return clients().storageOrigin();
  }

  /**
   * Chunks on the chunk topic. Like every publisher here, its topic is checked when a door asks for
   * it (a deployment that lacks it fails at start) and the publisher is made when it first
   * publishes: an instance that never publishes (the API, the sweep, a fan-out that finds nothing
   * to do) does not spend its start on one.
   */
  static ChunkPublisher chunkPublisher() {
    topic(Settings.CHUNK_TOPIC);
    return new ChunkPublisher() {
      @Override
      public void publish(Job job, EncodedChunk chunk) {
        chunkTopic().publish(job, chunk);
      }

      @Override
      public void flush() throws Exception {
        chunkTopic().flush();
      }
    };
  }

  private static synchronized ChunkPublisher chunkTopic() {
    if (chunkPublisher == null) {
      chunkPublisher =
          new PubSubChunkPublisher(
              clients().publisher(topic(Settings.CHUNK_TOPIC), PubSubChunkPublisher::configure));
    }
    return chunkPublisher;
  }

  /** The job-events topic: each job's end. */
  static JobEvents jobEvents() {
    topic(Settings.JOB_EVENTS_TOPIC);
    return (orderingKey, attributes, event) ->
        jobEventsTopic().publish(orderingKey, attributes, event);
  }

  private static synchronized JobEvents jobEventsTopic() {
    if (jobEvents == null) {
      jobEvents =
          new PubSubJobEvents(
              clients().publisher(topic(Settings.JOB_EVENTS_TOPIC), PubSubJobEvents::configure));
    }
    return jobEvents;
  }

  /** The fan-out topic: a request to go on fanning out a job. */
  static FanOutRequests fanOutRequests() {
    topic(Settings.FANOUT_TOPIC);
    return (appId, jobId) -> fanOutTopic().request(appId, jobId);
  }

  private static synchronized FanOutRequests fanOutTopic() {
    if (fanOutRequests == null) {
      fanOutRequests =
          new PubSubFanOutRequests(
              clients().publisher(topic(Settings.FANOUT_TOPIC), UnaryOperator.identity()));
    }
    return fanOutRequests;
  }

  private static String topic(String setting) {
    String topic = settings().get(setting);
    if (topic.isEmpty()) {
      throw new IllegalStateException(
          setting + " is not set for this function: set it in its deployment");
    }
    return topic;
  }
}
