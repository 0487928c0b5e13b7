package dev.csvimport.api;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.csvimport.log.Log;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a caller fetches a job's results or failed-rows file: a V4 signed URL, valid for an hour,
 * where the deployment's service account can sign; otherwise the {@code gs://} URI, for callers
 * with read access to the bucket.
 */
public final class ResultsLinks {

  private static final Log LOG = Log.of(ResultsLinks.class);

  private final Storage storage;

  /**
   * Signing fails the same way on every call where it fails: say so once per instance, not per
   * answer.
   */
  private final AtomicBoolean cannotSignLogged = new AtomicBoolean();

  public ResultsLinks(Storage storage) {
    this.storage = storage;
  }

  /** The link of a job's file, {@code object} in {@code bucket}. */
  public String link(String bucket, String object) {
    try {
      return storage
          .signUrl(
              BlobInfo.newBuilder(BlobId.of(bucket, object)).build(),
              1,
              TimeUnit.HOURS,
              Storage.SignUrlOption.withV4Signature())
          .toString();
    } catch (RuntimeException cannotSign) {
      if (cannotSignLogged.compareAndSet(false, true)) {
        LOG.warn(
            "results files are linked as gs:// URIs: this instance cannot sign URLs",
            "error",
            cannotSign.getClass().getSimpleName() + ": " + cannotSign.getMessage());
      }
      return Answers.gsUri(bucket, object);
    }
  }
}
