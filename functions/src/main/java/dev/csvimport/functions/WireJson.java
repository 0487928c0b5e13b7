package dev.csvimport.functions;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the JSON bodies Google sends the functions (their shapes are pinned in {@code
 * test-data/wire}): a Pub/Sub message inside a push envelope or a messagePublished event, and the
 * Cloud Storage object of a finalize event. Only the fields the doors use are read. Gson reads them
 * where protobuf's JSON parser and Google's event types took 150 ms at an instance's first event.
 *
 * <p>Every method throws {@link IllegalArgumentException} saying which field is missing or wrong.
 */
final class WireJson {

  private WireJson() {}

  /** A Pub/Sub message: its data decoded from base64, its id, its attributes. */
  record PubSubMessage(byte[] data, String messageId, Map<String, String> attributes) {}

  /** The Cloud Storage object of a finalize event. */
  record StorageObject(String bucket, String name, long generation, Map<String, String> metadata) {}

  /** A JSON object body. */
  static JsonObject body(byte[] body) {
    if (body == null || body.length == 0) {
      throw new IllegalArgumentException("the body is empty");
    }
    try {
      return object(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)), "the body");
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("the body is not JSON");
    }
  }

  /**
   * The {@code message} of a push envelope or a messagePublished event ({@code
   * {"message":{"data":base64,"messageId":..,"attributes":{..}},"subscription":..}}); {@code
   * message_id}, which Pub/Sub sends beside {@code messageId}, when that is missing; an empty id
   * when neither is there.
   */
  static PubSubMessage message(JsonObject envelope) {
    JsonObject message = object(envelope.get("message"), "message");
    byte[] data;
    try {
      data = Base64.getDecoder().decode(text(message.get("data"), "message.data"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("message.data is missing or not base64");
    }
    JsonElement id =
        message.has("messageId") ? message.get("messageId") : message.get("message_id");
    String messageId = id == null || id.isJsonNull() ? "" : text(id, "message.messageId");
    JsonElement attributes = message.get("attributes");
    return new PubSubMessage(
        data,
        messageId,
        attributes == null || attributes.isJsonNull()
            ? Map.of()
            : strings(object(attributes, "message.attributes"), "message.attributes"));
  }

  /**
   * The object of a Cloud Storage event: {@code bucket}, {@code name}, {@code generation} (a string
   * of digits, as Google sends int64s, or a number) and {@code metadata}.
   */
  static StorageObject storageObject(JsonObject object) {
    JsonElement generation = object.get("generation");
    long number;
    try {
      number = generation.getAsJsonPrimitive().getAsLong();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("generation is missing or not a number");
    }
    JsonElement metadata = object.get("metadata");
    return new StorageObject(
        text(object.get("bucket"), "bucket"),
        text(object.get("name"), "name"),
        number,
        metadata == null || metadata.isJsonNull()
            ? Map.of()
            : strings(object(metadata, "metadata"), "metadata"));
  }

  static JsonObject object(JsonElement element, String what) {
    if (element == null || !element.isJsonObject()) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
    return element.getAsJsonObject();
  }

  /** A string that is not empty. */
  static String text(JsonElement element, String what) {
    if (element == null
        || !element.isJsonPrimitive()
        || !element.getAsJsonPrimitive().isString()
        || element.getAsString().isEmpty()) {
      throw new IllegalArgumentException(what + " is missing");
    }
    return element.getAsString();
  }

  private static Map<String, String> strings(JsonObject object, String what) {
    Map<String, String> strings = new HashMap<>();
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      JsonElement value = entry.getValue();
      if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        throw new IllegalArgumentException(what + "." + entry.getKey() + " is not a string");
      }
      strings.put(entry.getKey(), value.getAsString());
    }
    return Map.copyOf(strings);
  }
}
