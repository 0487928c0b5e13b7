package dev.csvimport.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.chunk.ChunkLimits;
import dev.csvimport.engine.operation.RowProblem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExcerptTest {

  @Test
  void shortTextStaysLongTextIsCutWithItsLength() {
    assertNull(Excerpt.of(null));
    assertEquals("abc", Excerpt.of("abc"));
    String cut = Excerpt.of("x".repeat(10_000_000));
    assertEquals("x".repeat(200) + "…[cut: 10000000 characters in all]", cut);
    assertEquals(cut, Excerpt.of(cut), "an excerpt is not cut again");
    assertEquals("'" + cut + "'", Excerpt.quote("x".repeat(10_000_000)));
  }

  @Test
  void neverCutsASurrogatePairInTwo() {
    String cut = Excerpt.of("a".repeat(199) + "😀".repeat(10));
    assertTrue(cut.startsWith("a".repeat(199) + "…"), cut);
  }

  @Test
  void aHugeValueOrHeaderGivesAMessageOfReadableSize() {
    RowProblem problem =
        new RowProblem("c".repeat(5_000_000), "v".repeat(5_000_000), "m".repeat(5_000_000));
    assertTrue(
        problem.column().length() < 300 && problem.value().length() < 300, "column and value cut");
    assertTrue(problem.message().length() < 2100, "message cut");

    byte[] csv =
        ("userId,Plan" + "x".repeat(10_000_000) + "<nope>\nu1,a\n")
            .getBytes(StandardCharsets.UTF_8);
    FileFailure failure =
        assertThrows(
            FileFailure.class,
            () ->
                new ImportReader(ChunkLimits.DEFAULT)
                    .check(new ByteArrayInputStream(csv), new ImportOptions(null, Instant.EPOCH)));
    assertTrue(failure.getMessage().length() < 2100, failure.getMessage().length() + " characters");
    assertTrue(failure.getMessage().contains("characters in all]"), failure.getMessage());
  }
}
