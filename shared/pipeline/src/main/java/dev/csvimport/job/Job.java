package dev.csvimport.job;

import dev.csvimport.engine.chunk.ChunkLimits;
import java.time.Instant;
import java.util.List;

/**
 * One import of one object generation.
 *
 * @param action the file's default action, or null when none was given
 * @param name the import's display name
 * @param uploadedBy who uploaded it, or null
 * @param limits how its rows are chunked, fixed when it is created
 * @param checked whether the whole file was read once and found importable
 * @param segmentsPublished how many segments of chunks are published (the fan-out's checkpoint)
 * @param rowsRead rows read up to the checkpoint
 * @param chunksPerPartition once the fan-out is complete: how many chunks each partition has; else
 *     empty
 * @param successesCount when FINISHED: rows applied
 * @param failuresCount when FINISHED: rows that failed
 * @param failure when FAILED: why
 * @param resultsFile when FINISHED: the object name of the results file
 * @param expireAt when the job's documents may be deleted (a Firestore TTL policy does it)
 * @param leaseUntil while a fan-out runs: until when it holds the job; null when none does
 * @param waiting while the job waits for a retry: why its last attempt failed; else null
 * @param delimiter the word of the delimiter the import named; null when its header line tells
 * @param createDisposition Leanplum's name of whether rows may create users; null for
 *     CreateIfNeeded
 * @param skippedCount when FINISHED: rows skipped for a user not found, under CreateNever
 * @param dryRun whether the import only tells what it would do: every row is read, checked and
 *     prepared as for the real import, against the profiles as they are, and nothing is written but
 *     the job's own documents and files
 * @param failedRowsFile when FINISHED with failures: the object name of the failed rows as a CSV to
 *     fix and import again; null when there were none, or the imported object was gone
 * @param mapping the column mapping the import names, as JSON ({@code
 *     dev.csvimport.engine.check.ColumnMapping}); null when the header is read as written
 */
public record Job(
    String appId,
    String jobId,
    String bucket,
    String object,
    long generation,
    String action,
    String name,
    String uploadedBy,
    JobState state,
    Instant createdAt,
    Instant finishedAt,
    ChunkLimits limits,
    boolean checked,
    int segmentsPublished,
    long rowsRead,
    List<Integer> chunksPerPartition,
    long successesCount,
    long failuresCount,
    String failure,
    String resultsFile,
    Instant expireAt,
    Instant leaseUntil,
    String waiting,
    String delimiter,
    String createDisposition,
    long skippedCount,
    boolean dryRun,
    String failedRowsFile,
    String mapping,
    JobNotice notice) {

  public Job {
    chunksPerPartition = List.copyOf(chunksPerPartition);
  }

  /** A new job, PENDING, created now. */
  public static Job create(
      String appId,
      String jobId,
      String bucket,
      String object,
      long generation,
      String action,
      String name,
      String uploadedBy,
      Instant createdAt,
      ChunkLimits limits,
      Instant expireAt) {
    return new Job(
        appId,
        jobId,
        bucket,
        object,
        generation,
        action,
        name,
        uploadedBy,
        JobState.PENDING,
        createdAt,
        null,
        limits,
        false,
        0,
        0,
        List.of(),
        0,
        0,
        null,
        null,
        expireAt,
        null,
        null,
        null,
        null,
        0,
        false,
        null,
        null,
        null);
  }

  /**
   * This new job with the import's choices: the delimiter's word (null: told from the header line),
   * its create disposition (null: CreateIfNeeded), whether it is a dry run, and its column mapping
   * (null: none).
   */
  public Job withChoices(
      String delimiterWord, String disposition, boolean dryRunOnly, String mappingJson) {
    return new Job(
        appId,
        jobId,
        bucket,
        object,
        generation,
        action,
        name,
        uploadedBy,
        state,
        createdAt,
        finishedAt,
        limits,
        checked,
        segmentsPublished,
        rowsRead,
        chunksPerPartition,
        successesCount,
        failuresCount,
        failure,
        resultsFile,
        expireAt,
        leaseUntil,
        waiting,
        delimiterWord,
        disposition,
        skippedCount,
        dryRunOnly,
        failedRowsFile,
        mappingJson,
        notice);
  }

  /** Whether rows for users without a profile are skipped rather than create one. */
  public boolean updatesExistingUsersOnly() {
    return CreateDisposition.CREATE_NEVER.apiName().equals(createDisposition);
  }

  public boolean fanOutComplete() {
    return !chunksPerPartition.isEmpty();
  }
}
