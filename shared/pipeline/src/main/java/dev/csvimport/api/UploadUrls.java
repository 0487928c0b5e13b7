package dev.csvimport.api;

import java.util.Map;

/**
 * Where a browser uploads a file: a resumable upload started with a POST to {@code url} carrying exactly
 * {@code headers} (they are part of the signature), then the file's bytes in PUTs to the session it answers.
 */
public interface UploadUrls {

  /** A started upload's address and the headers its first request must carry. */
  record Upload(String url, Map<String, String> headers) {}

  /**
   * An upload of one object, its content type and metadata fixed.
   *
   * @throws IllegalStateException when no upload can be offered (e.g. the deployment cannot sign)
   */
  Upload resumable(String bucket, String object, Map<String, String> metadata);
}
