package org.kuzet.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {
  @Test
  void parsesEndpointsWithAndWithoutPorts() {
    assertEquals(new InetSocketAddress(IpLiterals.parse("1.2.3.4"), 53), IpLiterals.parseEndpoint("1.2.3.4", 53));
    assertEquals(5353, IpLiterals.parseEndpoint("1.2.3.4:5353", 53).getPort());
    assertEquals(53, IpLiterals.parseEndpoint("::1", 53).getPort());
    assertEquals(5300, IpLiterals.parseEndpoint("[2001:db8::1]:5300", 53).getPort());
    assertEquals("2001:db8:0:0:0:0:0:1", IpLiterals.parseEndpoint("[2001:db8::1]", 53).getAddress().getHostAddress());
  }

  @Test
  void rejectsNamesAndBadPortsWithoutLookingThemUp() {
    var e = assertThrows(IllegalArgumentException.class, () -> IpLiterals.parseEndpoint("dns.google", 53));
    assertTrue(e.getMessage().contains("dns.google"));
    assertThrows(IllegalArgumentException.class, () -> IpLiterals.parseEndpoint("1.2.3.4:0", 53));
    assertThrows(IllegalArgumentException.class, () -> IpLiterals.parseEndpoint("1.2.3.4:x", 53));
    assertThrows(IllegalArgumentException.class, () -> IpLiterals.parseEndpoint("[::1", 53));
    assertFalse(IpLiterals.isLiteral("holanews.kz"));
    assertTrue(IpLiterals.isLiteral("[::1]"));
  }
}
