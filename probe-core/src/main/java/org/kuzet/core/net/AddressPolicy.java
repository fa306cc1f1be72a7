package org.kuzet.core.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Decides which resolved addresses are bogons: marked as such in the DNS observation and never connected to.
 * The default is {@link Bogons}; the loopback test worlds, whose "public" sites live on 127.0.x.y, use
 * {@link #publicRanges} to treat their own ranges as public.
 */
@FunctionalInterface
public interface AddressPolicy {
  AddressPolicy STANDARD = Bogons::isBogon;

  boolean isBogon(InetAddress address);

  /** The standard policy, except that addresses inside {@code ranges} count as public. */
  static AddressPolicy publicRanges(List<Cidr> ranges) {
    List<Cidr> copy = List.copyOf(ranges);
    return a -> copy.stream().noneMatch(c -> c.contains(a)) && Bogons.isBogon(a);
  }
}
