package dev.csvimport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.csvimport.engine.check.ColumnMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FilePreviewTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private static JsonObject preview(String csv, boolean partial) {
    return FilePreview.answer(
        csv.getBytes(StandardCharsets.UTF_8), partial, "setUserAttributes", NOW);
  }

  @Test
  void aHeaderWithoutAUserKeyStillShowsItsColumnsAndTheMappingThatWouldRead() {
    byte[] csv = "customer_id,E-mail,Plan\nu1,a@b.co,gold\n".getBytes(StandardCharsets.UTF_8);
    JsonObject refused = FilePreview.answer(csv, false, "setUserAttributes", NOW);
    assertTrue(refused.get("fileFailure").getAsString().contains("no user-key column"));
    assertEquals("[\"customer_id\",\"E-mail\",\"Plan\"]", refused.get("fileHeader").toString());
    assertEquals(
        "{\"E-mail\":\"email\",\"customer_id\":\"userId\"}",
        refused.get("proposedMapping").toString());
    assertTrue(refused.get("types").toString().contains("\"int\""));

    JsonObject mapped =
        FilePreview.answer(
            csv,
            false,
            "setUserAttributes",
            null,
            ColumnMapping.fromJson(refused.get("proposedMapping").toString()),
            NOW);
    assertTrue(mapped.get("fileFailure").isJsonNull());
    assertEquals(
        "[\"customer_id\",\"E-mail\",\"Plan\"]",
        mapped.get("fileHeader").toString(),
        "the file's own header, beside the columns as mapped");
    assertEquals(
        "user key",
        mapped.getAsJsonArray("columns").get(0).getAsJsonObject().get("meaning").getAsString());
    assertEquals(
        "email",
        mapped.getAsJsonArray("columns").get(1).getAsJsonObject().get("header").getAsString());
  }

  @Test
  void theRowAFilesFirstPartCutsOffIsLeftOutNotFailed() {
    JsonObject cut = preview("userId,Age<int>\nu1,34\nu2,3", true);
    assertEquals(1, cut.getAsJsonArray("rows").size());
    assertEquals(
        "ok", cut.getAsJsonArray("rows").get(0).getAsJsonObject().get("status").getAsString());
    JsonObject whole = preview("userId,Age<int>\nu1,34\nu2,3", false);
    assertEquals(2, whole.getAsJsonArray("rows").size());
  }

  @Test
  void showsWhatEachColumnMeansAndTypedValuesAndFailures() {
    JsonObject answer = preview("userId,Age<int>,Plan\nu1,34,null\nu2,x,gold\nu3,,\n", false);
    assertEquals(
        "attribute Age (int)",
        answer.getAsJsonArray("columns").get(1).getAsJsonObject().get("meaning").getAsString());
    JsonObject first = answer.getAsJsonArray("rows").get(0).getAsJsonObject();
    assertEquals(
        "int", first.getAsJsonArray("values").get(1).getAsJsonObject().get("type").getAsString());
    assertEquals(
        34, first.getAsJsonArray("values").get(1).getAsJsonObject().get("value").getAsInt());
    assertEquals(
        "remove",
        first.getAsJsonArray("values").get(2).getAsJsonObject().get("type").getAsString());
    JsonObject failed = answer.getAsJsonArray("rows").get(1).getAsJsonObject();
    assertEquals("failed", failed.get("status").getAsString());
    assertEquals(
        "'x' is not a whole number",
        failed.getAsJsonObject("problem").get("message").getAsString());
    assertEquals(
        "[\"u2\",\"x\",\"gold\"]",
        failed.getAsJsonArray("cells").toString(),
        "a failed row keeps its cells as written, for a person to see what to fix");
    assertTrue(
        answer
            .getAsJsonArray("rows")
            .get(2)
            .getAsJsonObject()
            .getAsJsonArray("values")
            .get(1)
            .isJsonNull(),
        "an empty cell leaves the value unchanged");
  }

  @Test
  void aFileLevelFailureIsShownBeforeAnyUpload() {
    JsonObject answer =
        FilePreview.answer(
            new byte[] {'u', 's', 'e', 'r', 'I', 'd', '\n', (byte) 0xC3, '(', '\n'},
            false,
            null,
            NOW);
    assertTrue(answer.get("fileFailure").getAsString().contains("UTF-8"), answer.toString());
    assertTrue(
        preview("userId,userId\nu1,u2\n", false)
            .get("fileFailure")
            .getAsString()
            .contains("twice"));
  }
}
