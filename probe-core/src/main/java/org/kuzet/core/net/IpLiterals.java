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

  private static String stripBrackets(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }
}
