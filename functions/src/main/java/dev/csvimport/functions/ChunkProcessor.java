package dev.csvimport.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.log.Log;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The chunk processor: the push endpoint of the chunk subscription. A 2xx answer acknowledges the
 * message, anything else has Pub/Sub deliver it again; on the last attempt the chunk's rows are
 * recorded as failed instead.
 */
public final class ChunkProcessor implements HttpFunction {

  private static final Log LOG = Log.of(ChunkProcessor.class);

  /** Pub/Sub messages are at most 10 MB; their push body is base64 and a little more. */
  private static final int MAX_BODY_BYTES = 14 << 20;

  private final ChunkApplier applier;
  private final int maxDeliveryAttempts;

  public ChunkProcessor() {
    this(Instance.stages().applier(), Instance.settings().maxDeliveryAttempts());
  }

  /**
   * @param maxDeliveryAttempts the subscription's last attempt, when the rows are recorded as
   *     failed instead
   */
  public ChunkProcessor(ChunkApplier applier, int maxDeliveryAttempts) {
    this.applier = applier;
    this.maxDeliveryAttempts = maxDeliveryAttempts;
  }

  /** A push of a chunk message, as decoded from its body. */
  record Push(ChunkApplier.Delivery delivery, int deliveryAttempt) {}

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    if (!"POST".equals(request.getMethod())) {
      response.setStatusCode(405);
      return;
    }
    Push push;
    try (InputStream body = request.getInputStream()) {
      push = decode(new String(body.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      LOG.error("push body is not a chunk message: " + e.getMessage(), null);
      response.setStatusCode(400);
      return;
    }
    ChunkApplier.Delivery delivery = push.delivery();
    try {
      applier.apply(delivery);
      response.setStatusCode(204);
    } catch (ChunkApplier.ChunkRefused refused) {
      // Nothing was written; Pub/Sub delivers it again until its dead-letter topic keeps it for
      // inspection.
      LOG.error(
          "delivery refused: " + refused.getMessage(),
          null,
          "appId",
          delivery.appId(),
          "jobId",
          delivery.jobId());
      response.setStatusCode(400);
    } catch (Exception e) {
      if (push.deliveryAttempt() >= maxDeliveryAttempts) {
        try {
          applier.recordFailure(delivery, e.getMessage());
        } catch (ChunkApplier.ChunkRefused refused) {
          response.setStatusCode(400);
          return;
        }
        response.setStatusCode(204);
        return;
      }
      LOG.warn(
          "chunk not applied; Pub/Sub will deliver it again",
          "appId",
          delivery.appId(),
          "jobId",
          delivery.jobId(),
          "deliveryAttempt",
          push.deliveryAttempt(),
          "error",
          e.getClass().getSimpleName() + ": " + e.getMessage());
      response.setStatusCode(500);
    }
  }

  /**
   * Reads Pub/Sub's push body: {@code
   * {"message":{"data":base64,"attributes":{appId,jobId,..}},"deliveryAttempt":n}} ({@code
   * deliveryAttempt} only where the subscription has a dead-letter policy; 1 otherwise).
   *
   * @throws IllegalArgumentException saying what is missing
   */
  static Push decode(String body) {
    JsonObject envelope = WireJson.body(body.getBytes(StandardCharsets.UTF_8));
    WireJson.PubSubMessage message = WireJson.message(envelope);
    int attempt = 1;
    JsonElement deliveryAttempt = envelope.get("deliveryAttempt");
    if (deliveryAttempt != null && !deliveryAttempt.isJsonNull()) {
      if (!deliveryAttempt.isJsonPrimitive() || !deliveryAttempt.getAsJsonPrimitive().isNumber()) {
        throw new IllegalArgumentException("deliveryAttempt is not a number");
      }
      attempt = deliveryAttempt.getAsInt();
    }
    return new Push(
        new ChunkApplier.Delivery(
            attribute(message, PubSubChunkPublisher.APP_ID),
            attribute(message, PubSubChunkPublisher.JOB_ID),
            message.data()),
        attempt);
  }

  private static String attribute(WireJson.PubSubMessage message, String name) {
    String value = message.attributes().get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("message.attributes." + name + " is missing");
    }
    return value;
  }
}
