package dev.csvimport.report;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.csvimport.job.Job;
import java.util.concurrent.TimeUnit;

/**
 * How a caller fetches a job's results file: a V4 signed URL, valid for an hour, where the deployment's service
 * account can sign; otherwise the {@code gs://} URI, for callers with read access to the bucket.
 */
public final class ResultsLinks {

  private final Storage storage;

  public ResultsLinks(Storage storage) {
    this.storage = storage;
  }

  public String link(Job job) {
    try {
      return storage.signUrl(BlobInfo.newBuilder(BlobId.of(job.bucket(), job.resultsFile())).build(), 1,
          TimeUnit.HOURS, Storage.SignUrlOption.withV4Signature()).toString();
    } catch (RuntimeException cannotSign) {
      return Answers.gsUri(job);
    }
  }
}
