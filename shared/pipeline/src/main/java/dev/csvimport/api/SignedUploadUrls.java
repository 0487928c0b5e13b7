package dev.csvimport.api;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cloud Storage's V4-signed resumable uploads: the signature fixes the method, the object, its content type and its
 * metadata, so the browser can upload nothing else; valid for 15 minutes (a started session lasts a week).
 */
public final class SignedUploadUrls implements UploadUrls {

  private final Storage storage;

  public SignedUploadUrls(Storage storage) {
    this.storage = storage;
  }

  @Override
  public Upload resumable(String bucket, String object, Map<String, String> metadata) {
    Map<String, String> headers = UploadUrls.startHeaders(metadata);
    try {
      String url = storage.signUrl(BlobInfo.newBuilder(BlobId.of(bucket, object)).build(), 15, TimeUnit.MINUTES,
          Storage.SignUrlOption.withV4Signature(), Storage.SignUrlOption.httpMethod(HttpMethod.POST),
          Storage.SignUrlOption.withExtHeaders(headers)).toString();
      return new Upload(url, headers);
    } catch (RuntimeException cannotSign) {
      throw new IllegalStateException("this deployment cannot sign upload URLs: "
          + cannotSign.getClass().getSimpleName(), cannotSign);
    }
  }
}
