package org.kuzet.core.net;

import java.net.InetAddress;

/** An address prefix such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
public record Cidr(InetAddress network, int prefix) {

  public Cidr {
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix /" + prefix + " out of range for " + network.getHostAddress());
    }
  }

  /** Parses {@code address/prefix}; the address must be a literal (no DNS lookup happens). */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR prefix (address/bits): " + text);
    }
    InetAddress net = IpLiterals.parse(text.substring(0, slash));
    try {
      return new Cidr(net, Integer.parseInt(text.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR prefix (address/bits): " + text, e);
    }
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (n[full] & mask);
  }
}
