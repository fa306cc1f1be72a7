package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;

/**
 * Every hop's address meets the address policy whatever its spelling: a site on loopback redirects to 127.0.0.1
 * (where a trap listens and counts connections) and to other non-public addresses written as numbers. Only the
 * site's own address counts as public here, so the rest of 127/8 is as private as it is on a volunteer's machine.
 */
class RedirectAddressPolicyTest {
  private final FakeDnsServer dns = new FakeDnsServer();
  private MockWebServer site;
  private ServerSocket trap;
  private final AtomicInteger trapped = new AtomicInteger();

  @BeforeEach
  void setUp() throws IOException {
    site = TlsSites.http();
    trap = new ServerSocket();
    trap.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
    Thread accept = new Thread(() -> {
      while (!trap.isClosed()) {
        try (Socket s = trap.accept()) {
          trapped.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    }, "trap");
    accept.setDaemon(true);
    accept.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    site.close();
    trap.close();
    dns.close();
  }

  private TestKeys measure(AddressPolicy policy, String url) {
    ProbeSettings settings = ProbeSettings.builder().systemResolvers(List.of(dns.address())).addressPolicy(policy)
        .dnsTimeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(3)).httpTimeout(Duration.ofSeconds(5))
        .injectionWindow(Duration.ofMillis(50)).build();
    try (WebConnectivity wc = new WebConnectivity(settings)) {
      return wc.measure(url, "20260101T000000Z_webconnectivity_KZ_9198_r1_test").testKeys();
    }
  }

  /** Only the site itself is public: what the standard policy says of the rest of 127/8 stands. */
  private AddressPolicy onlyTheSiteIsPublic() {
    return AddressPolicy.publicRanges(List.of(Cidr.parse(site.getSocketAddress().getAddress().getHostAddress()
        + "/32")));
  }

  private String siteUrl() {
    return TlsSites.httpUrl(site, site.getSocketAddress().getAddress().getHostAddress(), "/").toString();
  }

  private void redirectTo(String location) {
    site.enqueue(new MockResponse.Builder().code(302).setHeader("Location", location).build());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.0.0.1", "2130706433", "0x7f.1", "0x7F000001", "017700000001", "0177.0.0.1",
      "127.1", "127.0.0.1.", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]", "[::1]",
      "169.254.169.254", "192.168.1.1", "10.0.0.1", "0"})
  void aRedirectToANonPublicAddressIsRefusedInEverySpelling(String host) {
    redirectTo("http://" + host + ":" + trap.getLocalPort() + "/secret");
    TestKeys k = measure(onlyTheSiteIsPublic(), siteUrl());

    assertEquals(2, k.requests().size(), k.requests().toString());
    HttpTransaction refused = k.requests().get(1);
    assertEquals(1, refused.xHop());
    assertTrue(refused.failure().startsWith("unknown_failure: address_refused: "), refused.failure());
    assertTrue(refused.response() == null || refused.response().code() == null && refused.response().body() == null,
        "nothing fetched: " + refused.response());
    assertNull(refused.xAddress());
    assertEquals(List.of(site.getSocketAddress().getAddress().getHostAddress()),
        k.tcpConnect().stream().map(TcpConnect::ip).toList(), "no connection but to the site");
    assertEquals(0, trapped.get(), "nothing reached 127.0.0.1");
  }

  @Test
  void theSameRedirectThroughAHostnameIsRefusedToo() {
    dns.answer("router.kz", "127.0.0.1");
    redirectTo("http://router.kz:" + trap.getLocalPort() + "/");
    TestKeys k = measure(onlyTheSiteIsPublic(), siteUrl());
    assertEquals("dns_bogon_error", k.requests().get(1).failure());
    assertEquals(0, trapped.get());
  }

  @Test
  void theFirstHopMeetsThePolicyToo() {
    TestKeys k = measure(AddressPolicy.STANDARD, "http://2130706433:" + trap.getLocalPort() + "/");
    assertEquals(1, k.requests().size());
    assertEquals("unknown_failure: address_refused: 127.0.0.1 (written 2130706433) is not a public address; not"
        + " connected to", k.requests().get(0).failure());
    assertEquals(List.of(), k.tcpConnect());
    assertEquals(List.of(), k.queries(), "a number is never looked up as a name");
    assertEquals(0, trapped.get());
  }

  @Test
  void theTestWorldsSwitchStillLetsNumericLoopbackAddressesThrough() throws IOException {
    try (MockWebServer local = TlsSites.http(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      local.enqueue(new MockResponse.Builder().body("local page").build());
      redirectTo("http://2130706433:" + local.getPort() + "/");
      TestKeys k = measure(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))), siteUrl());
      assertEquals(200, k.requests().get(1).response().code(), k.requests().toString());
      assertEquals("127.0.0.1:" + local.getPort(), k.requests().get(1).xAddress());
    }
  }

  @Test
  void anAmbiguousOrInvalidNumericHostIsRefusedWithTheReason() {
    redirectTo("http://020.2.3.4/");
    TestKeys k = measure(onlyTheSiteIsPublic(), siteUrl());
    assertEquals("unknown_failure: address_refused: ambiguous IP address 020.2.3.4: 16.2.3.4 to a browser,"
        + " 20.2.3.4 to Java; not connected to", k.requests().get(1).failure());
    assertEquals(1, k.tcpConnect().size());
    assertEquals(0, dns.queryCount("020.2.3.4"));
  }
}
