package dev.csvimport.notify;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Job events on the job-events topic, ordered by their ordering key (one per job). */
public final class PubSubJobEvents implements JobEvents {

  private final Publisher publisher;

  /**
   * @param publisher a publisher with message ordering enabled ({@link #configure})
   */
  public PubSubJobEvents(Publisher publisher) {
    this.publisher = publisher;
  }

  public static Publisher.Builder configure(Publisher.Builder builder) {
    return builder.setEnableMessageOrdering(true);
  }

  @Override
  public void publish(String orderingKey, Map<String, String> attributes, String event)
      throws Exception {
    try {
      publisher
          .publish(
              PubsubMessage.newBuilder()
                  .setData(ByteString.copyFrom(event, StandardCharsets.UTF_8))
                  .putAllAttributes(attributes)
                  .setOrderingKey(orderingKey)
                  .build())
          .get();
    } catch (Exception e) {
      // A failed publish pauses its ordering key until resumed: the retry must not fail for that.
      publisher.resumePublish(orderingKey);
      throw e;
    }
  }
}
