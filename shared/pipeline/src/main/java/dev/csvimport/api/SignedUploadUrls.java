package dev.csvimport.api;

import com.google.auth.ServiceAccountSigner;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cloud Storage's V4-signed resumable uploads: the signature fixes the method, the object, its
 * content type and its metadata, so the browser can upload nothing else; valid for 15 minutes (a
 * started session lasts a week).
 */
public final class SignedUploadUrls implements UploadUrls {

  private final Storage storage;
  private final ServiceAccountSigner signer;
  private final String host;

  /** Signed by the client's own credentials, for Cloud Storage itself. */
  public SignedUploadUrls(Storage storage) {
    this(storage, null, null);
  }

  /**
   * Signed by {@code signer}, addressed to {@code host} (e.g. {@code http://127.0.0.1:9023}): a
   * storage emulator.
   */
  public SignedUploadUrls(Storage storage, ServiceAccountSigner signer, String host) {
    this.storage = storage;
    this.signer = signer;
    this.host = host;
  }

  @Override
  public Upload resumable(String bucket, String object, Map<String, String> metadata) {
    Map<String, String> headers = UploadUrls.startHeaders(metadata);
    try {
      List<Storage.SignUrlOption> options =
          new ArrayList<>(
              List.of(
                  Storage.SignUrlOption.withV4Signature(),
                  Storage.SignUrlOption.httpMethod(HttpMethod.POST),
                  Storage.SignUrlOption.withExtHeaders(headers)));
      if (signer != null) {
        options.add(Storage.SignUrlOption.signWith(signer));
      }
      if (host != null) {
        options.add(Storage.SignUrlOption.withHostName(host));
      }
      String url =
          storage
              .signUrl(
                  BlobInfo.newBuilder(BlobId.of(bucket, object)).build(),
                  15,
                  TimeUnit.MINUTES,
                  options.toArray(Storage.SignUrlOption[]::new))
              .toString();
      return new Upload(url, headers);
    } catch (RuntimeException cannotSign) {
      throw new IllegalStateException(
          "this deployment cannot sign upload URLs: " + cannotSign.getClass().getSimpleName(),
          cannotSign);
    }
  }
}
