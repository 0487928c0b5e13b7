package dev.csvimport.engine.operation;

import java.util.Map;

/**
 * A setDeviceAttributes row. A row without a userId belongs to the user whose id is the deviceId,
 * as in Leanplum.
 *
 * @param attributes device argument name to new value, or {@link Removal#REMOVE}, in column order
 */
public record DeviceUpdate(String userId, String deviceId, Map<String, Object> attributes)
    implements Operation {

  @Override
  public Action action() {
    return Action.SET_DEVICE_ATTRIBUTES;
  }
}
