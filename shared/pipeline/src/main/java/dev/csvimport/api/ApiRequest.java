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
 * An API call, whatever way its parameters came: query string, form body or JSON body (the body wins over the query).
 *
 * @param requestId names the request in the logs
 */
public record ApiRequest(String requestId, String method, Map<String, String> parameters) {

  /** Bodies are small parameter sets; anything larger is refused. */
  public static final int MAX_BODY_BYTES = 1 << 20;

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

  /** Reads the parameters of an HTTP request. */
  public static ApiRequest parse(String requestId, String method, String rawQuery, String contentType,
      InputStream body) throws ApiError {
    Map<String, String> parameters = new LinkedHashMap<>(form(rawQuery == null ? "" : rawQuery));
    byte[] bytes = readBody(body);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (bytes.length > 0 && type.startsWith("application/json")) {
      parameters.putAll(json(new String(bytes, StandardCharsets.UTF_8)));
    } else if (bytes.length > 0 && type.startsWith("application/x-www-form-urlencoded")) {
      parameters.putAll(form(new String(bytes, StandardCharsets.UTF_8)));
    }
    return new ApiRequest(requestId, method, parameters);
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
    object.entrySet().forEach(entry -> {
      if (entry.getValue().isJsonPrimitive()) {
        parameters.put(entry.getKey(), entry.getValue().getAsString());
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
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        parameters.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "a parameter is not URL-encoded correctly");
      }
    }
    return parameters;
  }
}
