package dev.csvimport.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs an app may register as its webhook, and which addresses a POST may go to: https, or
 * http to this machine (the local runner's receivers); never the metadata server, a link-local,
 * private or otherwise internal address, whether written as such or behind a name that resolves to
 * one, which would let an app make the service call its own platform or network.
 */
public final class WebhookUrl {

  public static final int MAX_CHARS = 2048;

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  /** Finds a host's addresses: {@link #DNS} but where a test needs a name to mean something. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /**
   * The JVM's resolver. It keeps an answer 30 seconds (the default {@code
   * networkaddress.cache.ttl}), and the HTTP client resolves through the same cache, so the
   * connection made right after a check goes to the addresses that were checked, however short the
   * name's own time to live: a name cannot answer a public address to the check and an internal one
   * to the connection (short of the 30 seconds running out in the milliseconds between).
   */
  public static final Resolver DNS = InetAddress::getAllByName;

  private WebhookUrl() {}

  /**
   * @return why {@code url} cannot be a webhook, or null when it can; a name that does not resolve
   *     now may still be registered (its POSTs will say it does not resolve)
   */
  public static String refusal(String url, Resolver resolver) {
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
    if (host.equals("metadata.google.internal") || host.equals("metadata")) {
      return "url cannot be a link-local or metadata address";
    }
    if (!scheme.equals("https") && !(scheme.equals("http") && LOOPBACK.contains(host))) {
      return "url must be https (http only to localhost, for local receivers)";
    }
    InetAddress[] addresses = resolved(host, resolver);
    String internal = addresses == null ? null : internal(host, addresses);
    return internal == null ? null : "url cannot be " + internal;
  }

  /**
   * Checks where a POST to {@code host} would go.
   *
   * @return why no POST may go to {@code host} now, or null when every address it resolves to is
   *     public or this machine's own loopback
   */
  public static String addressRefusal(String host, Resolver resolver) {
    InetAddress[] addresses = resolved(host, resolver);
    if (addresses == null) {
      return host + " does not resolve";
    }
    String internal = internal(host, addresses);
    return internal == null ? null : "not sent to " + internal;
  }

  /** {@code host}'s addresses, or null when it does not resolve. */
  private static InetAddress[] resolved(String host, Resolver resolver) {
    try {
      return resolver.resolve(bare(host));
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String internal(String host, InetAddress[] addresses) {
    for (InetAddress address : addresses) {
      String kind = internalKind(address);
      if (kind != null) {
        String literal = address.getHostAddress();
        return bare(host).equals(literal)
            ? "a " + kind + " address (" + literal + ")"
            : "a " + kind + " address: " + host + " resolves to " + literal;
      }
    }
    return null;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * @return what kind of internal address {@code address} is, or null when it is public or loopback
   */
  static String internalKind(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return null;
    }
    if (address.isLinkLocalAddress()) {
      return "link-local or metadata";
    }
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return "non-unicast";
    }
    if (address.isSiteLocalAddress()) {
      return "private";
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0 || first >= 240) {
        return "reserved";
      }
      if (first == 100 && second >= 64 && second < 128) {
        return "private"; // shared address space, RFC 6598
      }
      if (first == 192 && second == 0 && (b[2] & 0xff) == 0
          || first == 198 && (second == 18 || second == 19)) {
        return "reserved";
      }
      return null;
    }
    Inet6Address v6 = (Inet6Address) address;
    if ((b[0] & 0xfe) == 0xfc) {
      return "private"; // unique local, fc00::/7
    }
    if (v6.isIPv4CompatibleAddress()) {
      return "reserved"; // ::a.b.c.d, deprecated
    }
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
      return embeddedKind(b, 12); // NAT64's 64:ff9b::a.b.c.d reaches the IPv4 address it carries
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return embeddedKind(b, 2); // 6to4, 2002:aabb:ccdd::/48
    }
    return null;
  }

  private static String embeddedKind(byte[] b, int from) {
    try {
      InetAddress v4 =
          InetAddress.getByAddress(new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]});
      return v4.isLoopbackAddress() ? "reserved" : internalKind(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }
}
