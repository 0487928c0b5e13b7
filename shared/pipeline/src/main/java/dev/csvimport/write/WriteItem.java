package dev.csvimport.write;

import dev.csvimport.engine.operation.RowResult;

/**
 * One item of a write call (a batch {@code multi} or a single action), checked and ready to apply.
 */
public sealed interface WriteItem {

  /**
   * A setUserAttributes, setDeviceAttributes or track item as the engine checked it, which may have
   * failed; an item refused before any rule applied (not an object, an unknown action) is a failed
   * row too.
   *
   * @param existingUserOnly Leanplum's {@code createDisposition=CreateNever}: skipped, with a
   *     warning, when the user has no profile
   */
  record Change(RowResult row, boolean existingUserOnly) implements WriteItem {}

  /** deleteUser: the user's profile, with its events and devices. */
  record Deletion(String userId) implements WriteItem {}

  /**
   * A call that changes no profile (a session or state call, {@link WriteCalls#SESSION_ACTIONS}):
   * it succeeds, with this warning saying what was not recorded.
   */
  record Unrecorded(String warning) implements WriteItem {}
}
