package dev.csvimport.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Firestore document ids for ids that come from customers. An id is used as it is when Firestore
 * allows it; else {@code %} and {@code /} are percent-escaped, and ids Firestore reserves ({@code
 * .}, {@code ..}, {@code __x__}) get their first character escaped, so that no id can name another
 * document or a path. Distinct ids stay distinct.
 */
public final class DocumentIds {

  private static final int MAX_ID_BYTES = 1500;

  private DocumentIds() {}

  public static String of(String id) {
    if (id.isEmpty()) {
      throw new IllegalArgumentException("a document id cannot be empty");
    }
    StringBuilder escaped = new StringBuilder(id.length() + 8);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '%') {
        escaped.append("%25");
      } else if (c == '/') {
        escaped.append("%2F");
      } else {
        escaped.append(c);
      }
    }
    String safe = escaped.toString();
    if (safe.chars().allMatch(c -> c == '.')) {
      safe = "%2E" + safe.substring(1);
    } else if (safe.length() >= 4 && safe.startsWith("__") && safe.endsWith("__")) {
      safe = "%5F" + safe.substring(1);
    }
    if (safe.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      // "%H" cannot start an escaped id, where % is always followed by two hex digits.
      safe = "%H" + sha256(id);
    }
    return safe;
  }

  static String sha256(String id) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
