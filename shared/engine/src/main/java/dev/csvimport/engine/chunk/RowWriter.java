package dev.csvimport.engine.chunk;

import dev.csvimport.engine.operation.OperationSink;
import dev.csvimport.engine.operation.RowProblem;
import java.time.Instant;
import java.util.List;

/**
 * The operation of the row last told, setUserAttributes or track, for {@link
 * ChunkCodec#writtenRowBytes}.
 */
final class RowWriter implements OperationSink {

  private final UserOperationWriter user = new UserOperationWriter();
  private final TrackOperationWriter track = new TrackOperationWriter();
  private boolean tracked;
  private String userId;

  @Override
  public void beginUserUpdate(String userId) {
    this.userId = userId;
    tracked = false;
    user.beginUserUpdate(userId);
  }

  @Override
  public void attribute(String name, Object value) {
    user.attribute(name, value);
  }

  @Override
  public void valuesToAdd(String name, List<Object> values) {
    user.valuesToAdd(name, values);
  }

  @Override
  public void valuesToRemove(String name, List<Object> values) {
    user.valuesToRemove(name, values);
  }

  @Override
  public void increment(String name, Long by) {
    user.increment(name, by);
  }

  @Override
  public void eventField(String event, String field, Object value) {
    user.eventField(event, field, value);
  }

  @Override
  public void created(Instant time) {
    user.created(time);
  }

  @Override
  public void lastActive(Instant time) {
    user.lastActive(time);
  }

  @Override
  public void beginTrackedEvent(String userId) {
    this.userId = userId;
    tracked = true;
    track.beginTrackedEvent(userId);
  }

  @Override
  public void param(String name, Object value) {
    track.param(name, value);
  }

  @Override
  public void event(
      String event,
      Instant time,
      Double value,
      String currencyCode,
      String info,
      List<RowProblem> warnings) {
    track.event(event, time, value, currencyCode, info, warnings);
  }

  String userId() {
    return userId;
  }

  void writeOperationTo(JsonBytes out) {
    if (tracked) {
      track.writeTo(out);
    } else {
      user.writeTo(out);
    }
  }

  List<RowProblem> warnings() {
    return tracked ? track.warnings() : List.of();
  }
}
