package dev.csvimport.runner;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.gson.JsonObject;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import dev.csvimport.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The benchmark's delivery of chunks: the runner pulls them itself, up to {@code inFlight} at a
 * time, instead of the emulator pushing them (which it does about one per core at a time, whatever
 * the ordering keys), so that the pipeline is measured rather than the emulator's push. Each pulled
 * message goes to the processor as its push would; it is acknowledged when the processor answers
 * 2xx, else nacked and redelivered with the subscription's backoff.
 */
final class PulledChunks implements AutoCloseable {

  private static final Log LOG = Log.of(PulledChunks.class);

  private final Subscriber subscriber;

  private PulledChunks(Subscriber subscriber) {
    this.subscriber = subscriber;
  }

  static PulledChunks start(LocalTopology topology, PushAttempts processor, int inFlight)
      throws IOException {
    topology.stopPushingChunks();
    MessageReceiver receiver =
        (message, reply) -> {
          try {
            int status = processor.deliver(pushEnvelope(message));
            if (status >= 200 && status < 300) {
              reply.ack();
            } else {
              reply.nack();
            }
          } catch (Exception e) {
            LOG.warn(
                "pulled chunk could not be delivered: it comes again", "error", e.getMessage());
            reply.nack();
          }
        };
    Subscriber subscriber =
        Subscriber.newBuilder(
                ProjectSubscriptionName.of(LocalCloud.PROJECT, LocalTopology.CHUNKS), receiver)
            .setChannelProvider(topology.channels())
            .setCredentialsProvider(NoCredentialsProvider.create())
            .setExecutorProvider(
                InstantiatingExecutorProvider.newBuilder().setExecutorThreadCount(inFlight).build())
            .setFlowControlSettings(
                FlowControlSettings.newBuilder()
                    .setMaxOutstandingElementCount((long) inFlight)
                    .build())
            .build();
    subscriber.startAsync().awaitRunning();
    return new PulledChunks(subscriber);
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
    envelope.addProperty("subscription", LocalTopology.CHUNK_SUBSCRIPTION.toString());
    return envelope.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    subscriber.stopAsync();
    try {
      subscriber.awaitTerminated(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("the chunk subscriber did not stop within 10 seconds");
    }
  }
}
