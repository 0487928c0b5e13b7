package dev.csvimport.functions;

import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.storage.StorageOptions;
import dev.csvimport.Pipeline;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.ChunkPublisher;
import dev.csvimport.fanout.FanOutRequests;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.fanout.PubSubFanOutRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/** The clients of a deployed function, created once per instance on first use, from the environment. */
final class CloudClients {

  private static Pipeline pipeline;

  private CloudClients() {}

  static synchronized Pipeline pipeline() {
    if (pipeline == null) {
      Settings settings = Settings.fromEnvironment();
      pipeline = new Pipeline(FirestoreOptions.getDefaultInstance().getService(),
          StorageOptions.getDefaultInstance().getService(), chunkPublisher(settings), fanOutRequests(settings),
          settings, Clock.systemUTC());
    }
    return pipeline;
  }

  private static ChunkPublisher chunkPublisher(Settings settings) {
    String topic = settings.get(Settings.CHUNK_TOPIC);
    if (topic.isEmpty()) {
      return new Unconfigured(Settings.CHUNK_TOPIC);
    }
    return new PubSubChunkPublisher(build(PubSubChunkPublisher.configure(Publisher.newBuilder(topic))));
  }

  private static FanOutRequests fanOutRequests(Settings settings) {
    String topic = settings.get(Settings.FANOUT_TOPIC);
    if (topic.isEmpty()) {
      return new Unconfigured(Settings.FANOUT_TOPIC);
    }
    return new PubSubFanOutRequests(build(Publisher.newBuilder(topic)));
  }

  private static Publisher build(Publisher.Builder builder) {
    try {
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("the Pub/Sub publisher could not be created", e);
    }
  }

  /** Stands in for a topic this function was deployed without: using it is a deployment error. */
  private record Unconfigured(String setting) implements ChunkPublisher, FanOutRequests {
    @Override
    public void publish(dev.csvimport.job.Job job, dev.csvimport.engine.chunk.EncodedChunk chunk) {
      throw new IllegalStateException(setting + " is not set for this function");
    }

    @Override
    public void flush() {}

    @Override
    public void request(String appId, String jobId) {
      throw new IllegalStateException(setting + " is not set for this function");
    }
  }
}
