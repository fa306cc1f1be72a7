package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.control.ControlFailures;

/**
 * The analysis wired into {@link WebConnectivity}: real observations from the loopback world, no control
 * configured, so each verdict rests on local evidence alone (the control-backed rules are AnalysisTest's).
 */
class WebConnectivityAnalysisTest {
  private final FakeDnsServer dns = new FakeDnsServer();
  private final TestPki pki = new TestPki();
  private final List<MockWebServer> servers = new ArrayList<>();

  @AfterEach
  void close() {
    dns.close();
    servers.forEach(MockWebServer::close);
  }

  @Test
  void aValidHttpsSiteIsAccessibleWithoutAControl() {
    MockWebServer site = serve("news.kz", ip -> TlsSites.https(ip, pki.serverCertificate("news.kz")),
        new MockResponse.Builder().body("<title>News</title>").build());
    TestKeys k = measure(TlsSites.httpsUrl(site, "news.kz", "/").toString());
    assertEquals(Verdict.ACCESSIBLE, k.xVerdict());
    assertEquals(ControlFailures.NOT_CONFIGURED, k.controlFailure(), "the engine says why there is no control");
    assertNull(k.dnsConsistency(), "no control, nothing to compare DNS with");
  }

  @Test
  void aPlainHttpPageIsInconclusiveWithoutAControl() {
    MockWebServer site = serve("news.kz", TlsSites::http,
        new MockResponse.Builder().body("<title>News</title>").build());
    TestKeys k = measure(TlsSites.httpUrl(site, "news.kz", "/").toString());
    assertEquals(Verdict.INCONCLUSIVE, k.xVerdict());
    assertNull(k.blocking());
    assertNull(k.accessible());
  }

  @Test
  void theKazakhBlockpageIsConclusiveOnItsOwn() {
    MockWebServer site = serve("news.kz", TlsSites::http, new MockResponse.Builder()
        .setHeader("Content-Type", "text/html; charset=utf-8").body("<h1>Страница заблокирована</h1>").build());
    TestKeys k = measure(TlsSites.httpUrl(site, "news.kz", "/").toString());
    assertEquals(Verdict.BLOCKED, k.xVerdict());
    assertEquals(List.of(Signal.HTTP_BLOCKPAGE), k.xSignals());
    assertEquals(List.of("cp.d_corp_kz_ps"), k.xBlockpage());
  }

  @Test
  void a451IsConclusiveOnItsOwn() {
    MockWebServer site = serve("news.kz", ip -> TlsSites.https(ip, pki.serverCertificate("news.kz")),
        new MockResponse.Builder().code(451).body("<title>Unavailable</title>").build());
    TestKeys k = measure(TlsSites.httpsUrl(site, "news.kz", "/").toString());
    assertEquals(Verdict.BLOCKED, k.xVerdict());
    assertEquals(List.of(Signal.HTTP_451), k.xSignals());
  }

  @Test
  void aChainUnderTheKnownKazakhRootIsInterceptionOnItsOwn() throws Exception {
    // The real Qaznet root certificate is sent in the chain (matched by its hash: a name alone would not count).
    X509Certificate qaznetRoot;
    try (java.io.InputStream in = getClass().getResourceAsStream(
        "/org/kuzet/core/analysis/interception-roots/qaznet-trust-network-2016.pem")) {
      qaznetRoot = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
    }
    // The intermediate names the real root as its issuer (a key store refuses a chain whose names do not link).
    InterceptionCa ca = new InterceptionCa(org.bouncycastle.asn1.x500.X500Name.getInstance(
        qaznetRoot.getSubjectX500Principal().getEncoded()).toString(), InterceptionCa.DEFAULT_INTERMEDIATE_DN);
    okhttp3.tls.HandshakeCertificates chain = new okhttp3.tls.HandshakeCertificates.Builder()
        .heldCertificate(ca.forgeLeaf(pki.issue("news.kz").certificate()), ca.intermediateCertificate(), qaznetRoot)
        .build();
    MockWebServer interceptor = serve("news.kz", ip -> TlsSites.https(ip, chain), null);
    TestKeys k = measure(TlsSites.httpsUrl(interceptor, "news.kz", "/").toString());
    assertEquals(Verdict.BLOCKED, k.xVerdict());
    assertEquals(List.of(Signal.TLS_INTERCEPTION, Signal.TLS_KNOWN_INTERCEPTION_ROOT), k.xSignals());
    assertEquals("qaznet-trust-network-2016", k.xInterception().at("/known_root/name").asText());
    assertEquals("tls_handshake", k.xFailedHop().get("step").asText());
  }

  /** Starts {@code start} on a fresh loopback address that the resolver gives out for {@code host}. */
  private MockWebServer serve(String host, java.util.function.Function<InetAddress, MockWebServer> start,
      MockResponse response) {
    InetAddress ip = LoopbackAddresses.next();
    MockWebServer server = start.apply(ip);
    servers.add(server);
    if (response != null) {
      server.enqueue(response);
    }
    dns.answer(host, ip.getHostAddress());
    return server;
  }

  private TestKeys measure(String url) {
    ProbeSettings settings = ProbeSettings.builder()
        .systemResolvers(List.of(dns.address()))
        .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        // Generous: no step here is meant to time out, and a loaded machine is slow, not wrong.
        .dnsTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(10)).tlsTimeout(Duration.ofSeconds(10))
        .httpTimeout(Duration.ofSeconds(10)).injectionWindow(Duration.ofMillis(50))
        .build();
    try (WebConnectivity wc = new WebConnectivity(settings)) {
      return wc.measure(url, "report").testKeys();
    }
  }
}
