package dev.csvimport.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.Preview;
import dev.csvimport.engine.check.Column;
import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.check.HeaderParser;
import dev.csvimport.engine.check.MappingProposal;
import dev.csvimport.engine.check.ValueType;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.Action;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.FileFailure;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The preview action: the first part of a file, run through the same engine as an import, before a
 * byte is uploaded. A file's first part usually ends inside a row: that cut-off row is left out,
 * not reported as an error.
 */
final class FilePreview {

  /** The most of a file the page sends. */
  static final int MAX_BYTES = 256 * 1024;

  /** Rows shown, as on CleverTap's upload page. */
  static final int ROWS = 15;

  private FilePreview() {}

  /**
   * @param csv the file's first bytes
   * @param partial whether the file goes on after them
   */
  static JsonObject answer(byte[] csv, boolean partial, String defaultAction, Instant now) {
    return answer(csv, partial, defaultAction, null, ColumnMapping.NONE, now);
  }

  /**
   * @param delimiter what separates the cells; null to tell it from the header line
   * @param mapping what the columns are read as
   */
  static JsonObject answer(
      byte[] csv,
      boolean partial,
      String defaultAction,
      Delimiter delimiter,
      ColumnMapping mapping,
      Instant now) {
    JsonObject answer = new JsonObject();
    answer.addProperty("success", true);
    byte[] whole = partial ? completeLines(csv) : csv;
    ImportOptions options =
        new ImportOptions(defaultAction, now).withDelimiter(delimiter).withMapping(mapping);
    answer.add("types", strings(ValueType.declarations()));
    answer.add("deviceFields", strings(HeaderParser.DEVICE_ARGUMENTS));
    try {
      List<String> fileHeader = ImportReader.fileHeader(new ByteArrayInputStream(whole), options);
      answer.add("fileHeader", strings(fileHeader));
      JsonObject proposed = new JsonObject();
      MappingProposal.of(fileHeader, Action.fromApiName(defaultAction).orElse(null))
          .headers()
          .forEach(proposed::addProperty);
      answer.add("proposedMapping", proposed);
    } catch (FileFailure failure) {
      answer.add("fileHeader", new JsonArray());
      answer.add("proposedMapping", new JsonObject());
    }
    try {
      Preview preview =
          new ImportReader(ChunkLimits.DEFAULT)
              .preview(new ByteArrayInputStream(whole), options, ROWS);
      answer.add("columns", columns(preview.columns()));
      JsonArray rows = new JsonArray();
      preview.rows().forEach(row -> rows.add(row(row)));
      answer.add("rows", rows);
      answer.addProperty("rowsInPart", preview.rowsRead());
      answer.addProperty("partial", partial);
      answer.add("fileFailure", JsonNull.INSTANCE);
    } catch (FileFailure failure) {
      answer.add("columns", new JsonArray());
      answer.add("rows", new JsonArray());
      answer.addProperty("fileFailure", failure.getMessage());
    }
    return answer;
  }

  /** The bytes up to the last line break: what follows is a row the slice cut off. */
  private static byte[] completeLines(byte[] csv) {
    for (int i = csv.length - 1; i >= 0; i--) {
      if (csv[i] == '\n') {
        return Arrays.copyOf(csv, i + 1);
      }
    }
    return csv;
  }

  private static JsonArray strings(List<String> values) {
    JsonArray all = new JsonArray();
    values.forEach(all::add);
    return all;
  }

  private static JsonArray columns(List<Column> columns) {
    JsonArray all = new JsonArray();
    for (Column column : columns) {
      JsonObject shown = new JsonObject();
      shown.addProperty("header", column.header());
      shown.addProperty("meaning", Preview.meaning(column));
      all.add(shown);
    }
    return all;
  }

  private static JsonObject row(Preview.Row row) {
    RowResult result = row.result();
    JsonObject shown = new JsonObject();
    shown.addProperty("row", result.row());
    shown.addProperty("line", result.line());
    shown.addProperty("userId", result.userId());
    shown.addProperty(
        "status", !result.succeeded() ? "failed" : result.warnings().isEmpty() ? "ok" : "warning");
    JsonArray values = new JsonArray();
    row.values().forEach(value -> values.add(value(value)));
    shown.add("values", values);
    JsonArray cells = new JsonArray();
    row.cells().forEach(cells::add);
    shown.add("cells", cells);
    shown.add(
        "problem",
        problem(
            result.succeeded()
                ? (result.warnings().isEmpty() ? null : result.warnings().get(0))
                : result.failure()));
    return shown;
  }

  private static JsonElement problem(RowProblem problem) {
    if (problem == null) {
      return JsonNull.INSTANCE;
    }
    JsonObject shown = new JsonObject();
    shown.addProperty("column", problem.column());
    shown.addProperty("value", problem.value());
    shown.addProperty("message", problem.message());
    return shown;
  }

  /**
   * A value with its type, so the page can show {@code 34 (int)} apart from {@code "34"}; null
   * leaves it unchanged.
   */
  private static JsonElement value(Object value) {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    JsonObject typed = new JsonObject();
    if (value == Removal.REMOVE) {
      typed.addProperty("type", "remove");
      return typed;
    }
    String type =
        value instanceof Long
            ? "int"
            : value instanceof Double
                ? "float"
                : value instanceof Boolean
                    ? "bool"
                    : value instanceof List ? "list" : value instanceof Instant ? "time" : "text";
    typed.addProperty("type", type);
    typed.add(
        "value",
        value instanceof Instant time ? new JsonPrimitive(time.toString()) : Answers.json(value));
    return typed;
  }
}
