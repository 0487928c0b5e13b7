package dev.csvimport.api;

import dev.csvimport.store.AppStore;

/**
 * Who is calling, once authenticated: the app, and which of its keys it showed.
 *
 * @param appId the app every read and write of the call is confined to
 * @param key the kind of key the call carries
 */
public record Caller(String appId, AppStore.KeyKind key) {

  /** Refuses the call unless it carries the app's development key. */
  public void requireDevelopmentKey(String what) throws ApiError {
    if (key != AppStore.KeyKind.DEVELOPMENT) {
      throw new ApiError(403, what + " need the app's development key; this is its production key");
    }
  }
}
