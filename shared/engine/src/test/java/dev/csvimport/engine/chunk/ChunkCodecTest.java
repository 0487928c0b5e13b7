package dev.csvimport.engine.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParseException;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {

  /**
   * A chunk with every kind of row and value; its maps keep their order, so its bytes are always
   * the same.
   */
  static Chunk everyKindOfRow() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("name", "Ann \"A\" Lee\n😀");
    attributes.put("zip", "02134");
    attributes.put("age", 34L);
    attributes.put("big", Long.MAX_VALUE);
    attributes.put("score", 5.0);
    attributes.put("tiny", 1e-300);
    attributes.put("vip", true);
    attributes.put("tags", List.of("a", "b"));
    attributes.put("born", Instant.parse("1990-12-24T08:30:00.123Z"));
    attributes.put("gone", Removal.REMOVE);
    UserUpdate user =
        new UserUpdate(
            "u1",
            attributes,
            Map.of("set", List.of("x", 2L)),
            Map.of("set", List.of("y")),
            Map.of("logins", -3L),
            Map.of(
                "Buy",
                EventHistory.EMPTY
                    .with("count", 2L)
                    .with("valueIncrement", 1.5)
                    .with("firstTime", Instant.ofEpochSecond(1))
                    .with("lastTime", Instant.ofEpochSecond(2))),
            Instant.ofEpochSecond(1_500_000_000),
            Instant.ofEpochMilli(1_690_000_000_250L));
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("qty", 2L);
    params.put("gift", false);
    TrackedEvent track =
        new TrackedEvent(
            "u2",
            "Add to cart",
            Instant.ofEpochSecond(1_763_800_000),
            19.99,
            "USD",
            "info",
            params);
    TrackedEvent bare =
        new TrackedEvent("u2", "Open", Instant.ofEpochSecond(1), null, null, null, Map.of());
    Map<String, Object> deviceFields = new LinkedHashMap<>();
    deviceFields.put("locale", "en");
    deviceFields.put("iosPushToken", Removal.REMOVE);
    DeviceUpdate device = new DeviceUpdate("u3", "d3", deviceFields);
    List<RowResult> rows =
        List.of(
            RowResult.success(1, 2, user, List.of()),
            RowResult.success(2, 3, track, List.of(new RowProblem("time", "1", "old"))),
            RowResult.success(3, 4, bare, List.of()),
            RowResult.success(4, 7, device, List.of()),
            RowResult.failure(5, 8, null, RowProblem.ofRow("no userId")),
            RowResult.failure(
                6, 9, "u6", new RowProblem("Age<int>", "x", "'x' is not a whole number")));
    return new Chunk(3, 17, 2, rows);
  }

  @Test
  void everyKindOfRowRoundTrips() {
    Chunk chunk = everyKindOfRow();
    assertEquals(chunk, ChunkCodec.decode(ChunkCodec.encode(chunk)));
  }

  /**
   * The wire format is pinned: chunks written by an earlier deploy wait in Firestore and in
   * Pub/Sub. The golden files hold a chunk as each version wrote it; a change to the format adds a
   * version and a file, and never edits one.
   */
  @Test
  void theWireFormatIsPinnedAndThePreviousVersionIsStillRead() throws Exception {
    Chunk chunk = everyKindOfRow();
    byte[] v2 = golden("every-kind-of-row.v2.json");
    assertEquals(
        new String(v2, StandardCharsets.UTF_8),
        new String(ChunkCodec.encode(chunk), StandardCharsets.UTF_8),
        "the codec writes version 2 byte for byte");
    assertEquals(chunk, ChunkCodec.decode(v2));
    assertEquals(
        chunk, ChunkCodec.decode(golden("every-kind-of-row.v1.json")), "version 1 is still read");
  }

  @Test
  void aVersionItDoesNotKnowIsRefusedWithItsNumber() {
    JsonParseException refused =
        assertThrows(
            JsonParseException.class,
            () ->
                ChunkCodec.decode(
                    "{\"v\":3,\"p\":0,\"s\":0,\"g\":0,\"rows\":[]}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(refused.getMessage().contains("version 3"), refused.getMessage());
  }

  private static byte[] golden(String name) throws Exception {
    try (InputStream in = ChunkCodecTest.class.getResourceAsStream("/chunks/" + name)) {
      assertNotNull(in, "golden file " + name);
      return in.readAllBytes();
    }
  }

  @Test
  void refusesWhatIsNotAChunk() {
    assertThrows(
        JsonParseException.class, () -> ChunkCodec.decode("{}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        JsonParseException.class, () -> ChunkCodec.decode("[1]".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        JsonParseException.class,
        () ->
            ChunkCodec.decode(
                "{\"p\":1,\"s\":0,\"g\":0,\"rows\":[{\"r\":1}]}".getBytes(StandardCharsets.UTF_8)));
  }
}
