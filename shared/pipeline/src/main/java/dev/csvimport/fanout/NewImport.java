package dev.csvimport.fanout;

/**
 * An object that arrived in an app's inbox, or that the API asked to import.
 *
 * @param action the default action from its path or metadata, or null
 * @param name its display name
 * @param uploadedBy who uploaded it, or null
 * @param delimiter the word of the delimiter it names, or null: its header line tells
 * @param createDisposition Leanplum's createDisposition it names, or null: CreateIfNeeded
 * @param dryRun whether it only tells what it would do ({@link dev.csvimport.job.Job#dryRun})
 * @param mapping its column mapping as JSON, or null: the header is read as written
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
    String createDisposition,
    boolean dryRun,
    String mapping) {

  /** A real import whose delimiter its header line tells, which may create users. */
  public NewImport(
      String appId,
      String bucket,
      String object,
      long generation,
      String action,
      String name,
      String uploadedBy) {
    this(appId, bucket, object, generation, action, name, uploadedBy, null, null, false, null);
  }
}
