package org.kuzet.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "1.2.3.4, 1.2.3.4", "::1, ::1", "0:0:0:0:0:0:0:0, ::", "2001:DB8:0:0:0:0:2:1, 2001:db8::2:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", "fe80:0:0:0:0:0:0:1%1, fe80::1", "1:0:0:0:0:0:0:0, 1::",
      "2a02:4780:0:0:0:0:0:00ff, 2a02:4780::ff", "::ffff:127.0.0.1, 127.0.0.1"})
  void writesAddressesAsOoniDoesNotAsJavaDoes(String in, String out) throws Exception {
    assertEquals(out, IpLiterals.text(java.net.InetAddress.getByName(in)));
  }

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

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} is {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "127.0.0.1, 127.0.0.1", "2130706433, 127.0.0.1", "0x7f.1, 127.0.0.1", "0X7F000001, 127.0.0.1",
      "017700000001, 127.0.0.1", "127.1, 127.0.0.1", "127.0.1, 127.0.0.1", "127.0.0.1., 127.0.0.1",
      "0x7f.0.0.0x1, 127.0.0.1", "0, 0.0.0.0", "0x, 0.0.0.0", "192.168.0x1.01, 192.168.1.1",
      "3232235777, 192.168.1.1", "::1, 0:0:0:0:0:0:0:1", "[::1], 0:0:0:0:0:0:0:1", "::ffff:127.0.0.1, 127.0.0.1",
      "::ffff:7f00:1, 127.0.0.1", "1.2.3.4, 1.2.3.4", "01.02.03.04, 1.2.3.4"})
  void aHostWrittenAsANumberIsTheAddressABrowserConnectsTo(String host, String address) {
    assertEquals(address, IpLiterals.hostAddress(host).orElseThrow().getHostAddress());
  }

  @Test
  void namesAreNotAddressesAndBadOrAmbiguousNumbersAreRefused() {
    for (String name : new String[] {"holanews.kz", "127.0.0.1.nip.io", "0x7f.kz", "1.2.3.4a", "xn--80ak6aa92e.com"}) {
      assertTrue(IpLiterals.hostAddress(name).isEmpty(), name);
    }
    for (String bad : new String[] {"256.1.1.1", "1.2.3.4.5", "1..2", "foo.1", "0x1g.1", "4294967296", "09.1.1.1",
        "1.16777216", ":::"}) {
      assertThrows(IllegalArgumentException.class, () -> IpLiterals.hostAddress(bad), bad);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> IpLiterals.hostAddress("0177.0.0.1"));
    assertEquals("ambiguous IP address 0177.0.0.1: 127.0.0.1 to a browser, 177.0.0.1 to Java", e.getMessage());
  }
}
