package org.kuzet.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BogonsTest {

  @ParameterizedTest(name = "{0} bogon={1}")
  @CsvSource({
      "127.0.0.1, true", "10.10.34.34, true", "10.10.34.35, true", "192.168.1.1, true", "172.16.0.1, true",
      "172.31.255.255, true", "172.32.0.1, false", "100.64.0.1, true", "100.128.0.1, false", "169.254.1.1, true",
      "0.0.0.0, true", "224.0.0.1, true", "255.255.255.255, true", "192.0.2.1, true", "198.18.0.1, true",
      "8.8.8.8, false", "1.1.1.1, false", "95.59.0.1, false", "::1, true", "::, true", "fe80::1, true",
      "fd00::1, true", "2001:db8::1, true", "ff02::1, true", "2a00:1450:4001::1, false", "::ffff:10.0.0.1, true",
      "::ffff:8.8.8.8, false"})
  void classifies(String ip, boolean bogon) {
    assertEquals(bogon, Bogons.isBogon(IpLiterals.parse(ip)));
  }

  @Test
  void testWorldsCanDeclareLoopbackRangesPublic() {
    AddressPolicy policy = AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.1.0/24")));
    assertFalse(policy.isBogon(IpLiterals.parse("127.0.1.7")));
    assertTrue(policy.isBogon(IpLiterals.parse("127.0.0.1")));
    assertTrue(policy.isBogon(IpLiterals.parse("10.0.0.1")));
  }

  @Test
  void badLiteralsAreRejectedWithTheirText() {
    var e = assertThrows(IllegalArgumentException.class, () -> IpLiterals.parse("holanews.kz"));
    assertTrue(e.getMessage().contains("holanews.kz"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0"));
  }
}
