package dev.csvimport.engine.chunk;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.csvimport.engine.operation.DeviceUpdate;
import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Operation;
import dev.csvimport.engine.operation.Removal;
import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.RowResult;
import dev.csvimport.engine.operation.TrackedEvent;
import dev.csvimport.engine.operation.UserUpdate;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact JSON form of a chunk:
 * <pre>{"p":partition,"s":sequence,"g":segment,"rows":[row,...]}</pre>
 * A row is {@code {"r":row,"l":line,"u":userId}} plus either {@code "f":{"c":column,"v":value,"m":message}} or
 * {@code "o":operation}, and {@code "w":[problem,...]} when it has warnings. An operation is
 * {@code {"k":"u"|"t"|"d", ...}} with short field names; a time is epoch milliseconds; an attribute value is a JSON
 * string, whole number (Long), number with a point or exponent (Double), boolean, array, {@code {"t":millis}}
 * (a timestamp) or null (remove).
 */
public final class ChunkCodec {

  /** Bytes of the envelope around the rows, with room for the largest numbers. */
  static final int ENVELOPE_BYTES = 64;

  private ChunkCodec() {}

  public static byte[] encode(Chunk chunk) {
    List<String> rows = new ArrayList<>(chunk.rows().size());
    chunk.rows().forEach(row -> rows.add(encodeRow(row)));
    return encode(chunk.partition(), chunk.sequence(), chunk.segment(), rows);
  }

  static byte[] encode(int partition, int sequence, int segment, List<String> encodedRows) {
    StringBuilder json = new StringBuilder(ENVELOPE_BYTES + encodedRows.size() * 128);
    json.append("{\"p\":").append(partition).append(",\"s\":").append(sequence).append(",\"g\":").append(segment)
        .append(",\"rows\":[");
    for (int i = 0; i < encodedRows.size(); i++) {
      json.append(i == 0 ? "" : ",").append(encodedRows.get(i));
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  public static String encodeRow(RowResult row) {
    StringWriter text = new StringWriter(128);
    try (JsonWriter out = new JsonWriter(text)) {
      out.setSerializeNulls(true);
      out.beginObject();
      out.name("r").value(row.row());
      out.name("l").value(row.line());
      if (row.userId() != null) {
        out.name("u").value(row.userId());
      }
      if (row.failure() != null) {
        out.name("f");
        writeProblem(out, row.failure());
      } else {
        out.name("o");
        writeOperation(out, row.operation());
      }
      if (!row.warnings().isEmpty()) {
        out.name("w").beginArray();
        for (RowProblem warning : row.warnings()) {
          writeProblem(out, warning);
        }
        out.endArray();
      }
      out.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** @throws JsonParseException when the bytes are not a chunk this codec wrote */
  public static Chunk decode(byte[] payload) {
    try (JsonReader in = new JsonReader(
        new InputStreamReader(new ByteArrayInputStream(payload), StandardCharsets.UTF_8))) {
      int partition = -1;
      int sequence = -1;
      int segment = -1;
      List<RowResult> rows = null;
      in.beginObject();
      while (in.hasNext()) {
        switch (in.nextName()) {
          case "p": partition = in.nextInt(); break;
          case "s": sequence = in.nextInt(); break;
          case "g": segment = in.nextInt(); break;
          case "rows": rows = readRows(in); break;
          default: in.skipValue(); break;
        }
      }
      in.endObject();
      if (partition < 0 || sequence < 0 || segment < 0 || rows == null) {
        throw new JsonParseException("not a chunk: partition, sequence, segment or rows missing");
      }
      return new Chunk(partition, sequence, segment, rows);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new JsonParseException("not a chunk: " + e.getMessage(), e);
    }
  }

  private static void writeProblem(JsonWriter out, RowProblem problem) throws IOException {
    out.beginObject();
    if (problem.column() != null) {
      out.name("c").value(problem.column());
    }
    if (problem.value() != null) {
      out.name("v").value(problem.value());
    }
    out.name("m").value(problem.message());
    out.endObject();
  }

  private static void writeOperation(JsonWriter out, Operation operation) throws IOException {
    out.beginObject();
    if (operation instanceof UserUpdate user) {
      out.name("k").value("u");
      writeValues(out, "a", user.attributes());
      writeValues(out, "add", user.valuesToAdd());
      writeValues(out, "rem", user.valuesToRemove());
      writeValues(out, "inc", user.valuesToIncrement());
      if (!user.events().isEmpty()) {
        out.name("ev").beginObject();
        for (Map.Entry<String, EventHistory> event : user.events().entrySet()) {
          EventHistory h = event.getValue();
          out.name(event.getKey()).beginObject();
          writeIfSet(out, "c", h.count());
          writeIfSet(out, "ci", h.countIncrement());
          writeIfSet(out, "v", h.value());
          writeIfSet(out, "vi", h.valueIncrement());
          writeIfSet(out, "ft", millis(h.firstTime()));
          writeIfSet(out, "lt", millis(h.lastTime()));
          out.endObject();
        }
        out.endObject();
      }
      writeIfSet(out, "cr", millis(user.created()));
      writeIfSet(out, "la", millis(user.lastActive()));
    } else if (operation instanceof TrackedEvent track) {
      out.name("k").value("t");
      out.name("e").value(track.event());
      out.name("t").value(track.time().toEpochMilli());
      writeIfSet(out, "v", track.value());
      if (track.currencyCode() != null) {
        out.name("cc").value(track.currencyCode());
      }
      if (track.info() != null) {
        out.name("i").value(track.info());
      }
      writeValues(out, "p", track.params());
    } else if (operation instanceof DeviceUpdate device) {
      out.name("k").value("d");
      out.name("d").value(device.deviceId());
      writeValues(out, "a", device.attributes());
    }
    out.endObject();
  }

  private static Long millis(Instant time) {
    return time == null ? null : time.toEpochMilli();
  }

  private static void writeIfSet(JsonWriter out, String name, Number value) throws IOException {
    if (value != null) {
      out.name(name);
      writeValue(out, value);
    }
  }

  private static void writeValues(JsonWriter out, String name, Map<String, ?> values) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    out.name(name).beginObject();
    for (Map.Entry<String, ?> entry : values.entrySet()) {
      out.name(entry.getKey());
      writeValue(out, entry.getValue());
    }
    out.endObject();
  }

  private static void writeValue(JsonWriter out, Object value) throws IOException {
    if (value instanceof String s) {
      out.value(s);
    } else if (value instanceof Long l) {
      out.value(l.longValue());
    } else if (value instanceof Double d) {
      // Double.toString always writes a point or an exponent, which tells a Double from a Long on the way back.
      out.jsonValue(Double.toString(d));
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

  private static List<RowResult> readRows(JsonReader in) throws IOException {
    List<RowResult> rows = new ArrayList<>();
    in.beginArray();
    while (in.hasNext()) {
      rows.add(readRow(in));
    }
    in.endArray();
    return rows;
  }

  private static RowResult readRow(JsonReader in) throws IOException {
    long row = 0;
    long line = 0;
    String userId = null;
    RowProblem failure = null;
    OperationFields operation = null;
    List<RowProblem> warnings = List.of();
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "r": row = in.nextLong(); break;
        case "l": line = in.nextLong(); break;
        case "u": userId = in.nextString(); break;
        case "f": failure = readProblem(in); break;
        case "o": operation = readOperation(in); break;
        case "w":
          warnings = new ArrayList<>();
          in.beginArray();
          while (in.hasNext()) {
            warnings.add(readProblem(in));
          }
          in.endArray();
          break;
        default: in.skipValue(); break;
      }
    }
    in.endObject();
    if (failure != null) {
      return RowResult.failure(row, line, userId, failure);
    }
    if (operation == null || userId == null) {
      throw new JsonParseException("row " + row + " has neither an operation nor a failure");
    }
    return RowResult.success(row, line, operation.toOperation(userId), warnings);
  }

  private static RowProblem readProblem(JsonReader in) throws IOException {
    String column = null;
    String value = null;
    String message = null;
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "c": column = in.nextString(); break;
        case "v": value = in.nextString(); break;
        case "m": message = in.nextString(); break;
        default: in.skipValue(); break;
      }
    }
    in.endObject();
    return new RowProblem(column, value, message);
  }

  /** The fields of an operation as read, before the row's userId is known. */
  private static final class OperationFields {
    String kind;
    Map<String, Object> attributes = Map.of();
    Map<String, List<Object>> toAdd = Map.of();
    Map<String, List<Object>> toRemove = Map.of();
    Map<String, Long> toIncrement = Map.of();
    Map<String, EventHistory> events = Map.of();
    Instant created;
    Instant lastActive;
    String event;
    Instant time;
    Double value;
    String currencyCode;
    String info;
    Map<String, Object> params = Map.of();
    String deviceId;

    Operation toOperation(String userId) {
      switch (kind == null ? "" : kind) {
        case "u":
          return new UserUpdate(userId, attributes, toAdd, toRemove, toIncrement, events, created, lastActive);
        case "t":
          return new TrackedEvent(userId, event, time, value, currencyCode, info, params);
        case "d":
          return new DeviceUpdate(userId, deviceId, attributes);
        default:
          throw new JsonParseException("unknown operation kind " + kind);
      }
    }
  }

  private static OperationFields readOperation(JsonReader in) throws IOException {
    OperationFields op = new OperationFields();
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "k": op.kind = in.nextString(); break;
        case "a": op.attributes = readValues(in); break;
        case "add": op.toAdd = readLists(in); break;
        case "rem": op.toRemove = readLists(in); break;
        case "inc": op.toIncrement = readLongs(in); break;
        case "ev": op.events = readEvents(in); break;
        case "cr": op.created = Instant.ofEpochMilli(in.nextLong()); break;
        case "la": op.lastActive = Instant.ofEpochMilli(in.nextLong()); break;
        case "e": op.event = in.nextString(); break;
        case "t": op.time = Instant.ofEpochMilli(in.nextLong()); break;
        case "v": op.value = in.nextDouble(); break;
        case "cc": op.currencyCode = in.nextString(); break;
        case "i": op.info = in.nextString(); break;
        case "p": op.params = readValues(in); break;
        case "d": op.deviceId = in.nextString(); break;
        default: in.skipValue(); break;
      }
    }
    in.endObject();
    return op;
  }

  private static Map<String, EventHistory> readEvents(JsonReader in) throws IOException {
    Map<String, EventHistory> events = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      String name = in.nextName();
      EventHistory h = EventHistory.EMPTY;
      in.beginObject();
      while (in.hasNext()) {
        switch (in.nextName()) {
          case "c": h = h.withCount(in.nextLong()); break;
          case "ci": h = h.withCountIncrement(in.nextLong()); break;
          case "v": h = h.withValue(in.nextDouble()); break;
          case "vi": h = h.withValueIncrement(in.nextDouble()); break;
          case "ft": h = h.withFirstTime(Instant.ofEpochMilli(in.nextLong())); break;
          case "lt": h = h.withLastTime(Instant.ofEpochMilli(in.nextLong())); break;
          default: in.skipValue(); break;
        }
      }
      in.endObject();
      events.put(name, h);
    }
    in.endObject();
    return events;
  }

  private static Map<String, Long> readLongs(JsonReader in) throws IOException {
    Map<String, Long> values = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      values.put(in.nextName(), in.nextLong());
    }
    in.endObject();
    return values;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, List<Object>> readLists(JsonReader in) throws IOException {
    Map<String, List<Object>> lists = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      lists.put(in.nextName(), (List<Object>) readValue(in));
    }
    in.endObject();
    return lists;
  }

  private static Map<String, Object> readValues(JsonReader in) throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      values.put(in.nextName(), readValue(in));
    }
    in.endObject();
    return values;
  }

  private static Object readValue(JsonReader in) throws IOException {
    JsonToken token = in.peek();
    switch (token) {
      case STRING:
        return in.nextString();
      case NUMBER:
        String number = in.nextString();
        boolean decimal = number.indexOf('.') >= 0 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0;
        return decimal ? (Object) Double.valueOf(number) : (Object) Long.valueOf(number);
      case BOOLEAN:
        return in.nextBoolean();
      case NULL:
        in.nextNull();
        return Removal.REMOVE;
      case BEGIN_ARRAY:
        List<Object> list = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
          list.add(readValue(in));
        }
        in.endArray();
        return list;
      case BEGIN_OBJECT:
        in.beginObject();
        Instant time = null;
        while (in.hasNext()) {
          if (in.nextName().equals("t")) {
            time = Instant.ofEpochMilli(in.nextLong());
          } else {
            in.skipValue();
          }
        }
        in.endObject();
        if (time == null) {
          throw new JsonParseException("an object value must be a timestamp {\"t\":millis}");
        }
        return time;
      default:
        throw new JsonParseException("unexpected " + token);
    }
  }
}
