package dev.csvimport.fanout;

/**
 * An object that arrived in an app's inbox, or that the API asked to import.
 *
 * @param action the default action from its path or metadata, or null
 * @param name its display name
 * @param uploadedBy who uploaded it, or null
 */
public record NewImport(
    String appId,
    String bucket,
    String object,
    long generation,
    String action,
    String name,
    String uploadedBy,
    String delimiter,
    String createDisposition) {

  /** An import whose delimiter its header line tells, which may create users. */
  public NewImport(
      String appId,
      String bucket,
      String object,
      long generation,
      String action,
      String name,
      String uploadedBy) {
    this(appId, bucket, object, generation, action, name, uploadedBy, null, null);
  }
}
