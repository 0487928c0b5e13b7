package dev.csvimport.engine.operation;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a row does to a profile: Leanplum's action names, spelled exactly as Leanplum spells them.
 */
public enum Action {
  SET_USER_ATTRIBUTES("setUserAttributes"),
  SET_DEVICE_ATTRIBUTES("setDeviceAttributes"),
  TRACK("track");

  private final String apiName;

  Action(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** The action with this API name; names are case-sensitive, as in Leanplum's API. */
  public static Optional<Action> fromApiName(String name) {
    for (Action action : values()) {
      if (action.apiName.equals(name)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }

  /** "setUserAttributes, setDeviceAttributes or track", for messages. */
  public static String supportedNames() {
    String all = Arrays.stream(values()).map(Action::apiName).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return all.substring(0, last) + " or " + all.substring(last + 2);
  }
}
