package dev.csvimport.functions;

import dev.csvimport.Stages;
import dev.csvimport.api.ImportApi;
import dev.csvimport.api.SignedUploadUrls;
import dev.csvimport.config.CloudClients;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.fanout.PubSubFanOutRequests;
import dev.csvimport.notify.JobEvents;
import dev.csvimport.notify.PubSubJobEvents;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * A deployed function's instance: its settings and clients, from its environment ({@link
 * CloudClients} chooses emulators or Google Cloud), each created once when a door's no-argument
 * constructor first asks for it. Each function is its own deployment, so an instance creates only
 * what its door uses.
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
      // The publisher is made when a job first ends here, not at start.
      stages.tellEndsAtOnce(
          (orderingKey, attributes, event) -> jobEvents().publish(orderingKey, attributes, event));
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

  static synchronized ChunkPublisher chunkPublisher() {
    if (chunkPublisher == null) {
      chunkPublisher =
          new PubSubChunkPublisher(
              clients().publisher(topic(Settings.CHUNK_TOPIC), PubSubChunkPublisher::configure));
    }
    return chunkPublisher;
  }

  /** The job-events topic: each job's end, published by the watchdog's sweep. */
  static synchronized JobEvents jobEvents() {
    if (jobEvents == null) {
      jobEvents =
          new PubSubJobEvents(
              clients().publisher(topic(Settings.JOB_EVENTS_TOPIC), PubSubJobEvents::configure));
    }
    return jobEvents;
  }

  static synchronized FanOutRequests fanOutRequests() {
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
