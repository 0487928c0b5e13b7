package dev.csvimport.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.csvimport.Pipeline;
import dev.csvimport.apply.ChunkApplier;
import dev.csvimport.config.Settings;
import dev.csvimport.fanout.PubSubChunkPublisher;
import dev.csvimport.log.Log;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The chunk processor: the push endpoint of the chunk subscription. A 2xx answer acknowledges the message, anything
 * else has Pub/Sub deliver it again; on the last attempt the chunk's rows are recorded as failed instead.
 */
public final class ChunkProcessor implements HttpFunction {

  private static final Log LOG = Log.of(ChunkProcessor.class);
  /** Pub/Sub messages are at most 10 MB; their push body is base64 and a little more. */
  private static final int MAX_BODY_BYTES = 14 << 20;

  private final Supplier<Pipeline> pipeline;

  public ChunkProcessor() {
    this(CloudClients::pipeline);
  }

  public ChunkProcessor(Pipeline pipeline) {
    this(() -> pipeline);
  }

  private ChunkProcessor(Supplier<Pipeline> pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    if (!"POST".equals(request.getMethod())) {
      response.setStatusCode(405);
      return;
    }
    JsonObject envelope;
    ChunkApplier.Delivery delivery;
    try (InputStream body = request.getInputStream()) {
      byte[] bytes = body.readNBytes(MAX_BODY_BYTES);
      envelope = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
      JsonObject message = envelope.getAsJsonObject("message");
      JsonObject attributes = message.getAsJsonObject("attributes");
      delivery = new ChunkApplier.Delivery(attributes.get(PubSubChunkPublisher.APP_ID).getAsString(),
          attributes.get(PubSubChunkPublisher.JOB_ID).getAsString(),
          Base64.getDecoder().decode(message.get("data").getAsString()));
    } catch (JsonParseException | IllegalStateException | IllegalArgumentException | NullPointerException
        | ClassCastException e) {
      LOG.error("push body is not a chunk message", e);
      response.setStatusCode(400);
      return;
    }
    int attempt = envelope.has("deliveryAttempt") ? envelope.get("deliveryAttempt").getAsInt() : 1;
    int lastAttempt = pipeline.get().settings().integer(Settings.MAX_DELIVERY_ATTEMPTS);
    try {
      pipeline.get().applier().apply(delivery);
      response.setStatusCode(204);
    } catch (Exception e) {
      if (attempt >= lastAttempt) {
        pipeline.get().applier().recordFailure(delivery, e.getMessage());
        response.setStatusCode(204);
        return;
      }
      LOG.warn("chunk not applied; Pub/Sub will deliver it again", "appId", delivery.appId(), "jobId",
          delivery.jobId(), "deliveryAttempt", attempt, "error", e.getClass().getSimpleName() + ": " + e.getMessage());
      response.setStatusCode(500);
    }
  }
}
