package dev.csvimport.api;

import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.job.CreateDisposition;
import java.util.Map;

/** A call's parameters, with the checks that several actions share. */
public final class Params {

  private final ApiRequest request;

  public Params(ApiRequest request) {
    this.request = request;
  }

  /** The parameter's value, or null when it is missing or empty. */
  public String get(String name) {
    return request.parameter(name);
  }

  public String getOr(String name, String otherwise) {
    String value = request.parameter(name);
    return value == null ? otherwise : value;
  }

  public String required(String name) throws ApiError {
    return request.required(name);
  }

  /** Whether the parameter says {@code true} (in any case). */
  public boolean flag(String name) {
    return "true".equalsIgnoreCase(request.parameter(name));
  }

  /** Every parameter as sent. */
  public Map<String, String> all() {
    return request.parameters();
  }

  /** The id the server gave this call. */
  public String callId() {
    return request.requestId();
  }

  /** The file's default action, checked to be one the engine knows, or null when none is given. */
  public String defaultAction() throws ApiError {
    String defaultAction = request.parameter("defaultAction");
    if (defaultAction != null && Action.fromApiName(defaultAction).isEmpty()) {
      throw new ApiError(
          400, "unknown defaultAction '" + defaultAction + "': use " + Action.supportedNames());
    }
    return defaultAction;
  }

  /**
   * The delimiter the call names (comma, semicolon, tab, pipe, or the character itself), or null
   * when none is given: the file's header line then tells it.
   */
  public Delimiter delimiter() throws ApiError {
    String name = request.parameter("delimiter");
    if (name == null) {
      return null;
    }
    return Delimiter.named(name)
        .orElseThrow(
            () ->
                new ApiError(
                    400, "unknown delimiter '" + name + "': use one of " + Delimiter.names()));
  }

  /** The import's createDisposition, checked, or null when none is given (CreateIfNeeded). */
  public String createDisposition() throws ApiError {
    String name = request.parameter("createDisposition");
    if (name != null && CreateDisposition.named(name).isEmpty()) {
      throw new ApiError(400, CreateDisposition.refusal());
    }
    return name;
  }

  /**
   * Whether the import is a dry run: {@code dryRun} true or false (in any case), false when it is
   * not given.
   */
  public boolean dryRun() throws ApiError {
    String value = request.parameter("dryRun");
    if (value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new ApiError(400, "dryRun must be true or false");
    }
    return "true".equalsIgnoreCase(value);
  }

  /**
   * The import's column mapping, checked, as JSON ({@link ColumnMapping#toJson}), or null when none
   * is given.
   */
  public String mapping() throws ApiError {
    try {
      return ColumnMapping.fromJson(request.parameter("mapping")).toJson();
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  /** A whole number from {@code min} to {@code max}, or {@code otherwise} when none is given. */
  public int wholeNumber(String name, int otherwise, int min, int max) throws ApiError {
    String text = request.parameter(name);
    if (text == null) {
      return otherwise;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Refused below.
    }
    throw new ApiError(400, name + " must be a whole number from " + min + " to " + max);
  }
}
