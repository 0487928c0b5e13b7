package dev.csvimport.engine.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.csvimport.engine.ImportOptions;
import dev.csvimport.engine.ImportReader;
import dev.csvimport.engine.ImportSummary;
import dev.csvimport.engine.operation.RowResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkingTest {

  private static final ImportOptions OPTIONS =
      new ImportOptions("setUserAttributes", Instant.parse("2025-11-22T12:00:00Z"));

  /** 1,000 rows about 37 users, each row numbered in an attribute. */
  private static byte[] file(int rows, int users, int padding) {
    StringBuilder csv = new StringBuilder("userId,Seq<int>,Pad\n");
    for (int i = 1; i <= rows; i++) {
      csv.append("user-")
          .append(i % users)
          .append(',')
          .append(i)
          .append(',')
          .append("p".repeat(padding))
          .append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<EncodedChunk> chunks(byte[] csv, ChunkLimits limits, ImportOptions options)
      throws Exception {
    List<EncodedChunk> chunks = new ArrayList<>();
    new ImportReader(limits).read(new ByteArrayInputStream(csv), options, chunks::add);
    return chunks;
  }

  /** A job uses one partition per chunk its rows fill, up to the deployment's limit. */
  @Test
  void partitionsAreSizedForTheRows() {
    ChunkLimits deployment = new ChunkLimits(100, 200, 512 * 1024, 50_000);
    assertEquals(1, deployment.sizedFor(0).partitions());
    assertEquals(1, deployment.sizedFor(5).partitions());
    assertEquals(1, deployment.sizedFor(200).partitions());
    assertEquals(2, deployment.sizedFor(201).partitions());
    assertEquals(50, deployment.sizedFor(10_000).partitions());
    assertEquals(100, deployment.sizedFor(50_000_000L).partitions());
    assertEquals(
        new ChunkLimits(1, 200, 512 * 1024, 50_000),
        deployment.sizedFor(5),
        "only the partitions change");
  }

  @Test
  void rowsOfOneUserStayInOnePartitionInFileOrder() throws Exception {
    List<EncodedChunk> chunks =
        chunks(file(1000, 37, 0), new ChunkLimits(8, 10, 1 << 20, 100), OPTIONS);
    Map<String, Integer> partitionOfUser = new HashMap<>();
    Map<String, Long> lastRowOfUser = new HashMap<>();
    int[] expectedSequence = new int[8];
    for (EncodedChunk encoded : chunks) {
      Chunk chunk = ChunkCodec.decode(encoded.payload());
      assertEquals(
          expectedSequence[chunk.partition()]++,
          chunk.sequence(),
          "sequences count up per partition");
      for (RowResult row : chunk.rows()) {
        assertEquals(
            chunk.partition(),
            partitionOfUser.computeIfAbsent(row.userId(), u -> chunk.partition()));
        Long previous = lastRowOfUser.put(row.userId(), row.row());
        assertTrue(previous == null || previous < row.row(), "a user's rows arrive in file order");
      }
    }
    assertEquals(1000, chunks.stream().mapToInt(EncodedChunk::rowCount).sum());
  }

  @Test
  void chunksAreBoundedByRowsAndBytes() throws Exception {
    ChunkLimits limits = new ChunkLimits(2, 7, 4096, 1000);
    for (EncodedChunk chunk : chunks(file(500, 5, 300), limits, OPTIONS)) {
      assertTrue(chunk.rowCount() <= 7);
      assertTrue(chunk.payload().length <= 4096, "chunk of " + chunk.payload().length + " bytes");
      assertEquals(chunk.rowCount(), ChunkCodec.decode(chunk.payload()).rows().size());
    }
    boolean cutByBytes =
        chunks(file(500, 5, 1000), limits, OPTIONS).stream()
            .anyMatch(c -> c.rowCount() < 7 && c.payload().length > 2048);
    assertTrue(cutByBytes, "large rows close chunks before the row limit");
  }

  @Test
  void aRowTooLargeForAnyChunkFailsAlone() throws Exception {
    byte[] csv =
        ("userId,Bio\nu1,short\nu2," + "x".repeat(5000) + "\nu3,short\n")
            .getBytes(StandardCharsets.UTF_8);
    List<RowResult> rows = new ArrayList<>();
    for (EncodedChunk chunk : chunks(csv, new ChunkLimits(1, 10, 2048, 100), OPTIONS)) {
      rows.addAll(ChunkCodec.decode(chunk.payload()).rows());
    }
    assertEquals(3, rows.size());
    assertTrue(rows.get(0).succeeded());
    assertFalse(rows.get(1).succeeded());
    assertTrue(
        rows.get(1).failure().message().contains("at most"), rows.get(1).failure().message());
    assertTrue(rows.get(2).succeeded());
  }

  @Test
  void theSameFileAlwaysGivesTheSameChunks() throws Exception {
    ChunkLimits limits = new ChunkLimits(4, 9, 1 << 20, 50);
    List<EncodedChunk> first = chunks(file(777, 13, 3), limits, OPTIONS);
    List<EncodedChunk> second = chunks(file(777, 13, 3), limits, OPTIONS);
    assertEquals(first.size(), second.size());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i).payload(), second.get(i).payload());
    }
  }

  @Test
  void aResumeEmitsExactlyTheChunksOfTheRemainingSegments() throws Exception {
    ChunkLimits limits = new ChunkLimits(4, 9, 1 << 20, 50);
    byte[] csv = file(777, 13, 3);
    List<EncodedChunk> all = chunks(csv, limits, OPTIONS);
    List<EncodedChunk> resumed = chunks(csv, limits, OPTIONS.resumingAt(6));
    List<EncodedChunk> expected = all.stream().filter(c -> c.segment() >= 6).toList();
    assertEquals(expected.size(), resumed.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).partition(), resumed.get(i).partition());
      assertEquals(expected.get(i).sequence(), resumed.get(i).sequence());
      assertArrayEquals(expected.get(i).payload(), resumed.get(i).payload());
    }
  }

  @Test
  void theSummaryCountsChunksPerPartitionAndSegments() throws Exception {
    ChunkLimits limits = new ChunkLimits(4, 9, 1 << 20, 50);
    List<EncodedChunk> chunks = new ArrayList<>();
    ImportSummary summary =
        new ImportReader(limits)
            .read(new ByteArrayInputStream(file(777, 13, 3)), OPTIONS, chunks::add);
    int[] perPartition = new int[4];
    chunks.forEach(c -> perPartition[c.partition()]++);
    assertArrayEquals(perPartition, summary.chunksPerPartition());
    assertEquals(16, summary.segments());
    assertEquals(777, summary.rows());
  }

  @Test
  void partitionsAreSpreadAndStable() {
    int[] counts = new int[16];
    for (int i = 0; i < 16_000; i++) {
      counts[Partitions.of("user-" + i, 16)]++;
    }
    for (int count : counts) {
      assertTrue(
          count > 800 && count < 1200, "partition sizes " + java.util.Arrays.toString(counts));
    }
    assertEquals(Partitions.of("user-42", 16), Partitions.of("user-42", 16));
  }
}
