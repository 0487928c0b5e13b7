package dev.csvimport.complete;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.csvimport.engine.FailedRows;
import dev.csvimport.engine.ResultLines;
import dev.csvimport.engine.check.ColumnMapping;
import dev.csvimport.engine.read.Delimiter;
import dev.csvimport.engine.read.FileFailure;
import dev.csvimport.job.Job;
import dev.csvimport.job.SourceObject;
import dev.csvimport.log.Log;
import dev.csvimport.ports.StoreException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A job's failed rows as a CSV to fix and import again, {@code results/<jobId>-failed.csv} in its
 * bucket ({@link FailedRows} writes it): its rows are the failed lines of the job's results file,
 * their cells read again from the job's object, the very generation it imported. Written as a
 * stream, once, like the results file.
 */
public final class FailedRowsFile {

  private static final Log LOG = Log.of(FailedRowsFile.class);
  private static final int READ_BUFFER_BYTES = 1 << 16;

  private final Storage storage;

  public FailedRowsFile(Storage storage) {
    this.storage = storage;
  }

  public static String objectName(String jobId) {
    return ResultsFile.PREFIX + jobId + "-failed.csv";
  }

  /**
   * Writes the file unless it exists, from the results file {@code resultsObject} of the job; every
   * writer writes the same bytes, so the first to finish wins. Answers its object name, or null
   * when the imported object is gone (deleted, or overwritten with the bucket keeping no older
   * generations): the job then has no failed-rows file, and its results file still names every
   * failed row.
   */
  public String write(Job job, String resultsObject) throws StoreException {
    String name = objectName(job.jobId());
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(job.bucket(), name))
            .setContentType("text/csv; charset=utf-8")
            .setContentDisposition("attachment; filename=\"" + job.jobId() + "-failed.csv\"")
            .build();
    if (storage.get(info.getBlobId()) != null) {
      return name;
    }
    if (storage.get(SourceObject.of(job)) == null) {
      LOG.warn(
          "no failed-rows file: the imported object is gone",
          "appId",
          job.appId(),
          "jobId",
          job.jobId(),
          "object",
          job.object(),
          "generation",
          job.generation());
      return null;
    }
    Delimiter delimiter =
        job.delimiter() == null ? null : Delimiter.named(job.delimiter()).orElse(null);
    // As for the results file: the channel is closed, which finalizes the object, only once every
    // row is written.
    WriteChannel channel = storage.writer(info, Storage.BlobWriteOption.doesNotExist());
    try (InputStream source =
            new BufferedInputStream(
                Channels.newInputStream(storage.reader(SourceObject.of(job))), READ_BUFFER_BYTES);
        BufferedReader results =
            new BufferedReader(
                Channels.newReader(
                    storage.reader(BlobId.of(job.bucket(), resultsObject)),
                    StandardCharsets.UTF_8))) {
      FailedRows.write(
          source,
          delimiter,
          ColumnMapping.fromJson(job.mapping()),
          ResultLines.failures(results),
          Channels.newOutputStream(channel));
    } catch (FileFailure | IOException | RuntimeException e) {
      if (storage.get(info.getBlobId()) != null) {
        // Another finisher wrote it first (its upload starts while rows are written, and
        // doesNotExist then refuses this one): every finisher writes the same bytes.
        return name;
      }
      throw new StoreException(
          "the failed-rows file " + name + " could not be written: " + e.getMessage(), e);
    }
    try {
      channel.close();
    } catch (IOException | RuntimeException e) {
      if (storage.get(info.getBlobId()) == null) {
        throw new StoreException(
            "the failed-rows file " + name + " could not be written: " + e.getMessage(), e);
      }
    }
    return name;
  }

  /**
   * A part of a job's failed-rows file.
   *
   * @param bytes the file's bytes from the offset asked for
   * @param nextOffset where the next part starts, or -1 when this part ends the file
   */
  public record Part(byte[] bytes, long nextOffset) {}

  /** Reads at most {@code maxBytes} of the job's failed-rows file from byte {@code offset} on. */
  public Part read(Job job, long offset, int maxBytes) throws StoreException {
    try (ReadChannel channel = storage.reader(BlobId.of(job.bucket(), job.failedRowsFile()))) {
      channel.seek(offset);
      channel.limit(offset + maxBytes + 1);
      ByteBuffer buffer = ByteBuffer.allocate(maxBytes + 1);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // Reads until the part and one byte more are in, or the file ends.
      }
      int read = buffer.position();
      byte[] bytes = Arrays.copyOf(buffer.array(), Math.min(read, maxBytes));
      return new Part(bytes, read > maxBytes ? offset + maxBytes : -1);
    } catch (IOException | RuntimeException e) {
      throw new StoreException("the failed-rows file could not be read: " + e.getMessage(), e);
    }
  }
}
