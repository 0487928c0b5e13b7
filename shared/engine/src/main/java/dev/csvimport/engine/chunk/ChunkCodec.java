package dev.csvimport.engine.chunk;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Fields;
import dev.csvimport.engine.operation.Operation;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The compact JSON form of a chunk, version {@value #VERSION}:
 *
 * <pre>{"v":2,"p":partition,"s":sequence,"g":segment,"rows":[row,...]}</pre>
 *
 * Chunks outlive a deploy (parked in Firestore, redelivered by Pub/Sub), so the decoder reads the
 * current version and the one before: version 1 is the same without {@code "v"}. A change to the
 * format raises the version, keeps reading the previous one, and adds its golden file to the
 * codec's test.
 *
 * <p>A row is {@code {"r":row,"l":line,"u":userId}} plus either {@code
 * "f":{"c":column,"v":value,"m":message}} or {@code "o":operation}, and {@code "w":[problem,...]}
 * when it has warnings. An operation is {@code {"k":"u"|"t"|"d", ...}} with short field names; a
 * time is epoch milliseconds; event history is {@code
 * {"<Event>":{"count":..,"lastTime":{"t":millis},..}}}; an attribute value is a JSON string, whole
 * number (Long), number with a point or exponent (Double), boolean, array, {@code {"t":millis}} (a
 * timestamp) or null (remove).
 */
public final class ChunkCodec {

  /** The version this codec writes. */
  public static final int VERSION = 2;

  /** The oldest version it still reads. */
  public static final int OLDEST_READ = 1;

  /** Bytes of the envelope around the rows, with room for the largest numbers. */
  static final int ENVELOPE_BYTES = 64;

  // The format's own names, encoded once.
  private static final JsonBytes.Name C_NAME = new JsonBytes.Name("c");
  static final JsonBytes.Name CC_NAME = new JsonBytes.Name("cc");
  private static final JsonBytes.Name D_NAME = new JsonBytes.Name("d");
  static final JsonBytes.Name E_NAME = new JsonBytes.Name("e");
  static final JsonBytes.Name EV_NAME = new JsonBytes.Name("ev");
  private static final JsonBytes.Name F_NAME = new JsonBytes.Name("f");
  static final JsonBytes.Name I_NAME = new JsonBytes.Name("i");
  static final JsonBytes.Name K_NAME = new JsonBytes.Name("k");
  private static final JsonBytes.Name L_NAME = new JsonBytes.Name("l");
  private static final JsonBytes.Name M_NAME = new JsonBytes.Name("m");
  private static final JsonBytes.Name O_NAME = new JsonBytes.Name("o");
  private static final JsonBytes.Name R_NAME = new JsonBytes.Name("r");
  static final JsonBytes.Name T_NAME = new JsonBytes.Name("t");
  private static final JsonBytes.Name U_NAME = new JsonBytes.Name("u");
  static final JsonBytes.Name V_NAME = new JsonBytes.Name("v");
  private static final JsonBytes.Name W_NAME = new JsonBytes.Name("w");
  static final JsonBytes.Name A_NAME = new JsonBytes.Name("a");
  static final JsonBytes.Name ADD_NAME = new JsonBytes.Name("add");
  static final JsonBytes.Name REM_NAME = new JsonBytes.Name("rem");
  static final JsonBytes.Name INC_NAME = new JsonBytes.Name("inc");
  static final JsonBytes.Name CR_NAME = new JsonBytes.Name("cr");
  static final JsonBytes.Name LA_NAME = new JsonBytes.Name("la");
  static final JsonBytes.Name P_NAME = new JsonBytes.Name("p");

  private ChunkCodec() {}

  public static byte[] encode(Chunk chunk) {
    JsonBytes rows = new JsonBytes();
    for (RowResult row : chunk.rows()) {
      // Comma-separated, as top-level values written one after another are.
      writeRow(rows, row);
    }
    return encode(chunk.partition(), chunk.sequence(), chunk.segment(), rows.bytes(), rows.size());
  }

  /**
   * The chunk from its rows as {@link #rowBytes} wrote them, comma-separated in {@code rows[0,
   * length)}, copied once into an array of the exact size.
   */
  static byte[] encode(int partition, int sequence, int segment, byte[] rows, int length) {
    byte[] head =
        ("{\"v\":"
                + VERSION
                + ",\"p\":"
                + partition
                + ",\"s\":"
                + sequence
                + ",\"g\":"
                + segment
                + ",\"rows\":[")
            .getBytes(StandardCharsets.UTF_8);
    byte[] chunk = new byte[head.length + length + 2];
    System.arraycopy(head, 0, chunk, 0, head.length);
    System.arraycopy(rows, 0, chunk, head.length, length);
    chunk[chunk.length - 2] = ']';
    chunk[chunk.length - 1] = '}';
    return chunk;
  }

  /** A row as UTF-8 JSON. */
  public static byte[] encodeRow(RowResult row) {
    return rowBytes(row).toByteArray();
  }

  /** A row as UTF-8 JSON in this thread's buffer, valid until the thread's next call. */
  static JsonBytes rowBytes(RowResult row) {
    JsonBytes out = BUFFER.get().reset();
    writeRow(out, row);
    return out;
  }

  private static final ThreadLocal<JsonBytes> BUFFER = ThreadLocal.withInitial(JsonBytes::new);
  private static final ThreadLocal<UserOperationWriter> USER_OPERATION =
      ThreadLocal.withInitial(UserOperationWriter::new);
  private static final ThreadLocal<TrackOperationWriter> TRACK_OPERATION =
      ThreadLocal.withInitial(TrackOperationWriter::new);

  /**
   * The row last told to {@code told}, as UTF-8 JSON in this thread's buffer (valid until the
   * thread's next call): the bytes {@link #rowBytes} writes for the same row made into a result.
   */
  static JsonBytes writtenRowBytes(long row, long line, RowWriter told) {
    JsonBytes out = BUFFER.get().reset();
    out.beginObject();
    out.name(R_NAME).value(row);
    out.name(L_NAME).value(line);
    out.name(U_NAME).value(told.userId());
    out.name(O_NAME);
    told.writeOperationTo(out);
    writeWarnings(out, told.warnings());
    out.endObject();
    return out;
  }

  private static void writeRow(JsonBytes out, RowResult row) {
    out.beginObject();
    out.name(R_NAME).value(row.row());
    out.name(L_NAME).value(row.line());
    if (row.userId() != null) {
      out.name(U_NAME).value(row.userId());
    }
    if (row.failure() != null) {
      out.name(F_NAME);
      writeProblem(out, row.failure());
    } else {
      out.name(O_NAME);
      writeOperation(out, row.operation());
    }
    writeWarnings(out, row.warnings());
    out.endObject();
  }

  private static void writeWarnings(JsonBytes out, List<RowProblem> warnings) {
    if (!warnings.isEmpty()) {
      out.name(W_NAME).beginArray();
      for (RowProblem warning : warnings) {
        writeProblem(out, warning);
      }
      out.endArray();
    }
  }

  /**
   * @throws JsonParseException when the bytes are not a chunk this codec wrote
   */
  public static Chunk decode(byte[] payload) {
    try {
      JsonObject chunk =
          JsonParser.parseString(new String(payload, StandardCharsets.UTF_8)).getAsJsonObject();
      int version = chunk.has("v") ? chunk.get("v").getAsInt() : 1;
      if (version < OLDEST_READ || version > VERSION) {
        throw new JsonParseException(
            "chunk format version "
                + version
                + " is not one this deployment reads ("
                + OLDEST_READ
                + " to "
                + VERSION
                + ")");
      }
      List<RowResult> rows = new ArrayList<>();
      for (JsonElement row : required(chunk, "rows").getAsJsonArray()) {
        rows.add(readRow(row.getAsJsonObject()));
      }
      return new Chunk(
          required(chunk, "p").getAsInt(),
          required(chunk, "s").getAsInt(),
          required(chunk, "g").getAsInt(),
          rows);
    } catch (IllegalStateException
        | UnsupportedOperationException
        | ClassCastException
        | NumberFormatException e) {
      throw new JsonParseException("not a chunk: " + e.getMessage(), e);
    }
  }

  private static void writeProblem(JsonBytes out, RowProblem problem) {
    out.beginObject();
    if (problem.column() != null) {
      out.name(C_NAME).value(problem.column());
    }
    if (problem.value() != null) {
      out.name(V_NAME).value(problem.value());
    }
    out.name(M_NAME).value(problem.message());
    out.endObject();
  }

  private static void writeOperation(JsonBytes out, Operation operation) {
    if (operation instanceof UserUpdate user) {
      UserOperationWriter writer = USER_OPERATION.get();
      user.tellTo(writer);
      writer.writeTo(out);
      return;
    }
    if (operation instanceof TrackedEvent track) {
      TrackOperationWriter writer = TRACK_OPERATION.get();
      track.tellTo(writer);
      writer.writeTo(out);
      return;
    }
    out.beginObject();
    if (operation instanceof DeviceUpdate device) {
      out.name(K_NAME).value("d");
      out.name(D_NAME).value(device.deviceId());
      writeValues(out, A_NAME, device.attributes());
    }
    out.endObject();
  }

  private static void writeValues(JsonBytes out, JsonBytes.Name name, Map<String, ?> values) {
    if (values.isEmpty()) {
      return;
    }
    out.name(name);
    writeObject(out, values);
  }

  static void writeObject(JsonBytes out, Map<String, ?> values) {
    out.beginObject();
    if (values instanceof Fields<?> fields) {
      for (int i = 0; i < fields.size(); i++) {
        out.name(fields.nameAt(i));
        writeValue(out, fields.valueAt(i));
      }
    } else {
      for (Map.Entry<String, ?> entry : values.entrySet()) {
        out.name(entry.getKey());
        writeValue(out, entry.getValue());
      }
    }
    out.endObject();
  }

  static void writeValue(JsonBytes out, Object value) {
    if (value instanceof String s) {
      out.value(s);
    } else if (value instanceof Long l) {
      out.value(l.longValue());
    } else if (value instanceof Double d) {
      // Double.toString's text always has a point or an exponent, which tells a Double from a Long
      // on the way back.
      out.value(d.doubleValue());
    } else if (value instanceof Boolean b) {
      out.value(b.booleanValue());
    } else if (value instanceof Instant t) {
      out.beginObject().name("t").value(t.toEpochMilli()).endObject();
    } else if (value instanceof List<?> list) {
      out.beginArray();
      for (Object element : list) {
        writeValue(out, element);
      }
      out.endArray();
    } else if (value == Removal.REMOVE) {
      out.nullValue();
    } else {
      throw new IllegalArgumentException("not an attribute value: " + value);
    }
  }

  private static JsonElement required(JsonObject object, String name) {
    JsonElement element = object.get(name);
    if (element == null || element.isJsonNull()) {
      throw new JsonParseException("not a chunk: \"" + name + "\" missing");
    }
    return element;
  }

  private static String optionalString(JsonObject object, String name) {
    JsonElement element = object.get(name);
    return element == null || element.isJsonNull() ? null : element.getAsString();
  }

  private static Instant optionalTime(JsonObject object, String name) {
    JsonElement element = object.get(name);
    return element == null ? null : Instant.ofEpochMilli(element.getAsLong());
  }

  private static RowResult readRow(JsonObject row) {
    long number = required(row, "r").getAsLong();
    long line = required(row, "l").getAsLong();
    String userId = optionalString(row, "u");
    if (row.has("f")) {
      return RowResult.failure(number, line, userId, readProblem(row.getAsJsonObject("f")));
    }
    List<RowProblem> warnings = new ArrayList<>();
    if (row.has("w")) {
      row.getAsJsonArray("w").forEach(w -> warnings.add(readProblem(w.getAsJsonObject())));
    }
    required(row, "u");
    return RowResult.success(
        number, line, readOperation(required(row, "o").getAsJsonObject(), userId), warnings);
  }

  private static RowProblem readProblem(JsonObject problem) {
    return new RowProblem(
        optionalString(problem, "c"),
        optionalString(problem, "v"),
        required(problem, "m").getAsString());
  }

  private static Operation readOperation(JsonObject op, String userId) {
    String kind = required(op, "k").getAsString();
    switch (kind) {
      case "u":
        Map<String, EventHistory> events = new LinkedHashMap<>();
        readObject(op, "ev", JsonElement::getAsJsonObject)
            .forEach(
                (event, fields) -> {
                  EventHistory history = EventHistory.EMPTY;
                  for (Map.Entry<String, Object> field :
                      readObject(fields, ChunkCodec::readValue).entrySet()) {
                    history = history.with(field.getKey(), field.getValue());
                  }
                  events.put(event, history);
                });
        return new UserUpdate(
            userId,
            readObject(op, "a", ChunkCodec::readValue),
            readObject(op, "add", ChunkCodec::readList),
            readObject(op, "rem", ChunkCodec::readList),
            readObject(op, "inc", JsonElement::getAsLong),
            events,
            optionalTime(op, "cr"),
            optionalTime(op, "la"));
      case "t":
        JsonElement value = op.get("v");
        return new TrackedEvent(
            userId,
            required(op, "e").getAsString(),
            optionalTime(op, "t"),
            value == null ? null : value.getAsDouble(),
            optionalString(op, "cc"),
            optionalString(op, "i"),
            readObject(op, "p", ChunkCodec::readValue));
      case "d":
        return new DeviceUpdate(
            userId, required(op, "d").getAsString(), readObject(op, "a", ChunkCodec::readValue));
      default:
        throw new JsonParseException("unknown operation kind " + kind);
    }
  }

  /**
   * The object under {@code name} as a map in its order (empty when absent), each value read by
   * {@code values}.
   */
  private static <T> Map<String, T> readObject(
      JsonObject parent, String name, Function<JsonElement, T> values) {
    JsonElement element = parent.get(name);
    return element == null ? Map.of() : readObject(element.getAsJsonObject(), values);
  }

  private static <T> Map<String, T> readObject(JsonObject object, Function<JsonElement, T> values) {
    Map<String, T> map = new LinkedHashMap<>();
    object.entrySet().forEach(entry -> map.put(entry.getKey(), values.apply(entry.getValue())));
    return map;
  }

  private static List<Object> readList(JsonElement element) {
    List<Object> list = new ArrayList<>();
    element.getAsJsonArray().forEach(item -> list.add(readValue(item)));
    return list;
  }

  private static Object readValue(JsonElement element) {
    if (element.isJsonNull()) {
      return Removal.REMOVE;
    }
    if (element.isJsonArray()) {
      return readList(element);
    }
    if (element.isJsonObject()) {
      return Instant.ofEpochMilli(required(element.getAsJsonObject(), "t").getAsLong());
    }
    JsonPrimitive primitive = element.getAsJsonPrimitive();
    if (primitive.isBoolean()) {
      return primitive.getAsBoolean();
    }
    if (primitive.isString()) {
      return primitive.getAsString();
    }
    String number = primitive.getAsString();
    boolean decimal =
        number.indexOf('.') >= 0 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0;
    return decimal ? (Object) Double.valueOf(number) : (Object) Long.valueOf(number);
  }
}
