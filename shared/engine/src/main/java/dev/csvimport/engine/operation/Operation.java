package dev.csvimport.engine.operation;

/**
 * What one valid row does to one user's profile.
 *
 * <p>Attribute values are plain Java values: {@link String}, {@link Long}, {@link Double}, {@link
 * Boolean}, {@link java.time.Instant}, a {@link java.util.List} of those, or {@link
 * Removal#REMOVE}.
 */
public sealed interface Operation permits UserUpdate, TrackedEvent, DeviceUpdate {

  /** The profile this operation changes. */
  String userId();

  Action action();
}
