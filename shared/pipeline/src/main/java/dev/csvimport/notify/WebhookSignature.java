package dev.csvimport.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a webhook POST carries in its {@value #HEADER} header: {@code t=<unix
 * seconds>,v1=<hex HMAC-SHA256>}, the HMAC keyed with the app's signing secret over {@code
 * <t>.<body>}. A receiver computes the same over the bytes it received, compares in constant time,
 * and refuses a {@code t} far from its own clock (a replay).
 */
public final class WebhookSignature {

  public static final String HEADER = "Csvimport-Signature";

  private WebhookSignature() {}

  /** The header's value for {@code body} sent at {@code unixSeconds}. */
  public static String of(String secret, long unixSeconds, String body) {
    return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
  }

  /**
   * Whether {@code header} signs {@code body} with {@code secret}, sent within {@code
   * toleranceSeconds} of {@code nowSeconds}: what a receiver checks.
   */
  public static boolean verify(
      String secret, String header, String body, long nowSeconds, long toleranceSeconds) {
    if (header == null) {
      return false;
    }
    String t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      if (part.startsWith("t=")) {
        t = part.substring(2);
      } else if (part.startsWith("v1=")) {
        v1 = part.substring(3);
      }
    }
    if (t == null || v1 == null) {
      return false;
    }
    long sent;
    try {
      sent = Long.parseLong(t);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - sent) > toleranceSeconds) {
      return false;
    }
    return MessageDigest.isEqual(
        hmac(secret, t + "." + body).getBytes(StandardCharsets.US_ASCII),
        v1.getBytes(StandardCharsets.US_ASCII));
  }

  private static String hmac(String secret, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
