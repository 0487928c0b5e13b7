package dev.csvimport.engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The lines of a results file: one JSON object per failed or warned row, in row order, with {@link
 * #FIELDS}.
 */
public final class ResultLines {

  private static final Gson GSON =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  /** The fields of a line, in the order a person reads them. */
  public static final List<String> FIELDS =
      List.of("row", "line", "userId", "status", "column", "value", "message");

  public static final String FAILED = "failed";
  public static final String WARNING = "warning";

  private ResultLines() {}

  /** The line of a row: {@link #FAILED} or {@link #WARNING}, with what is wrong. */
  public static Map<String, Object> of(RowResult row, String status, RowProblem problem) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("row", row.row());
    line.put("line", row.line());
    line.put("userId", row.userId());
    line.put("status", status);
    line.put("column", problem.column());
    line.put("value", problem.value());
    line.put("message", problem.message());
    return line;
  }

  /** A line as it is written: its {@link #FIELDS}, in order, as JSON. */
  public static String toJson(Map<String, ?> line) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    FIELDS.forEach(field -> ordered.put(field, line.get(field)));
    return GSON.toJson(ordered);
  }

  /** The failed rows of a results file's lines, in their order, read a line at a time. */
  public static Iterator<FailedRows.Failure> failures(BufferedReader lines) {
    return new Iterator<>() {
      private FailedRows.Failure next;

      @Override
      public boolean hasNext() {
        try {
          String line;
          while (next == null && (line = lines.readLine()) != null) {
            if (!line.isEmpty()) {
              JsonObject result = JsonParser.parseString(line).getAsJsonObject();
              if (FAILED.equals(result.get("status").getAsString())) {
                next =
                    new FailedRows.Failure(
                        result.get("row").getAsLong(),
                        text(result, "column"),
                        text(result, "message"));
              }
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return next != null;
      }

      @Override
      public FailedRows.Failure next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        FailedRows.Failure failure = next;
        next = null;
        return failure;
      }
    };
  }

  private static String text(JsonObject result, String field) {
    JsonElement value = result.get(field);
    return value == null || value.isJsonNull() ? null : value.getAsString();
  }
}
