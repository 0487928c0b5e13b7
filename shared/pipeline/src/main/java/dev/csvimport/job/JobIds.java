package dev.csvimport.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Job ids: the same object generation always gives the same id, so a repeated event finds its job.
 */
public final class JobIds {

  private JobIds() {}

  public static String of(String bucket, String object, long generation) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((bucket + "/" + object + "#" + generation).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
