package dev.csvimport.job;

import com.google.cloud.storage.BlobId;

/** The object a job imports: the generation it was created for, when its event named one. */
public final class SourceObject {

  private SourceObject() {}

  public static BlobId of(Job job) {
    return job.generation() > 0
        ? BlobId.of(job.bucket(), job.object(), job.generation())
        : BlobId.of(job.bucket(), job.object());
  }
}
