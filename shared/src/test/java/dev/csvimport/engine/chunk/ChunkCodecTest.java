package dev.csvimport.engine.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParseException;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {

  @Test
  void everyKindOfRowRoundTrips() {
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
    UserUpdate user = new UserUpdate("u1", attributes, Map.of("set", List.of("x", 2L)), Map.of("set", List.of("y")),
        Map.of("logins", -3L), Map.of("Buy", EventHistory.EMPTY.with("count", 2L).with("valueIncrement", 1.5)
            .with("firstTime", Instant.ofEpochSecond(1)).with("lastTime", Instant.ofEpochSecond(2))),
        Instant.ofEpochSecond(1_500_000_000), Instant.ofEpochMilli(1_690_000_000_250L));
    TrackedEvent track = new TrackedEvent("u2", "Add to cart", Instant.ofEpochSecond(1_763_800_000), 19.99, "USD",
        "info", Map.of("qty", 2L, "gift", false));
    TrackedEvent bare = new TrackedEvent("u2", "Open", Instant.ofEpochSecond(1), null, null, null, Map.of());
    DeviceUpdate device = new DeviceUpdate("u3", "d3", Map.of("locale", "en", "iosPushToken", Removal.REMOVE));
    List<RowResult> rows = List.of(
        RowResult.success(1, 2, user, List.of()),
        RowResult.success(2, 3, track, List.of(new RowProblem("time", "1", "old"))),
        RowResult.success(3, 4, bare, List.of()),
        RowResult.success(4, 7, device, List.of()),
        RowResult.failure(5, 8, null, RowProblem.ofRow("no userId")),
        RowResult.failure(6, 9, "u6", new RowProblem("Age<int>", "x", "'x' is not a whole number")));
    Chunk chunk = new Chunk(3, 17, 2, rows);

    assertEquals(chunk, ChunkCodec.decode(ChunkCodec.encode(chunk)));
  }

  @Test
  void refusesWhatIsNotAChunk() {
    assertThrows(JsonParseException.class, () -> ChunkCodec.decode("{}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(JsonParseException.class, () -> ChunkCodec.decode("[1]".getBytes(StandardCharsets.UTF_8)));
    assertThrows(JsonParseException.class, () -> ChunkCodec.decode("{\"p\":1,\"s\":0,\"g\":0,\"rows\":[{\"r\":1}]}"
        .getBytes(StandardCharsets.UTF_8)));
  }
}
