package dev.csvimport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.csvimport.engine.chunk.ChunkCodec;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.read.FileFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of {@code test-data/engine} against the outcome written beside it ({@code
 * <name>.json}: "given" is the import's options, "expect" the file failure or every row's operation
 * or failure). Run with {@code -Dcsvimport.updateCorpus=true} to rewrite "expect" after a
 * deliberate change, then review the diff.
 */
class CorpusTest {

  static final Path CORPUS = Path.of("..", "..", "test-data", "engine");
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
  // Small chunks, so the corpus also exercises chunk boundaries and the codec.
  private static final ChunkLimits LIMITS = new ChunkLimits(4, 2, 4096, 5);

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".csv"))
          .sorted()
          .map(n -> n.substring(0, n.length() - 4))
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fileEndsAsWrittenBesideIt(String name) throws Exception {
    Path expectedFile = CORPUS.resolve(name + ".json");
    JsonObject described = GSON.fromJson(Files.readString(expectedFile), JsonObject.class);
    JsonObject given = described.getAsJsonObject("given");
    ImportOptions options =
        new ImportOptions(
            given.has("defaultAction") ? given.get("defaultAction").getAsString() : null,
            Instant.parse(given.get("importTime").getAsString()));

    JsonObject actual = outcome(CORPUS.resolve(name + ".csv"), options);

    if (Boolean.getBoolean("csvimport.updateCorpus")) {
      described.add("expect", actual);
      Files.writeString(expectedFile, GSON.toJson(described) + "\n");
    }
    assertTrue(described.has("expect"), name + ".json has no expected outcome");
    assertEquals(GSON.toJson(described.get("expect")), GSON.toJson(actual));
  }

  static JsonObject outcome(Path csv, ImportOptions options) throws Exception {
    ImportReader reader = new ImportReader(LIMITS);
    JsonObject outcome = new JsonObject();
    try (InputStream in = Files.newInputStream(csv)) {
      reader.check(in, options);
    } catch (FileFailure failure) {
      outcome.addProperty("fileFailure", failure.getMessage());
      return outcome;
    }
    List<RowResult> rows = new ArrayList<>();
    ImportSummary summary;
    try (InputStream in = Files.newInputStream(csv)) {
      summary =
          reader.read(in, options, chunk -> rows.addAll(ChunkCodec.decode(chunk.payload()).rows()));
    }
    rows.sort(Comparator.comparingLong(RowResult::row));
    assertEquals(summary.rows(), rows.size(), "every row travels in exactly one chunk");
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(
          i + 1, rows.get(i).row(), "rows are numbered 1.." + rows.size() + " without gaps");
    }
    assertEquals(summary.failedRows(), rows.stream().filter(r -> !r.succeeded()).count());
    JsonArray described = new JsonArray();
    rows.forEach(r -> described.add(RowDescription.of(r)));
    outcome.addProperty("rows", rows.size());
    outcome.addProperty("failed", summary.failedRows());
    outcome.add("results", described);
    return outcome;
  }
}
