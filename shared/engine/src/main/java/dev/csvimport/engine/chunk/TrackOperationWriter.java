package dev.csvimport.engine.chunk;

import dev.csvimport.engine.operation.RowProblem;
import dev.csvimport.engine.operation.TrackedEventSink;
import java.time.Instant;
import java.util.List;

/**
 * A track operation in the chunk format ({@link ChunkCodec}), written from what the row tells: its
 * parameters into a buffer as they come, the rest when the event is told. The one writer of this
 * part of the format: an import's rows are told to it as they are checked, and a {@code
 * TrackedEvent} made elsewhere is told to it by {@code TrackedEvent.tellTo}.
 */
final class TrackOperationWriter implements TrackedEventSink {

  private final JsonBytes params = new JsonBytes();
  private int paramCount;
  private String event;
  private Instant time;
  private Double value;
  private String currencyCode;
  private String info;
  private List<RowProblem> warnings = List.of();

  @Override
  public void beginTrackedEvent(String userId) {
    params.reset().beginObject();
    paramCount = 0;
    event = null;
    time = null;
    value = null;
    currencyCode = null;
    info = null;
    warnings = List.of();
  }

  @Override
  public void param(String name, Object paramValue) {
    params.name(name);
    ChunkCodec.writeValue(params, paramValue);
    paramCount++;
  }

  @Override
  public void event(
      String event,
      Instant time,
      Double value,
      String currencyCode,
      String info,
      List<RowProblem> warnings) {
    this.event = event;
    this.time = time;
    this.value = value;
    this.currencyCode = currencyCode;
    this.info = info;
    this.warnings = warnings.isEmpty() ? List.of() : List.copyOf(warnings);
  }

  /** The warnings told with the event. */
  List<RowProblem> warnings() {
    return warnings;
  }

  /**
   * The operation told: {@code {"k":"t","e":..,"t":millis,"v":..,"cc":..,"i":..,"p":{..}}}, without
   * what is unset.
   */
  void writeTo(JsonBytes out) {
    out.beginObject();
    out.name(ChunkCodec.K_NAME).value("t");
    out.name(ChunkCodec.E_NAME).value(event);
    out.name(ChunkCodec.T_NAME).value(time.toEpochMilli());
    if (value != null) {
      out.name(ChunkCodec.V_NAME).value(value.doubleValue());
    }
    if (currencyCode != null) {
      out.name(ChunkCodec.CC_NAME).value(currencyCode);
    }
    if (info != null) {
      out.name(ChunkCodec.I_NAME).value(info);
    }
    if (paramCount > 0) {
      params.endObject();
      out.name(ChunkCodec.P_NAME).rawValue(params);
    }
    out.endObject();
  }
}
