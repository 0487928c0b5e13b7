package dev.csvimport.fanout;

import com.google.api.core.ApiFuture;
import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.batching.FlowController;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.csvimport.engine.chunk.EncodedChunk;
import dev.csvimport.job.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Publishes chunks to the chunk topic, one ordering key per job partition, so that a partition's
 * chunks usually arrive in order (the processor copes when they do not). It keeps the publishes of
 * the fan-out in progress until {@link #flush}: one fan-out at a time per instance, which is how
 * the trigger functions are deployed (one request per instance).
 */
public final class PubSubChunkPublisher implements ChunkPublisher {

  public static final String APP_ID = "appId";
  public static final String JOB_ID = "jobId";
  public static final String PARTITION = "partition";
  public static final String SEQUENCE = "sequence";

  private final Publisher publisher;
  private final List<ApiFuture<String>> pending = new ArrayList<>();
  private final Set<String> orderingKeys = new HashSet<>();

  public PubSubChunkPublisher(Publisher publisher) {
    this.publisher = publisher;
  }

  /**
   * Batching and flow control for chunk messages (up to about half a MiB each): batches of up to
   * 100 messages or 4 MB, sent after at most 10 ms; publishing blocks past 64 MiB in flight, so
   * memory stays flat.
   */
  public static Publisher.Builder configure(Publisher.Builder builder) {
    return builder
        .setEnableMessageOrdering(true)
        .setBatchingSettings(
            BatchingSettings.newBuilder()
                .setElementCountThreshold(100L)
                .setRequestByteThreshold(4_000_000L)
                .setDelayThresholdDuration(Duration.ofMillis(10))
                .setFlowControlSettings(
                    FlowControlSettings.newBuilder()
                        .setMaxOutstandingElementCount(10_000L)
                        .setMaxOutstandingRequestBytes(64L << 20)
                        .setLimitExceededBehavior(FlowController.LimitExceededBehavior.Block)
                        .build())
                .build());
  }

  public static String orderingKey(String jobId, int partition) {
    return jobId + "/" + partition;
  }

  @Override
  public synchronized void publish(Job job, EncodedChunk chunk) {
    String key = orderingKey(job.jobId(), chunk.partition());
    orderingKeys.add(key);
    pending.add(
        publisher.publish(
            PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(chunk.payload()))
                .setOrderingKey(key)
                .putAttributes(APP_ID, job.appId())
                .putAttributes(JOB_ID, job.jobId())
                .putAttributes(PARTITION, Integer.toString(chunk.partition()))
                .putAttributes(SEQUENCE, Integer.toString(chunk.sequence()))
                .build()));
  }

  @Override
  public synchronized void flush() throws Exception {
    publisher.publishAllOutstanding();
    try {
      for (ApiFuture<String> future : pending) {
        future.get();
      }
    } catch (ExecutionException e) {
      // A failed publish pauses its ordering key; let the retry of this fan-out publish again.
      orderingKeys.forEach(publisher::resumePublish);
      throw new IllegalStateException(
          "publishing chunks failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pending.clear();
      orderingKeys.clear();
    }
  }
}
