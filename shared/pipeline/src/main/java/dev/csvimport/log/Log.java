package dev.csvimport.log;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured logs: one JSON object per line on standard output, which Cloud Logging reads as a
 * LogEntry ({@code severity}, {@code message}, {@code time}, {@code logging.googleapis.com/trace},
 * and the other fields as its jsonPayload). An error carries its cause's whole stack trace in
 * {@code stack_trace}, and one without a cause is marked as a ReportedErrorEvent, so that Error
 * Reporting groups both.
 */
public final class Log {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /**
   * The field Cloud Logging reads as the entry's trace, linking it to the request's trace in Cloud
   * Trace.
   */
  public static final String TRACE = "logging.googleapis.com/trace";

  static final String REPORTED_ERROR_EVENT =
      "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent";
  private static volatile PrintStream out = System.out;

  private final String component;

  private Log(String component) {
    this.component = component;
  }

  public static Log of(Class<?> type) {
    return new Log(type.getSimpleName());
  }

  /**
   * Where lines go; the local runner sends them to standard error, so standard output stays the
   * answer.
   */
  public static void writeTo(PrintStream stream) {
    out = stream;
  }

  public void info(String message, Object... fields) {
    write("INFO", message, null, fields);
  }

  public void warn(String message, Object... fields) {
    write("WARNING", message, null, fields);
  }

  public void error(String message, Throwable cause, Object... fields) {
    write("ERROR", message, cause, fields);
  }

  /**
   * The trace of a request, as {@link #TRACE} wants it, from its {@code X-Cloud-Trace-Context}
   * header ({@code TRACE_ID/SPAN_ID;o=1}); null without a header or a project.
   */
  public static String trace(String projectId, String traceContext) {
    if (projectId == null || projectId.isEmpty() || traceContext == null) {
      return null;
    }
    String traceId = traceContext.split("[/;]", 2)[0];
    return traceId.matches("[0-9a-fA-F]{1,32}")
        ? "projects/" + projectId + "/traces/" + traceId
        : null;
  }

  private static String stackTrace(Throwable cause) {
    StringWriter trace = new StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  /**
   * @param fields alternating names and values, e.g. {@code "jobId", id, "rows", 12}
   */
  private void write(String severity, String message, Throwable cause, Object... fields) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("severity", severity);
    entry.put("message", message);
    entry.put("time", Instant.now().toString());
    entry.put("component", component);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i + 1] != null) {
        entry.put(String.valueOf(fields[i]), fields[i + 1]);
      }
    }
    if (cause != null) {
      entry.put("error", cause.getClass().getName() + ": " + cause.getMessage());
      entry.put("stack_trace", stackTrace(cause));
    } else if (severity.equals("ERROR")) {
      entry.put("@type", REPORTED_ERROR_EVENT);
    }
    String line = GSON.toJson(entry);
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(line);
    }
  }
}
