package dev.csvimport.report;

import com.google.gson.JsonObject;

/** Leanplum's error element: {@code {"success":false,"error":{"message":...}}}. */
public final class ApiErrors {

  private ApiErrors() {}

  public static JsonObject body(String message) {
    JsonObject error = new JsonObject();
    error.addProperty("message", message);
    JsonObject answer = new JsonObject();
    answer.addProperty("success", false);
    answer.add("error", error);
    return answer;
  }
}
