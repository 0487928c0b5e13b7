package dev.csvimport.api;

import dev.csvimport.ports.StoreException;

/** One action of the API, called once its caller is authenticated. */
@FunctionalInterface
public interface ApiAction {

  /**
   * Answers the call; throws {@link ApiError} for a call the caller can fix and {@link
   * StoreException} when a store failed.
   */
  ApiAnswer answer(Caller caller, Params params) throws ApiError, StoreException;
}
