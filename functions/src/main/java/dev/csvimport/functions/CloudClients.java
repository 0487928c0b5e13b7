package dev.csvimport.functions;

import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.storage.StorageOptions;
import dev.csvimport.Stages;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.fanout.PubSubFanOutRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * A deployed function's clients, from its environment, each created once per instance when a door's no-argument
 * constructor first asks for it. Each function is its own deployment, so an instance creates only what its door uses.
 */
final class CloudClients {

  private static Settings settings;
  private static Stages stages;
  private static ChunkPublisher chunkPublisher;
  private static FanOutRequests fanOutRequests;

  private CloudClients() {}

  static synchronized Settings settings() {
    if (settings == null) {
      settings = Settings.fromEnvironment();
    }
    return settings;
  }

  static synchronized Stages stages() {
    if (stages == null) {
      stages = new Stages(FirestoreOptions.getDefaultInstance().getService(),
          StorageOptions.getDefaultInstance().getService(), settings(), Clock.systemUTC());
    }
    return stages;
  }

  static synchronized ChunkPublisher chunkPublisher() {
    if (chunkPublisher == null) {
      chunkPublisher = new PubSubChunkPublisher(build(PubSubChunkPublisher.configure(
          Publisher.newBuilder(topic(Settings.CHUNK_TOPIC)))));
    }
    return chunkPublisher;
  }

  static synchronized FanOutRequests fanOutRequests() {
    if (fanOutRequests == null) {
      fanOutRequests = new PubSubFanOutRequests(build(Publisher.newBuilder(topic(Settings.FANOUT_TOPIC))));
    }
    return fanOutRequests;
  }

  private static String topic(String setting) {
    String topic = settings().get(setting);
    if (topic.isEmpty()) {
      throw new IllegalStateException(setting + " is not set for this function: set it in its deployment");
    }
    return topic;
  }

  private static Publisher build(Publisher.Builder builder) {
    try {
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("the Pub/Sub publisher could not be created", e);
    }
  }
}
