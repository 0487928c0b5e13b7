package dev.csvimport.engine.chunk;

import dev.csvimport.engine.operation.EventHistory;
import dev.csvimport.engine.operation.Fields;
import dev.csvimport.engine.operation.UserUpdateSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A setUserAttributes operation in the chunk format ({@link ChunkCodec}), written as the row is
 * told: each group of values (attributes, values to add, to remove, increments) into its own
 * buffer, the groups joined when the row ends. The one writer of this part of the format: an
 * import's rows are told to it as they are checked, and a {@code UserUpdate} made elsewhere is told
 * to it by {@code UserUpdate.tellTo}.
 */
final class UserOperationWriter implements UserUpdateSink {

  private final Group attributes = new Group(ChunkCodec.A_NAME);
  private final Group toAdd = new Group(ChunkCodec.ADD_NAME);
  private final Group toRemove = new Group(ChunkCodec.REM_NAME);
  private final Group toIncrement = new Group(ChunkCodec.INC_NAME);
  private Fields<EventHistory> events;
  private Instant created;
  private Instant lastActive;

  /** One group's entries, {@code "name":value} comma-separated, in the order told. */
  private static final class Group {
    final JsonBytes.Name name;
    final JsonBytes json = new JsonBytes();
    int entries;

    Group(JsonBytes.Name name) {
      this.name = name;
    }

    void clear() {
      json.reset().beginObject();
      entries = 0;
    }

    void add(String entryName, Object value) {
      json.name(entryName);
      ChunkCodec.writeValue(json, value);
      entries++;
    }

    void writeTo(JsonBytes out) {
      if (entries > 0) {
        json.endObject();
        out.name(name).rawValue(json);
      }
    }
  }

  @Override
  public void beginUserUpdate(String userId) {
    attributes.clear();
    toAdd.clear();
    toRemove.clear();
    toIncrement.clear();
    events = null;
    created = null;
    lastActive = null;
  }

  @Override
  public void attribute(String name, Object value) {
    attributes.add(name, value);
  }

  @Override
  public void valuesToAdd(String name, List<Object> values) {
    toAdd.add(name, values);
  }

  @Override
  public void valuesToRemove(String name, List<Object> values) {
    toRemove.add(name, values);
  }

  @Override
  public void increment(String name, Long by) {
    toIncrement.add(name, by);
  }

  @Override
  public void eventField(String event, String field, Object value) {
    // Written whole at the end.
    events = EventHistory.withField(events, event, field, value);
  }

  @Override
  public void created(Instant time) {
    created = time;
  }

  @Override
  public void lastActive(Instant time) {
    lastActive = time;
  }

  /**
   * The operation told since {@link #beginUserUpdate}: {@code
   * {"k":"u","a":{..},"add":{..},"rem":{..},"inc":{..},"ev":{..},"cr":..,"la":..}}, without what is
   * empty.
   */
  void writeTo(JsonBytes out) {
    out.beginObject();
    out.name(ChunkCodec.K_NAME).value("u");
    attributes.writeTo(out);
    toAdd.writeTo(out);
    toRemove.writeTo(out);
    toIncrement.writeTo(out);
    if (events != null) {
      out.name(ChunkCodec.EV_NAME).beginObject();
      for (Map.Entry<String, EventHistory> event : events.entrySet()) {
        out.name(event.getKey());
        ChunkCodec.writeObject(out, event.getValue().setFields());
      }
      out.endObject();
    }
    if (created != null) {
      out.name(ChunkCodec.CR_NAME).value(created.toEpochMilli());
    }
    if (lastActive != null) {
      out.name(ChunkCodec.LA_NAME).value(lastActive.toEpochMilli());
    }
    out.endObject();
  }
}
