package org.kuzet.core.connectivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalNetworkTest {
  private static final String HEADER =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

  @Test
  void ipv4DefaultRouteWithGatewayInHostByteOrder() {
    String table = HEADER
        + "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
        + "wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n";
    assertEquals(Optional.of("default route via 192.168.1.1 on wlan0"), LocalNetwork.ProcRoutes.ipv4Default(table));
  }

  @Test
  void noDefaultRouteWhenOnlyTheLanIsRouted() {
    String table = HEADER + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
    assertEquals(Optional.empty(), LocalNetwork.ProcRoutes.ipv4Default(table));
  }

  @Test
  void aDownOrRejectDefaultRouteDoesNotCount() {
    String down = HEADER + "eth0\t00000000\t0101A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0\n";
    String reject = HEADER + "eth0\t00000000\t00000000\t0201\t0\t0\t100\t00000000\t0\t0\t0\n";
    assertEquals(Optional.empty(), LocalNetwork.ProcRoutes.ipv4Default(down));
    assertEquals(Optional.empty(), LocalNetwork.ProcRoutes.ipv4Default(reject));
  }

  @Test
  void ipv6DefaultRouteIgnoresLoopbackUnreachables() {
    String lo = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        + "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
    String eth = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        + "fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n";
    assertEquals(Optional.empty(), LocalNetwork.ProcRoutes.ipv6Default(lo));
    assertEquals(Optional.of("IPv6 default route on eth0"), LocalNetwork.ProcRoutes.ipv6Default(lo + eth));
  }

  @Test
  void readsTheFilesAndFallsBackToIpv6(@TempDir Path dir) throws Exception {
    Path v4 = Files.writeString(dir.resolve("route"), HEADER);
    Path v6 = Files.writeString(dir.resolve("ipv6_route"), "00000000000000000000000000000000 00 "
        + "00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 "
        + "00000003 wwan0\n");
    LocalNetwork.Link link = LocalNetwork.ProcRoutes.read(v4, v6).orElseThrow();
    assertTrue(link.up());
    assertEquals("IPv6 default route on wwan0", link.detail());
    LocalNetwork.Link none = LocalNetwork.ProcRoutes.read(v4, dir.resolve("missing")).orElseThrow();
    assertFalse(none.up());
    assertEquals("no default route", none.detail());
    assertEquals(Optional.empty(), LocalNetwork.ProcRoutes.read(dir.resolve("a"), dir.resolve("b")));
  }

  @Test
  void systemNeverThrows() {
    assertNotNull(LocalNetwork.SYSTEM.check().detail());
  }
}
