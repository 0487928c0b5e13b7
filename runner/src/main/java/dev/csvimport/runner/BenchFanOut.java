package dev.csvimport.runner;

import com.google.cloud.pubsub.v1.Publisher;
import dev.csvimport.fanout.FanOut;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.fanout.PubSubFanOutRequests;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A fan-out in the benchmark's JVM, publishing to the local cloud's topics: the benchmark's way to
 * time the fan-out stage alone. The deployed fan-out runs in the trigger and the worker.
 */
final class BenchFanOut implements AutoCloseable {

  private final List<Publisher> publishers;
  private final FanOut fanOut;

  BenchFanOut(LocalCloud cloud) {
    Publisher chunks =
        cloud
            .clients()
            .publisher(LocalTopology.CHUNK_TOPIC.toString(), PubSubChunkPublisher::configure);
    Publisher requests =
        cloud.clients().publisher(LocalTopology.FANOUT_TOPIC.toString(), UnaryOperator.identity());
    this.publishers = List.of(chunks, requests);
    this.fanOut =
        cloud.stages().fanOut(new PubSubChunkPublisher(chunks), new PubSubFanOutRequests(requests));
  }

  FanOut fanOut() {
    return fanOut;
  }

  @Override
  public void close() throws InterruptedException {
    for (Publisher publisher : publishers) {
      publisher.shutdown();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
