package dev.csvimport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.read.FileFailure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generative: a file read with a column mapping gives the chunks, counts and file failures of the
 * same file with its header rewritten by hand to what the mapping says.
 */
class ColumnMappingTest {

  private static final ChunkLimits LIMITS = new ChunkLimits(3, 4, 4096, 7);
  private static final ImportOptions OPTIONS =
      new ImportOptions("setUserAttributes", Instant.parse("2025-11-22T12:00:00Z"));

  private static String read(byte[] file, ImportOptions options) throws Exception {
    List<String> chunks = new ArrayList<>();
    try {
      ImportSummary summary =
          new ImportReader(LIMITS)
              .read(
                  new ByteArrayInputStream(file),
                  options,
                  chunk -> chunks.add(new String(chunk.payload(), StandardCharsets.UTF_8)));
      return chunks
          + " "
          + summary.rows()
          + "/"
          + summary.failedRows()
          + "/"
          + Arrays.toString(summary.chunksPerPartition());
    } catch (FileFailure failure) {
      return "file failure: " + failure.getMessage();
    }
  }

  @Test
  void aMappedFileReadsAsItsHeaderRewrittenByHand() throws Exception {
    Random random = new Random(20261207L);
    int refused = 0;
    for (int i = 0; i < 2000; i++) {
      List<List<String>> rewritten = FileTwinsTest.randomRecords(random);
      List<String> target = rewritten.get(0);
      List<String> exported = new ArrayList<>(target);
      Map<String, String> mapping = new LinkedHashMap<>();
      for (int c = 0; c < target.size(); c++) {
        if (random.nextInt(3) > 0) {
          String name = random.nextInt(5) == 0 ? "#ignored" + c : target.get(c);
          String export = "Export column " + c;
          exported.set(c, export);
          mapping.put(export, name);
          if (name.startsWith("#")) {
            target.set(c, name);
          }
        }
      }
      List<List<String>> export = new ArrayList<>(rewritten);
      export.set(0, exported);
      String byHand = read(FileTwinsTest.written(rewritten, ','), OPTIONS);
      String mapped =
          read(FileTwinsTest.written(export, ','), OPTIONS.withMapping(new ColumnMapping(mapping)));
      assertEquals(byHand, mapped, "file " + i + ", mapping " + mapping);
      if (byHand.startsWith("file failure")) {
        refused++;
      }
    }
    assertTrue(refused > 20 && refused < 1900, refused + " of 2000 refused");
  }

  @Test
  void aMappingOfAColumnTheFileDoesNotHaveIsRefused() {
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () ->
                new ColumnMapping(Map.of("E-mail", "email", "customer_id", "userId"))
                    .apply(List.of("customer_id", "Plan")));
    assertEquals(
        "the column mapping names 'E-mail', which is not a column of the file's header: map the"
            + " columns as the file names them",
        failure.getMessage());
  }

  @Test
  void aMappingWithoutAUserKeyOrWithAColumnTwiceIsRefusedByTheHeadersRules() {
    byte[] file = "customer_id,E-mail\nc1,a@b.co\n".getBytes(StandardCharsets.UTF_8);
    FileFailure noKey =
        assertThrows(
            FileFailure.class,
            () ->
                new ImportReader(LIMITS)
                    .check(
                        new ByteArrayInputStream(file),
                        OPTIONS.withMapping(new ColumnMapping(Map.of("E-mail", "email")))));
    assertTrue(noKey.getMessage().contains("no user-key column"), noKey.getMessage());
    FileFailure twice =
        assertThrows(
            FileFailure.class,
            () ->
                new ImportReader(LIMITS)
                    .check(
                        new ByteArrayInputStream(file),
                        OPTIONS.withMapping(
                            new ColumnMapping(
                                Map.of("customer_id", "userId", "E-mail", "userId")))));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
  }
}
