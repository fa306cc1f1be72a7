package org.kuzet.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeAddressesTest {
  @Test
  void theMachinesOwnAddressesAreEveryNonLoopbackInterfaceAddressAndWhatWasLearned() throws Exception {
    ProbeAddresses own = ProbeAddresses.system();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        boolean listed = own.current().contains(InetAddress.getByAddress(a.getAddress()));
        assertEquals(!a.isLoopbackAddress() && !a.isAnyLocalAddress() && !a.isMulticastAddress(), listed,
            a.toString());
      }
    }
    own.addPublic(IpLiterals.parse("203.0.113.77"));
    own.addLocal(InetAddress.getByName("fe80::1%1"));
    own.addLocal(IpLiterals.parse("127.0.0.1"));
    assertTrue(own.current().containsAll(Set.of(IpLiterals.parse("203.0.113.77"), IpLiterals.parse("fe80::1"))),
        "learned, without the scope: " + own.current());
    assertTrue(!own.current().contains(IpLiterals.parse("127.0.0.1")), "loopback reveals nothing");
    assertEquals(Set.of(IpLiterals.parse("192.0.2.1")), ProbeAddresses.of(List.of(IpLiterals.parse("192.0.2.1")))
        .current(), "of(...) reads no interfaces");
  }
}
