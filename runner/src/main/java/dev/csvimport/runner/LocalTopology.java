package dev.csvimport.runner;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.csvimport.log.Log;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;

/**
 * terraform/pubsub.tf's topics and push subscriptions, on the Pub/Sub emulator: the chunk topic
 * with its ordered subscription, the fan-out topic with Eventarc's, the job-events topic with a
 * pull subscription to read it by. A restart on the same emulator finds them and points their
 * pushes at the new run.
 */
final class LocalTopology implements AutoCloseable {

  static final String CHUNKS = "csvimport-chunks";
  static final String FANOUT = "csvimport-fanout";
  static final TopicName CHUNK_TOPIC = TopicName.of(LocalCloud.PROJECT, CHUNKS);
  static final TopicName FANOUT_TOPIC = TopicName.of(LocalCloud.PROJECT, FANOUT);
  static final SubscriptionName CHUNK_SUBSCRIPTION =
      SubscriptionName.of(LocalCloud.PROJECT, CHUNKS);
  static final String JOB_EVENTS = "csvimport-job-events";
  static final TopicName JOB_EVENTS_TOPIC = TopicName.of(LocalCloud.PROJECT, JOB_EVENTS);

  /**
   * A pull subscription to the job events, ordered, as a subscriber of the deployed topic would
   * make: where the local run's job ends can be read.
   */
  static final SubscriptionName JOB_EVENTS_SUBSCRIPTION =
      SubscriptionName.of(LocalCloud.PROJECT, JOB_EVENTS);

  private static final Log LOG = Log.of(LocalTopology.class);

  private final ManagedChannel channel;

  LocalTopology(String pubsubHost) {
    this.channel = ManagedChannelBuilder.forTarget(pubsubHost).usePlaintext().build();
  }

  /** The emulator's channel, for the admin clients here and the bench's subscriber. */
  TransportChannelProvider channels() {
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  /** Creates both topics and their subscriptions, pushing to these endpoints. */
  void create(String chunksEndpoint, String fanOutEndpoint) throws IOException {
    try (TopicAdminClient topics =
            TopicAdminClient.create(
                TopicAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels())
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
        SubscriptionAdminClient subscriptions = subscriptions()) {
      ensureTopic(topics, CHUNK_TOPIC);
      ensureTopic(topics, FANOUT_TOPIC);
      ensureTopic(topics, JOB_EVENTS_TOPIC);
      try {
        subscriptions.createSubscription(
            Subscription.newBuilder()
                .setName(JOB_EVENTS_SUBSCRIPTION.toString())
                .setTopic(JOB_EVENTS_TOPIC.toString())
                .setAckDeadlineSeconds(60)
                .setEnableMessageOrdering(true)
                .build());
      } catch (AlreadyExistsException exists) {
        LOG.info("subscription exists: kept", "subscription", JOB_EVENTS_SUBSCRIPTION.toString());
      }
      ensurePushSubscription(
          subscriptions, pushSubscription(CHUNKS, CHUNK_TOPIC, chunksEndpoint, true));
      ensurePushSubscription(
          subscriptions, pushSubscription(FANOUT, FANOUT_TOPIC, fanOutEndpoint, false));
    }
  }

  /**
   * Pulls and acknowledges the job events published so far (at most {@code max}), in the order the
   * emulator gives them.
   */
  java.util.List<com.google.pubsub.v1.PubsubMessage> pullJobEvents(int max) throws IOException {
    try (com.google.cloud.pubsub.v1.stub.SubscriberStub subscriber =
        com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub.create(
            com.google.cloud.pubsub.v1.stub.SubscriberStubSettings.newBuilder()
                .setTransportChannelProvider(channels())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      com.google.pubsub.v1.PullResponse pulled =
          subscriber
              .pullCallable()
              .call(
                  com.google.pubsub.v1.PullRequest.newBuilder()
                      .setSubscription(JOB_EVENTS_SUBSCRIPTION.toString())
                      .setMaxMessages(max)
                      .setReturnImmediately(true)
                      .build());
      java.util.List<com.google.pubsub.v1.PubsubMessage> messages = new java.util.ArrayList<>();
      java.util.List<String> acks = new java.util.ArrayList<>();
      for (com.google.pubsub.v1.ReceivedMessage received : pulled.getReceivedMessagesList()) {
        messages.add(received.getMessage());
        acks.add(received.getAckId());
      }
      if (!acks.isEmpty()) {
        subscriber
            .acknowledgeCallable()
            .call(
                com.google.pubsub.v1.AcknowledgeRequest.newBuilder()
                    .setSubscription(JOB_EVENTS_SUBSCRIPTION.toString())
                    .addAllAckIds(acks)
                    .build());
      }
      return messages;
    }
  }

  /** The chunk subscription stops pushing: from now on whoever pulls it delivers the chunks. */
  void stopPushingChunks() throws IOException {
    try (SubscriptionAdminClient subscriptions = subscriptions()) {
      subscriptions.modifyPushConfig(
          CHUNK_SUBSCRIPTION.toString(), PushConfig.getDefaultInstance());
    }
  }

  /** No chunk is delivered any more, so that a benchmark measures publishing alone. */
  void deleteChunkSubscription() throws IOException {
    try (SubscriptionAdminClient subscriptions = subscriptions()) {
      subscriptions.deleteSubscription(CHUNK_SUBSCRIPTION);
    }
  }

  private SubscriptionAdminClient subscriptions() throws IOException {
    return SubscriptionAdminClient.create(
        SubscriptionAdminSettings.newBuilder()
            .setTransportChannelProvider(channels())
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build());
  }

  /** Creates the topic unless it exists: a restart on the same emulators finds it. */
  private static void ensureTopic(TopicAdminClient topics, TopicName topic) {
    try {
      topics.createTopic(topic);
    } catch (AlreadyExistsException exists) {
      LOG.info("topic exists: kept", "topic", topic.toString());
    }
  }

  /**
   * Creates the subscription, or points an existing one (from a run before a restart) at this run's
   * push door.
   */
  private static void ensurePushSubscription(
      SubscriptionAdminClient subscriptions, Subscription subscription) {
    try {
      subscriptions.createSubscription(subscription);
    } catch (AlreadyExistsException exists) {
      subscriptions.modifyPushConfig(subscription.getName(), subscription.getPushConfig());
      LOG.info(
          "subscription exists: now pushes to this run", "subscription", subscription.getName());
    }
  }

  private static Subscription pushSubscription(
      String name, TopicName topic, String endpoint, boolean ordered) {
    return Subscription.newBuilder()
        .setName(SubscriptionName.of(LocalCloud.PROJECT, name).toString())
        .setTopic(topic.toString())
        .setPushConfig(PushConfig.newBuilder().setPushEndpoint(endpoint).build())
        .setAckDeadlineSeconds(60)
        .setEnableMessageOrdering(ordered)
        .setRetryPolicy(
            RetryPolicy.newBuilder()
                .setMinimumBackoff(com.google.protobuf.Duration.newBuilder().setSeconds(1).build())
                .setMaximumBackoff(com.google.protobuf.Duration.newBuilder().setSeconds(5).build()))
        .build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
