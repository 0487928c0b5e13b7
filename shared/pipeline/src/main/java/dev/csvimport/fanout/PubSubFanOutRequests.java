package dev.csvimport.fanout;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.nio.charset.StandardCharsets;

/**
 * Asks for a fan-out by publishing {@code {"appId":..,"jobId":..}} to the fan-out topic, which runs
 * the trigger.
 */
public final class PubSubFanOutRequests implements FanOutRequests {

  private final Publisher publisher;

  public PubSubFanOutRequests(Publisher publisher) {
    this.publisher = publisher;
  }

  /** A decoded request: the job whose fan-out should run. */
  public record Request(String appId, String jobId) {}

  /**
   * The request in a message's text.
   *
   * @throws IllegalArgumentException when the text is not a request
   */
  public static Request decode(String text) {
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (!parsed.isJsonObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonObject request = parsed.getAsJsonObject();
    return new Request(text(request, "appId"), text(request, "jobId"));
  }

  private static String text(JsonObject request, String field) {
    JsonElement value = request.get(field);
    if (value == null
        || !value.isJsonPrimitive()
        || !value.getAsJsonPrimitive().isString()
        || value.getAsString().isEmpty()) {
      throw new IllegalArgumentException("no " + field);
    }
    return value.getAsString();
  }

  public static String encode(String appId, String jobId) {
    JsonObject request = new JsonObject();
    request.addProperty("appId", appId);
    request.addProperty("jobId", jobId);
    return request.toString();
  }

  @Override
  public void request(String appId, String jobId) throws Exception {
    publisher
        .publish(
            PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(encode(appId, jobId), StandardCharsets.UTF_8))
                .build())
        .get();
  }
}
