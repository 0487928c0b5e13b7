package dev.csvimport.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** An HTTP status and one element of Leanplum's envelope, {@code {"response":[element]}}. */
public record ApiAnswer(int status, JsonObject element) {

  public static final String CONTENT_TYPE = "application/json; charset=utf-8";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  public static ApiAnswer ok(JsonObject element) {
    return new ApiAnswer(200, element);
  }

  public static ApiAnswer error(int status, String message) {
    return new ApiAnswer(status, errorElement(message));
  }

  /** Leanplum's error element: {@code {"success":false,"error":{"message":...}}}. */
  public static JsonObject errorElement(String message) {
    JsonObject error = new JsonObject();
    error.addProperty("message", message);
    JsonObject element = new JsonObject();
    element.addProperty("success", false);
    element.add("error", error);
    return element;
  }

  /** The body: the envelope around the element. */
  public String body() {
    JsonArray response = new JsonArray();
    response.add(element);
    JsonObject envelope = new JsonObject();
    envelope.add("response", response);
    return GSON.toJson(envelope);
  }
}
