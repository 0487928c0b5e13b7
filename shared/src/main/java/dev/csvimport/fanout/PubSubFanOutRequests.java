package dev.csvimport.fanout;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.nio.charset.StandardCharsets;

/** Asks for a fan-out by publishing {@code {"appId":..,"jobId":..}} to the fan-out topic, which runs the trigger. */
public final class PubSubFanOutRequests implements FanOutRequests {

  private final Publisher publisher;

  public PubSubFanOutRequests(Publisher publisher) {
    this.publisher = publisher;
  }

  public static String encode(String appId, String jobId) {
    JsonObject request = new JsonObject();
    request.addProperty("appId", appId);
    request.addProperty("jobId", jobId);
    return request.toString();
  }

  @Override
  public void request(String appId, String jobId) throws Exception {
    publisher.publish(PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(encode(appId, jobId), StandardCharsets.UTF_8))
        .build()).get();
  }
}
