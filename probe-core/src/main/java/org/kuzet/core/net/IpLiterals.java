package org.kuzet.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** IP address literals, parsed without ever touching DNS (a lookup here would leak names to the resolver). */
public final class IpLiterals {
  private IpLiterals() {}

  /**
   * {@code address} as text the way OONI's data writes it (Go's {@code net.IP.String}, RFC 5952): IPv4 dotted;
   * IPv6 in lower-case hex without leading zeros, the longest run of two or more zero groups (the first of equal
   * runs) as {@code ::}, and no scope ({@code %eth0} names the volunteer's interface and is nobody's business).
   * {@link InetAddress#getHostAddress()} writes {@code 0:0:0:0:0:0:0:1} where OONI writes {@code ::1}.
   */
  public static String text(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is written as 0, never as ::
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }

  public static boolean isLiteral(String text) {
    return Address.isDottedQuad(text) || text.indexOf(':') >= 0 && Address.toByteArray(stripBrackets(text),
        Address.IPv6) != null;
  }

  /**
   * The address a URL's host stands for when it is written as a number rather than a name, in any spelling an
   * HTTP client or a browser accepts; empty for a name. {@code host} is a host as {@link okhttp3.HttpUrl#host()}
   * gives it (IPv6 without brackets; OkHttp already turns {@code [::ffff:127.0.0.1]} into {@code 127.0.0.1}).
   *
   * <p>A host whose last label is a number ({@code 2130706433}, {@code 0x7f.1}, {@code 017700000001},
   * {@code 127.1}, {@code 127.0.0.1.}) is an IPv4 address to a browser (WHATWG URL: decimal, {@code 0x} hex and
   * {@code 0} octal parts; the last part fills the remaining bytes), never a name to look up. Java's
   * {@code InetAddress}, which OkHttp uses for an all-digits host, reads every part as decimal; where the two
   * readings differ ({@code 0177.0.0.1}: 127.0.0.1 or 177.0.0.1) the host is ambiguous and refused.
   *
   * @throws IllegalArgumentException for a host that is written as a number but is no valid address, or whose
   *     readings disagree; the message says which
   */
  public static java.util.Optional<InetAddress> hostAddress(String host) {
    String h = stripBrackets(host.trim());
    if (h.indexOf(':') >= 0) {
      byte[] v6 = Address.toByteArray(h, Address.IPv6);
      if (v6 == null) {
        throw new IllegalArgumentException("not a valid IPv6 address: " + host);
      }
      return java.util.Optional.of(address(v6, host));
    }
    String[] parts = h.split("\\.", -1);
    int n = parts.length;
    if (n > 1 && parts[n - 1].isEmpty()) {
      n--; // one trailing dot, as in a fully qualified name
    }
    if (n == 0 || !isNumber(parts[n - 1])) {
      return java.util.Optional.empty();
    }
    long browser = ipv4(parts, n, true, host);
    if (h.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
      long java;
      try {
        java = ipv4(parts, n, false, host);
      } catch (IllegalArgumentException notAnAddressToJava) {
        java = browser; // Java would look it up as a name and find nothing: only the browser's reading stands
      }
      if (java != browser) {
        throw new IllegalArgumentException("ambiguous IP address " + host + ": " + dotted(browser)
            + " to a browser, " + dotted(java) + " to Java");
      }
    }
    return java.util.Optional.of(address(new byte[] {(byte) (browser >>> 24), (byte) (browser >>> 16),
        (byte) (browser >>> 8), (byte) browser}, host));
  }

  /** WHATWG's "ends in a number": all digits, or {@code 0x} followed by hex digits. */
  private static boolean isNumber(String label) {
    if (!label.isEmpty() && label.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return label.length() >= 2 && label.charAt(0) == '0' && (label.charAt(1) == 'x' || label.charAt(1) == 'X')
        && label.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /** The first {@code n} parts as one IPv4 number, WHATWG's way ({@code radixes}) or all decimal (Java's). */
  private static long ipv4(String[] parts, int n, boolean radixes, String host) {
    if (n > 4) {
      throw new IllegalArgumentException("not a valid IPv4 address: " + host + " (more than four parts)");
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      long part = part(parts[i], radixes, host);
      boolean last = i == n - 1;
      long limit = last ? 1L << 8 * (5 - n) : 256;
      if (part >= limit) {
        throw new IllegalArgumentException("not a valid IPv4 address: " + host + " (part " + parts[i]
            + " is too large)");
      }
      value = last ? value << 8 * (5 - n) | part : value << 8 | part;
    }
    return value;
  }

  private static long part(String p, boolean radixes, String host) {
    String digits = p;
    int radix = 10;
    if (radixes && p.length() >= 2 && p.charAt(0) == '0' && (p.charAt(1) == 'x' || p.charAt(1) == 'X')) {
      digits = p.substring(2);
      radix = 16;
    } else if (radixes && p.length() >= 2 && p.charAt(0) == '0') {
      digits = p.substring(1);
      radix = 8;
    }
    if (digits.isEmpty()) {
      if (radix == 10) {
        throw new IllegalArgumentException("not a valid IPv4 address: " + host + " (an empty part)");
      }
      return 0;
    }
    if (digits.length() > 32) {
      throw new IllegalArgumentException("not a valid IPv4 address: " + host + " (part " + p + " is too large)");
    }
    try {
      return new java.math.BigInteger(digits, radix).min(java.math.BigInteger.valueOf(1L << 40)).longValueExact();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a valid IPv4 address: " + host + " (part " + p + ")", e);
    }
  }

  private static String dotted(long v) {
    return (v >>> 24 & 0xff) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff);
  }

  private static InetAddress address(byte[] bytes, String text) {
    try {
      return InetAddress.getByAddress(bytes); // an IPv4-mapped IPv6 address comes back as the IPv4 one
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
    }
  }

  /** Parses an IPv4 or IPv6 literal (brackets allowed); throws IllegalArgumentException naming the text. */
  public static InetAddress parse(String text) {
    String s = stripBrackets(text.trim());
    byte[] bytes = Address.toByteArray(s, s.indexOf(':') >= 0 ? Address.IPv6 : Address.IPv4);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
    }
  }

  /**
   * Parses {@code IP[:PORT]} ({@code 1.2.3.4}, {@code 1.2.3.4:5353}, {@code ::1}, {@code [::1]:53}); the
   * port defaults to {@code defaultPort}. Throws IllegalArgumentException naming the text.
   */
  public static java.net.InetSocketAddress parseEndpoint(String text, int defaultPort) {
    String s = text.trim();
    String host = s;
    int port = defaultPort;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("not IP[:PORT]: " + text);
      }
      host = s.substring(1, close);
      if (close + 1 < s.length()) {
        if (s.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("not IP[:PORT]: " + text);
        }
        port = parsePort(s.substring(close + 2), text);
      }
    } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
      host = s.substring(0, s.indexOf(':'));
      port = parsePort(s.substring(s.indexOf(':') + 1), text);
    }
    if (!isLiteral(host)) {
      throw new IllegalArgumentException("not an IP address: " + text + " (give an IP literal, not a name)");
    }
    return new java.net.InetSocketAddress(parse(host), port);
  }

  private static int parsePort(String p, String text) {
    try {
      int port = Integer.parseInt(p);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("bad port in " + text + " (1-65535)");
  }

  private static String stripBrackets(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }
}
