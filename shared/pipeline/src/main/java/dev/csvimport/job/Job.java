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
    String delimiter) {

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
        null);
  }

  /**
   * This job with its cells separated by the delimiter of that word; null tells it from the header.
   */
  public Job withDelimiter(String word) {
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
        word);
  }

  public boolean fanOutComplete() {
    return !chunksPerPartition.isEmpty();
  }
}
