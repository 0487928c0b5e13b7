package dev.csvimport.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A test's DNS: a few names, and literals as the JVM reads them (no lookup). */
  private static final WebhookUrl.Resolver NAMES =
      host ->
          switch (host) {
            case "hooks.example.com" -> addresses("93.184.216.34", "2606:2800:220:1::248");
            case "localhost" -> addresses("127.0.0.1", "::1");
            case "intranet.example.com" -> addresses("93.184.216.34", "10.20.30.40");
            case "rebound.example.com" -> addresses("169.254.169.254");
            case "v6.example.com" -> addresses("fd12:3456::1");
            default -> {
              if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
                throw new UnknownHostException(host);
              }
              yield InetAddress.getAllByName(host);
            }
          };

  private static InetAddress[] addresses(String... literals) throws UnknownHostException {
    InetAddress[] addresses = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      addresses[i] = InetAddress.getByName(literals[i]);
    }
    return addresses;
  }

  @Test
  void webhooksAreHttpsOrLocalAndNeverThePlatformsOwnAddresses() {
    for (String allowed :
        List.of(
            "https://hooks.example.com/csvimport",
            "https://hooks.example.com:8443/a?b=c",
            "https://93.184.216.34/hook",
            "https://[2606:2800:220:1::248]/hook",
            "https://not-yet-in-dns.example.com/hook",
            "http://127.0.0.1:18099/hooks/csvimport",
            "http://localhost/hook",
            "http://[::1]:9000/hook")) {
      assertNull(WebhookUrl.refusal(allowed, NAMES), allowed);
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
      assertNotNull(WebhookUrl.refusal(refused, NAMES), refused);
    }
  }

  @Test
  void aWebhookNeverReachesAnInternalAddressHoweverItIsWritten() {
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("https://10.1.2.3/hook", "url cannot be a private address (10.1.2.3)");
    refused.put("https://172.16.0.9/hook", "url cannot be a private address (172.16.0.9)");
    refused.put("https://192.168.1.1/hook", "url cannot be a private address (192.168.1.1)");
    refused.put("https://100.64.0.1/hook", "url cannot be a private address (100.64.0.1)");
    refused.put(
        "https://2852039166/latest/meta-data",
        "url cannot be a link-local or metadata address: 2852039166 resolves to 169.254.169.254");
    refused.put("https://0.0.0.0/hook", "url cannot be a non-unicast address (0.0.0.0)");
    refused.put("https://224.0.0.1/hook", "url cannot be a non-unicast address (224.0.0.1)");
    refused.put("https://240.0.0.1/hook", "url cannot be a reserved address (240.0.0.1)");
    refused.put(
        "https://[fe80::1]/hook",
        "url cannot be a link-local or metadata address: [fe80::1] resolves to fe80:0:0:0:0:0:0:1");
    refused.put(
        "https://[::ffff:10.0.0.1]/hook",
        "url cannot be a private address: [::ffff:10.0.0.1] resolves to 10.0.0.1");
    refused.put(
        "https://[fd00::7]/hook",
        "url cannot be a private address: [fd00::7] resolves to fd00:0:0:0:0:0:0:7");
    refused.put(
        "https://[64:ff9b::a00:1]/hook",
        "url cannot be a private address: [64:ff9b::a00:1] resolves to 64:ff9b:0:0:0:0:a00:1");
    refused.put(
        "https://[2002:a9fe:a9fe::1]/hook",
        "url cannot be a link-local or metadata address: [2002:a9fe:a9fe::1] resolves to"
            + " 2002:a9fe:a9fe:0:0:0:0:1");
    refused.put(
        "https://intranet.example.com/hook",
        "url cannot be a private address: intranet.example.com resolves to 10.20.30.40");
    refused.put(
        "https://v6.example.com/hook",
        "url cannot be a private address: v6.example.com resolves to fd12:3456:0:0:0:0:0:1");
    refused.forEach((url, why) -> assertEquals(why, WebhookUrl.refusal(url, NAMES), url));

    assertNull(WebhookUrl.addressRefusal("hooks.example.com", NAMES));
    assertNull(WebhookUrl.addressRefusal("localhost", NAMES), "the local runner's receivers");
    assertEquals(
        "not sent to a link-local or metadata address: rebound.example.com resolves to"
            + " 169.254.169.254",
        WebhookUrl.addressRefusal("rebound.example.com", NAMES),
        "a name registered while public that resolves inside later");
    assertEquals(
        "not-yet-in-dns.example.com does not resolve",
        WebhookUrl.addressRefusal("not-yet-in-dns.example.com", NAMES));
  }

  @Test
  void aPostToANameThatNowResolvesInsideIsNotSent() {
    WebhookPoster.Attempt attempt =
        new HttpWebhookPoster(NAMES)
            .post("https://rebound.example.com/hook", Map.of(), "{\"state\":\"FINISHED\"}");
    assertFalse(attempt.delivered());
    assertEquals(
        "not sent to a link-local or metadata address: rebound.example.com resolves to"
            + " 169.254.169.254",
        attempt.result());
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
