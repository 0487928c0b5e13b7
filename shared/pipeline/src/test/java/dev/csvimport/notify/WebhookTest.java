package dev.csvimport.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The webhook's signature, which URLs may be webhooks, and the retries' backoff. */
class WebhookTest {

  @Test
  void theSignatureIsHmacSha256OfTheTimestampAndBodyAsDocumented() throws Exception {
    String secret = "whsec_test";
    String body = "{\"eventId\":\"a/j/FINISHED\",\"state\":\"FINISHED\"}";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        HexFormat.of()
            .formatHex(mac.doFinal(("1796643603." + body).getBytes(StandardCharsets.UTF_8)));
    assertEquals("t=1796643603,v1=" + expected, WebhookSignature.of(secret, 1796643603L, body));
  }

  @Test
  void aSignatureVerifiesOnlyWithItsSecretItsBodyAndARecentTimestamp() {
    Random random = new Random(27);
    for (int i = 0; i < 500; i++) {
      String secret = "whsec_" + random.nextLong();
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      String body = new String(bytes, StandardCharsets.ISO_8859_1);
      long sent = 1_796_000_000L + random.nextInt(1_000_000);
      String header = WebhookSignature.of(secret, sent, body);
      assertTrue(WebhookSignature.verify(secret, header, body, sent + 299, 300));
      assertFalse(WebhookSignature.verify(secret + "x", header, body, sent, 300));
      assertFalse(WebhookSignature.verify(secret, header, body + "x", sent, 300));
      assertFalse(WebhookSignature.verify(secret, header, body, sent + 301, 300), "a replay");
      String otherTime = header.replace("t=" + sent, "t=" + (sent + 1));
      assertFalse(WebhookSignature.verify(secret, otherTime, body, sent, 300));
    }
    for (String broken : List.of("", "t=1", "v1=ab", "t=x,v1=ab", "nonsense")) {
      assertFalse(WebhookSignature.verify("s", broken, "b", 1, 300), broken);
    }
    assertFalse(WebhookSignature.verify("s", null, "b", 1, 300));
  }

  @Test
  void webhooksAreHttpsOrLocalAndNeverThePlatformsOwnAddresses() {
    for (String allowed :
        List.of(
            "https://hooks.example.com/csvimport",
            "https://hooks.example.com:8443/a?b=c",
            "http://127.0.0.1:18099/hooks/csvimport",
            "http://localhost/hook",
            "http://[::1]:9000/hook")) {
      assertNull(WebhookUrl.refusal(allowed), allowed);
    }
    for (String refused :
        List.of(
            "http://hooks.example.com/csvimport",
            "ftp://127.0.0.1/x",
            "https://169.254.169.254/computeMetadata/v1/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "https://metadata.google.internal/x",
            "https://user:secret@hooks.example.com/x",
            "https:///nohost",
            "/relative",
            "not a url",
            "https://hooks.example.com/" + "a".repeat(WebhookUrl.MAX_CHARS))) {
      assertNotNull(WebhookUrl.refusal(refused), refused);
    }
  }

  @Test
  void retriesBackOffOneTwoFourMinutesUpToAnHour() {
    List<Duration> waits =
        List.of(1, 2, 3, 4, 5, 6, 7, 8).stream().map(JobNotices::backoff).toList();
    assertEquals(
        List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L),
        waits.stream().map(Duration::toMinutes).toList());
    assertEquals(
        123,
        waits.subList(0, JobNotices.MAX_ATTEMPTS - 1).stream().mapToLong(Duration::toMinutes).sum(),
        "8 attempts span about two hours");
  }
}
