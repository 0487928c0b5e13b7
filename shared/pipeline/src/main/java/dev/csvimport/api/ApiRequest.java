package dev.csvimport.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An API call, whatever way its parameters came: query string, form body or JSON body (the body
 * wins over the query).
 *
 * @param requestId names the request in the logs
 */
public record ApiRequest(String requestId, String method, Map<String, String> parameters) {

  /** Bodies are small parameter sets; anything larger is refused. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /**
   * The longest value each parameter may have, in characters (docs/api.md states them): ids are
   * used in Firestore queries and document paths, which refuse values much longer. A user id is at
   * most what a CSV row may carry; a file is at most Cloud Storage's 1,024 bytes.
   */
  public static final Map<String, Integer> MAX_CHARS =
      Map.ofEntries(
          Map.entry("action", 64),
          Map.entry("appId", 128),
          Map.entry("clientKey", 256),
          Map.entry("jobId", 128),
          Map.entry("file", 1024),
          Map.entry("userId", 400),
          Map.entry("pageToken", 128),
          Map.entry("gcsBucket", 222),
          Map.entry("name", 500),
          Map.entry("uploadedBy", 320),
          Map.entry("defaultAction", 64),
          Map.entry("limit", 16),
          Map.entry("delimiter", 16),
          Map.entry("createDisposition", 32),
          Map.entry("dryRun", 16),
          Map.entry("mapping", 200_000),
          Map.entry("apiVersion", 16),
          Map.entry("createJob", 16),
          Map.entry("fileName", 500),
          Map.entry("csv", MAX_BODY_BYTES),
          Map.entry("requestId", 256),
          Map.entry("data", MAX_BODY_BYTES),
          Map.entry("userAttributes", MAX_BODY_BYTES),
          Map.entry("userAttributeValuesToAdd", MAX_BODY_BYTES),
          Map.entry("userAttributeValuesToRemove", MAX_BODY_BYTES),
          Map.entry("userAttributeValuesToIncrement", MAX_BODY_BYTES),
          Map.entry("events", MAX_BODY_BYTES),
          Map.entry("params", MAX_BODY_BYTES),
          Map.entry("deviceAttributes", MAX_BODY_BYTES));

  /** Any other parameter. */
  public static final int MAX_OTHER_CHARS = 10_000;

  public String parameter(String name) {
    String value = parameters.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  public String required(String name) throws ApiError {
    String value = parameter(name);
    if (value == null) {
      throw new ApiError(400, "missing parameter " + name);
    }
    return value;
  }

  /**
   * This request with {@code name} set to {@code value} where it has no value of its own (e.g. from
   * a header).
   */
  public ApiRequest withDefault(String name, String value) throws ApiError {
    if (value == null || parameter(name) != null) {
      return this;
    }
    check(name, value);
    Map<String, String> withValue = new LinkedHashMap<>(parameters);
    withValue.put(name, value);
    return new ApiRequest(requestId, method, withValue);
  }

  /** Reads the parameters of an HTTP request. */
  public static ApiRequest parse(
      String requestId, String method, String rawQuery, String contentType, InputStream body)
      throws ApiError {
    Map<String, String> parameters = new LinkedHashMap<>(form(rawQuery == null ? "" : rawQuery));
    byte[] bytes = readBody(body);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (bytes.length > 0 && type.startsWith("application/json")) {
      parameters.putAll(json(new String(bytes, StandardCharsets.UTF_8)));
    } else if (bytes.length > 0 && type.startsWith("application/x-www-form-urlencoded")) {
      parameters.putAll(form(new String(bytes, StandardCharsets.UTF_8)));
    }
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      check(parameter.getKey(), parameter.getValue());
    }
    return new ApiRequest(requestId, method, parameters);
  }

  /**
   * A parameter's name and value are whole Unicode text (no lone surrogate) of at most its length.
   */
  private static void check(String name, String value) throws ApiError {
    if (!wellFormed(name) || !wellFormed(value)) {
      throw new ApiError(
          400,
          "parameter " + shown(name) + " is not valid Unicode text (it holds a lone surrogate)");
    }
    int max = MAX_CHARS.getOrDefault(name, MAX_OTHER_CHARS);
    if (value.length() > max) {
      throw new ApiError(
          400,
          "parameter "
              + shown(name)
              + " is "
              + value.length()
              + " characters long; at most "
              + max);
    }
  }

  private static String shown(String name) {
    return name.length() <= 64 && wellFormed(name)
        ? name
        : "'"
            + name.substring(0, Math.min(name.length(), 64)).replaceAll("[\\uD800-\\uDFFF]", "?")
            + "…'";
  }

  private static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readBody(InputStream body) throws ApiError {
    if (body == null) {
      return new byte[0];
    }
    try {
      byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new ApiError(413, "the request body is over " + MAX_BODY_BYTES + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new ApiError(400, "the request body could not be read");
    }
  }

  private static Map<String, String> json(String text) throws ApiError {
    JsonObject object;
    try {
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        throw new ApiError(400, "the JSON body must be an object of parameters");
      }
      object = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new ApiError(400, "the body is not valid JSON");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    // An object or array (a batch's data, a call's userAttributes) is kept as its JSON text, as a
    // query sends it.
    object
        .entrySet()
        .forEach(
            entry -> {
              if (entry.getValue().isJsonPrimitive()) {
                parameters.put(entry.getKey(), entry.getValue().getAsString());
              } else if (!entry.getValue().isJsonNull()) {
                parameters.put(entry.getKey(), entry.getValue().toString());
              }
            });
    return parameters;
  }

  private static Map<String, String> form(String text) throws ApiError {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        parameters.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "a parameter is not URL-encoded correctly");
      }
    }
    return parameters;
  }
}
