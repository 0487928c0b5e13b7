package dev.csvimport.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs an app may register as its webhook: https, or http to this machine (the local runner's
 * receivers); never the metadata server or a link-local address, which would let an app make the
 * service call its own platform.
 */
public final class WebhookUrl {

  public static final int MAX_CHARS = 2048;

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private WebhookUrl() {}

  /**
   * @return why {@code url} cannot be a webhook, or null when it can
   */
  public static String refusal(String url) {
    if (url.length() > MAX_CHARS) {
      return "url is " + url.length() + " characters long; at most " + MAX_CHARS;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "url is not a URL: " + e.getReason();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      return "url needs a host, like https://hooks.example.com/csvimport";
    }
    if (uri.getRawUserInfo() != null) {
      return "url must not carry a user name or password: authenticate the POST by its signature";
    }
    if (host.equals("metadata.google.internal")
        || host.startsWith("169.254.")
        || host.startsWith("[fe80:")) {
      return "url cannot be a link-local or metadata address";
    }
    if (scheme.equals("https") || scheme.equals("http") && LOOPBACK.contains(host)) {
      return null;
    }
    return "url must be https (http only to localhost, for local receivers)";
  }
}
