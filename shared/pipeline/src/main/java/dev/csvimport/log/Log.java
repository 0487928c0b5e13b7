package dev.csvimport.log;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured logs: one JSON object per line on standard output, which Cloud Logging reads as a LogEntry
 * ({@code severity}, {@code message}, {@code time}, and the other fields as its jsonPayload).
 */
public final class Log {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static volatile PrintStream out = System.out;

  private final String component;

  private Log(String component) {
    this.component = component;
  }

  public static Log of(Class<?> type) {
    return new Log(type.getSimpleName());
  }

  /** Where lines go; the local runner sends them to standard error, so standard output stays the answer. */
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

  /** @param fields alternating names and values, e.g. {@code "jobId", id, "rows", 12} */
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
    }
    String line = GSON.toJson(entry);
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(line);
    }
  }
}
