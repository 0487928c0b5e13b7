package dev.csvimport.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Log lines are what Cloud Logging, Error Reporting and Cloud Trace read. */
class LogTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    Log.writeTo(System.out);
  }

  private JsonObject line(Runnable logging) {
    Log.writeTo(new PrintStream(out, true, StandardCharsets.UTF_8));
    logging.run();
    String text = out.toString(StandardCharsets.UTF_8).trim();
    assertFalse(text.contains("\n"), "one line: " + text);
    return JsonParser.parseString(text).getAsJsonObject();
  }

  @Test
  void anErrorWithACauseCarriesItsWholeStackTrace() {
    JsonObject entry =
        line(
            () ->
                Log.of(LogTest.class)
                    .error(
                        "request failed",
                        new IllegalStateException("boom", new RuntimeException("root")),
                        "requestId",
                        "r1"));
    assertEquals("ERROR", entry.get("severity").getAsString());
    assertEquals("request failed", entry.get("message").getAsString());
    String trace = entry.get("stack_trace").getAsString();
    assertTrue(
        trace.startsWith("java.lang.IllegalStateException: boom\n\tat dev.csvimport.log.LogTest"),
        trace);
    assertTrue(trace.contains("Caused by: java.lang.RuntimeException: root"), trace);
    assertFalse(entry.has("@type"));
  }

  @Test
  void anErrorWithoutACauseIsAReportedErrorEventAndOtherSeveritiesAreNot() {
    assertEquals(
        Log.REPORTED_ERROR_EVENT,
        line(() -> Log.of(LogTest.class).error("job failed", null, "jobId", "j"))
            .get("@type")
            .getAsString());
    out.reset();
    assertFalse(line(() -> Log.of(LogTest.class).warn("slow")).has("@type"));
  }

  @Test
  void aRequestsTraceComesFromItsTraceContextHeader() {
    assertEquals(
        "projects/p1/traces/105445aa7843bc8bf206b12000100000",
        Log.trace("p1", "105445aa7843bc8bf206b12000100000/1;o=1"));
    assertEquals("projects/p1/traces/abc", Log.trace("p1", "abc"));
    assertNull(Log.trace("", "abc"), "no project, no trace");
    assertNull(Log.trace("p1", null));
    assertNull(Log.trace("p1", "not a trace/1"));
    JsonObject entry =
        line(() -> Log.of(LogTest.class).info("api request", Log.TRACE, Log.trace("p1", "abc/2")));
    assertEquals("projects/p1/traces/abc", entry.get("logging.googleapis.com/trace").getAsString());
  }
}
