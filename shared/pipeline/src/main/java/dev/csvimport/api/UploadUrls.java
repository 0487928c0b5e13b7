package dev.csvimport.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a browser uploads a file: a resumable upload started with a POST to {@code url} carrying
 * exactly {@code headers} (they are part of the signature), then the file's bytes in PUTs to the
 * session it answers.
 */
public interface UploadUrls {

  /** A started upload's address and the headers its first request must carry. */
  record Upload(String url, Map<String, String> headers) {}

  /**
   * The headers that start a resumable upload of a CSV file with this metadata; they are what is
   * signed.
   */
  static Map<String, String> startHeaders(Map<String, String> metadata) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/csv");
    headers.put("x-goog-resumable", "start");
    metadata.forEach((name, value) -> headers.put("x-goog-meta-" + name, value));
    return headers;
  }

  /**
   * An upload of one object, its content type and metadata fixed.
   *
   * @throws IllegalStateException when no upload can be offered (e.g. the deployment cannot sign)
   */
  Upload resumable(String bucket, String object, Map<String, String> metadata);
}
