package org.kuzet.core.connectivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnchorTest {
  @Test
  void parsesEachKindWithDefaults() {
    Anchor dns = Anchor.parse("dns 1.1.1.1");
    assertEquals(Anchor.Kind.DNS, dns.kind());
    assertEquals(53, dns.address().getPort());
    assertEquals("example.com", dns.name());
    assertEquals("dns 195.210.46.195:5353 egov.kz", Anchor.parse("  dns  195.210.46.195:5353 egov.kz ").toString());
    assertEquals("tcp 8.8.8.8:443", Anchor.parse("tcp 8.8.8.8").toString());
    assertEquals("tls [2606:4700:4700::1111]:853 one.one.one.one",
        Anchor.parse("TLS [2606:4700:4700::1111]:853 one.one.one.one").toString());
  }

  @Test
  void roundTripsThroughToString() {
    for (String s : new String[] {"dns 1.1.1.1:53 example.com", "tcp 9.9.9.9:443", "tls 1.1.1.1:443 cloudflare.com"}) {
      assertEquals(s, Anchor.parse(s).toString());
    }
  }

  @Test
  void rejectsWithAnExample() {
    assertMessage("unknown anchor kind 'icmp'", "icmp 1.1.1.1");
    assertMessage("needs a server name", "tls 1.1.1.1:443");
    assertMessage("takes no name", "tcp 1.1.1.1 name");
    assertMessage("give an IP literal, not a name", "tcp one.one.one.one:443");
    assertMessage("is not an anchor", "dns");
  }

  private static void assertMessage(String expected, String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Anchor.parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains("write e.g."), e.getMessage());
  }
}
