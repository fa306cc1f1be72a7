package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.core.connectivity.Anchor;

/** The control and collector hosts as foreign anchors, resolved through a table instead of the network. */
class ServiceHostAnchorsTest {
  private static final List<Anchor> RESOLVERS = List.of(Anchor.parse("dns 1.1.1.1 example.com"));

  // The names are looked up at the same time, from several threads, in no particular order.
  private final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());

  private ServiceHostAnchors.Resolver table(Map<String, List<String>> names) {
    return host -> {
      asked.add(host);
      List<String> ips = names.get(host);
      if (ips == null) {
        throw new UnknownHostException(host);
      }
      List<InetAddress> out = new ArrayList<>();
      for (String ip : ips) {
        out.add(InetAddress.getByName(ip));
      }
      return out;
    };
  }

  @Test
  void theFirstControlAndTheCollectorBecomeTlsAnchorsOnTheirFirstPublicAddress() {
    List<Anchor> anchors = ServiceHostAnchors.withServiceHosts(RESOLVERS,
        List.of("https://th.example.org/", "https://th2.example.org/"), "https://collector.example.org:8443/up",
        table(Map.of("th.example.org", List.of("10.0.0.7", "198.51.99.1"),
            "collector.example.org", List.of("2a00:1450:4001::5"))));

    assertEquals(List.of(RESOLVERS.get(0),
        Anchor.parse("tls 198.51.99.1:443 th.example.org"),
        Anchor.parse("tls [2a00:1450:4001::5]:8443 collector.example.org")), anchors);
    assertEquals(java.util.Set.of("th.example.org", "collector.example.org"), java.util.Set.copyOf(asked),
        "only the first control is used");
    assertEquals(2, asked.size(), "each name once: " + asked);
  }

  @Test
  void hostsThatDoNotResolveOrResolveOnlyToBogonsAreLeftOut() {
    List<Anchor> anchors = ServiceHostAnchors.withServiceHosts(RESOLVERS, List.of("https://gone.example/"),
        "https://lying.example/", table(Map.of("lying.example", List.of("127.0.0.1", "10.1.2.3"))));
    assertEquals(RESOLVERS, anchors);
  }

  @Test
  void plainHttpAndIpLiteralHostsAreTcpAnchorsAndNothingIsAddedTwice() {
    List<Anchor> anchors = ServiceHostAnchors.withServiceHosts(RESOLVERS, List.of("http://th.example.org:8080/"),
        "https://198.51.99.2/", table(Map.of("th.example.org", List.of("198.51.99.1"),
            "198.51.99.2", List.of("198.51.99.2"))));
    assertEquals(List.of(RESOLVERS.get(0), Anchor.parse("tcp 198.51.99.1:8080"), Anchor.parse("tcp 198.51.99.2:443")),
        anchors);

    List<Anchor> twice = ServiceHostAnchors.withServiceHosts(anchors, List.of("http://th.example.org:8080/"), null,
        table(Map.of("th.example.org", List.of("198.51.99.1"))));
    assertEquals(anchors, twice);
  }

  @Test
  void withoutControlOrCollectorNothingIsResolved() {
    assertEquals(RESOLVERS, ServiceHostAnchors.withServiceHosts(RESOLVERS, List.of(), null, table(Map.of())));
    assertEquals(List.of(), asked);
  }
}
