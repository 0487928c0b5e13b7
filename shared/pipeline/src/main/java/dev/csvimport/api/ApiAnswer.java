package dev.csvimport.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * An HTTP status and the elements of Leanplum's envelope, {@code {"response":[element, ...]}}: one
 * element, or one per item of a batch.
 */
public record ApiAnswer(int status, List<JsonObject> elements) {

  public static final String CONTENT_TYPE = "application/json; charset=utf-8";
  private static final Gson GSON =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  public ApiAnswer {
    elements = List.copyOf(elements);
  }

  public static ApiAnswer ok(JsonObject element) {
    return new ApiAnswer(200, List.of(element));
  }

  public static ApiAnswer error(int status, String message) {
    return new ApiAnswer(status, List.of(errorElement(message)));
  }

  /** Leanplum's error element: {@code {"success":false,"error":{"message":...}}}. */
  public static JsonObject errorElement(String message) {
    return element(false, "error", message);
  }

  /** Leanplum's warning element: {@code {"success":true,"warning":{"message":...}}}. */
  public static JsonObject warningElement(String message) {
    return element(true, "warning", message);
  }

  private static JsonObject element(boolean success, String field, String message) {
    JsonObject note = new JsonObject();
    note.addProperty("message", message);
    JsonObject element = new JsonObject();
    element.addProperty("success", success);
    element.add(field, note);
    return element;
  }

  /** The first element: the only one, but for a batch. */
  public JsonObject element() {
    return elements.get(0);
  }

  /** The body: the envelope around the elements. */
  public String body() {
    JsonArray response = new JsonArray();
    elements.forEach(response::add);
    JsonObject envelope = new JsonObject();
    envelope.add("response", response);
    return GSON.toJson(envelope);
  }
}
