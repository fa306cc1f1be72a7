package org.kuzet.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Addresses that are not routable on the public internet (RFC 6890 special-purpose registries): a DNS answer
 * pointing at one of them for a public name is a classic censorship lie (e.g. 127.0.0.1, 10.10.34.34), and the
 * probe must never connect to them, since that would probe the volunteer's own network.
 */
public final class Bogons {
  private static final List<Cidr> RANGES = List.of(
      Cidr.parse("0.0.0.0/8"), // "this network"
      Cidr.parse("10.0.0.0/8"), // RFC 1918
      Cidr.parse("100.64.0.0/10"), // RFC 6598 carrier-grade NAT
      Cidr.parse("127.0.0.0/8"), // loopback
      Cidr.parse("169.254.0.0/16"), // link-local
      Cidr.parse("172.16.0.0/12"), // RFC 1918
      Cidr.parse("192.0.0.0/24"), // IETF protocol assignments
      Cidr.parse("192.0.2.0/24"), // TEST-NET-1
      Cidr.parse("192.168.0.0/16"), // RFC 1918
      Cidr.parse("198.18.0.0/15"), // benchmarking
      Cidr.parse("198.51.100.0/24"), // TEST-NET-2
      Cidr.parse("203.0.113.0/24"), // TEST-NET-3
      Cidr.parse("224.0.0.0/4"), // multicast
      Cidr.parse("240.0.0.0/4"), // reserved, includes broadcast
      Cidr.parse("::/128"), // unspecified
      Cidr.parse("::1/128"), // loopback
      Cidr.parse("64:ff9b:1::/48"), // local-use NAT64
      Cidr.parse("100::/64"), // discard-only
      Cidr.parse("2001:db8::/32"), // documentation
      Cidr.parse("fc00::/7"), // unique local
      Cidr.parse("fe80::/10"), // link-local
      Cidr.parse("ff00::/8")); // multicast

  private Bogons() {}

  public static boolean isBogon(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16 && isV4Mapped(b)) {
      try {
        return isBogon(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
      } catch (UnknownHostException e) {
        throw new AssertionError(e); // four bytes are always a valid address
      }
    }
    for (Cidr c : RANGES) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
