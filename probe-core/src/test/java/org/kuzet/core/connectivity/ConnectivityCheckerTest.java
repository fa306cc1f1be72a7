package org.kuzet.core.connectivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import mockwebserver3.MockWebServer;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Failures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each network state built on loopback: anchors are fake resolvers, TLS sites, blackholes and closed ports on
 * 127.0.x.y, and the local link is a fixed answer.
 */
class ConnectivityCheckerTest {
  private static final LocalNetwork UP = LocalNetwork.fixed(LocalNetwork.Link.up("test link"));
  private static final LocalNetwork DOWN = LocalNetwork.fixed(LocalNetwork.Link.down("cable unplugged"));

  private static TestPki pki;
  private static FakeDnsServer kzResolver;
  private static FakeDnsServer silentResolver;
  private static MockWebServer foreignSite;
  private static MockWebServer interceptedSite;
  private static Blackhole blackhole;
  private static StepAnchorProber prober;

  @BeforeAll
  static void world() {
    pki = new TestPki();
    kzResolver = new FakeDnsServer().answer("egov.kz", "127.0.9.1");
    silentResolver = new FakeDnsServer().silent("example.com");
    foreignSite = TlsSites.https(pki.serverCertificate("one.one.one.one"));
    interceptedSite = TlsSites.https(pki.untrusted("one.one.one.one"));
    blackhole = Blackhole.open();
    // The step timeout is what a silent resolver or a blackhole costs; generous, so that an anchor that answers
    // (a loopback TLS handshake in a cold JVM on a loaded machine) is never taken for a timeout. Nothing asserts
    // on how long anything took.
    prober = new StepAnchorProber(Duration.ofSeconds(5), TrustRoots.of(List.of(pki.rootCertificate())),
        Clock.systemUTC());
  }

  @AfterAll
  static void close() {
    kzResolver.close();
    silentResolver.close();
    foreignSite.close();
    interceptedSite.close();
    blackhole.close();
  }

  private static Anchor kzDns() {
    return Anchor.dns(kzResolver.address(), "egov.kz");
  }

  private static Anchor foreignTls() {
    return Anchor.tls(new InetSocketAddress(address(foreignSite),
        foreignSite.getPort()), "one.one.one.one");
  }

  private static InetAddress address(MockWebServer server) {
    return server.getSocketAddress().getAddress();
  }

  private static Anchor closed() {
    InetAddress ip = LoopbackAddresses.next();
    return Anchor.tcp(new InetSocketAddress(ip, LoopbackAddresses.closedPort(ip)));
  }

  private static ConnectivityCheck check(LocalNetwork local, List<Anchor> domestic, List<Anchor> foreign)
      throws InterruptedException {
    try (ConnectivityChecker checker = new ConnectivityChecker(local, prober, domestic, foreign,
        Duration.ofSeconds(30), Clock.systemUTC())) {
      return checker.check();
    }
  }

  @Test
  void onlineWhenAForeignAnchorAnswers() throws Exception {
    ConnectivityCheck c = check(UP, List.of(kzDns()), List.of(closed(), foreignTls()));
    assertEquals(NetworkState.ONLINE, c.state());
    assertEquals(Failures.CONNECTION_REFUSED, c.foreign().get(0).failure());
    assertNull(c.foreign().get(1).failure());
    assertTrue(c.domestic().get(0).works());
  }

  @Test
  void domesticOnlyWhenTheInternationalGatewayIsCut() throws Exception {
    ConnectivityCheck c = check(UP, List.of(kzDns(), closed()),
        List.of(Anchor.dns(silentResolver.address(), "example.com"), Anchor.tcp(blackhole.address()), closed()));
    assertEquals(NetworkState.DOMESTIC_ONLY, c.state());
    assertEquals(List.of(Failures.GENERIC_TIMEOUT, Failures.GENERIC_TIMEOUT, Failures.CONNECTION_REFUSED),
        c.foreign().stream().map(AnchorResult::failure).toList());
  }

  @Test
  void offlineWhenNothingBeyondTheLinkAnswers() throws Exception {
    ConnectivityCheck c = check(UP, List.of(closed(), Anchor.dns(silentResolver.address(), "example.com")),
        List.of(closed(), Anchor.tcp(blackhole.address())));
    assertEquals(NetworkState.OFFLINE, c.state());
    assertTrue(c.domestic().stream().noneMatch(AnchorResult::works));
  }

  @Test
  void noLocalNetworkProbesNothing() throws Exception {
    int before = kzResolver.queryCount("egov.kz");
    ConnectivityCheck c = check(DOWN, List.of(kzDns()), List.of(foreignTls()));
    assertEquals(NetworkState.NO_LOCAL_NETWORK, c.state());
    assertEquals("cable unplugged", c.link().detail());
    assertTrue(c.domestic().isEmpty() && c.foreign().isEmpty());
    assertEquals(before, kzResolver.queryCount("egov.kz"));
  }

  @Test
  void anInterceptedForeignAnchorDoesNotCountAsReachingAbroad() throws Exception {
    Anchor intercepted = Anchor.tls(new InetSocketAddress(address(interceptedSite), interceptedSite.getPort()),
        "one.one.one.one");
    ConnectivityCheck c = check(UP, List.of(kzDns()), List.of(intercepted));
    assertEquals(NetworkState.DOMESTIC_ONLY, c.state());
    assertEquals(Failures.SSL_UNKNOWN_AUTHORITY, c.foreign().get(0).failure());
  }

  @Test
  void aDnsAnchorWorksOnlyWithAnAddressInTheAnswer() throws Exception {
    kzResolver.nxdomain("nx.kz");
    ConnectivityCheck c = check(UP, List.of(Anchor.dns(kzResolver.address(), "nx.kz")), List.of(closed()));
    assertEquals(NetworkState.OFFLINE, c.state());
    assertEquals(Failures.DNS_NXDOMAIN, c.domestic().get(0).failure());
  }

  @Test
  void anAnchorStillRunningWhenTheBudgetEndsIsATimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Anchor stuck = closed();
    AnchorProber hangs = a -> {
      if (a.equals(stuck)) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return AnchorResult.ok(a);
    };
    Anchor fine = closed();
    try (ConnectivityChecker checker = new ConnectivityChecker(UP, hangs, List.of(fine), List.of(stuck),
        Duration.ofMillis(200), Clock.systemUTC())) {
      ConnectivityCheck c = checker.check();
      assertEquals(NetworkState.DOMESTIC_ONLY, c.state());
      assertEquals(Failures.GENERIC_TIMEOUT, c.foreign().get(0).failure());
    }
  }

  @Test
  void classifyIsAPureFunctionOfTheEvidence() {
    Anchor a = closed();
    AnchorResult ok = AnchorResult.ok(a);
    AnchorResult bad = new AnchorResult(a, Failures.GENERIC_TIMEOUT);
    assertEquals(NetworkState.NO_LOCAL_NETWORK, ConnectivityCheck.classify(false, List.of(ok), List.of(ok)));
    assertEquals(NetworkState.ONLINE, ConnectivityCheck.classify(true, List.of(bad), List.of(bad, ok)));
    assertEquals(NetworkState.ONLINE, ConnectivityCheck.classify(true, List.of(), List.of(ok)));
    assertEquals(NetworkState.DOMESTIC_ONLY, ConnectivityCheck.classify(true, List.of(bad, ok), List.of(bad)));
    assertEquals(NetworkState.OFFLINE, ConnectivityCheck.classify(true, List.of(), List.of(bad)));
    assertFalse(NetworkState.ONLINE.isOutage());
    assertEquals("domestic_only", NetworkState.DOMESTIC_ONLY.wire());
  }
}
