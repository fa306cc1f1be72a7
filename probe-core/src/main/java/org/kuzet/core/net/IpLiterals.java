package org.kuzet.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** IP address literals, parsed without ever touching DNS (a lookup here would leak names to the resolver). */
public final class IpLiterals {
  private IpLiterals() {}

  public static boolean isLiteral(String text) {
    return Address.isDottedQuad(text) || text.indexOf(':') >= 0 && Address.toByteArray(stripBrackets(text),
        Address.IPv6) != null;
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
