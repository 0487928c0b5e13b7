package dev.csvimport.job;

import java.util.Optional;

/**
 * Leanplum's {@code createDisposition}, for a write call and for a CSV import alike: whether a row
 * for a user without a profile creates one, or is skipped with a warning.
 */
public enum CreateDisposition {
  CREATE_IF_NEEDED("CreateIfNeeded"),
  CREATE_NEVER("CreateNever");

  /** A row skipped under {@link #CREATE_NEVER}: its warning in an import's results. */
  public static final String ROW_SKIPPED = "user not found; row skipped";

  private final String apiName;

  CreateDisposition(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** The disposition of that exact name. */
  public static Optional<CreateDisposition> named(String name) {
    for (CreateDisposition disposition : values()) {
      if (disposition.apiName.equals(name)) {
        return Optional.of(disposition);
      }
    }
    return Optional.empty();
  }

  /** The message for a name that is neither. */
  public static String refusal() {
    return "createDisposition is "
        + CREATE_IF_NEEDED.apiName
        + " (the default) or "
        + CREATE_NEVER.apiName;
  }
}
