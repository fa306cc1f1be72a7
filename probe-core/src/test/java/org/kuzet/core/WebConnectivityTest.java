package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.DnsZone;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FakeDohServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.RecordingListener;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;

/**
 * The whole experiment on a loopback world: the machine's resolver is a {@link FakeDnsServer}, sites are
 * MockWebServers, middleboxes are fault servers and blackholes, each on its own 127.0.x.y address. The world's
 * 127.0/16 counts as public internet so the probe connects there; 10.10.34.34 stays a bogon.
 */
class WebConnectivityTest {
  private static final String HOST = "example.kz";
  private static final String BOGON = "10.10.34.34";
  // SHORT only for the step that is meant to time out (silence, a stall, a blackhole); an answer that must come
  // (a reset, an EOF, NXDOMAIN) gets GENEROUS time, so a loaded machine cannot turn it into a timeout.
  private static final Duration SHORT = Duration.ofMillis(400);
  private static final Duration GENEROUS = Duration.ofSeconds(10);
  // Both replies of an injection must be in within the window, also on a loaded machine.
  private static final Duration INJECTION = Duration.ofSeconds(3);

  private final TestPki pki = new TestPki();
  private final FakeDnsServer dns = new FakeDnsServer();
  private final RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private ProbeSettings.Builder settings() {
    return ProbeSettings.builder()
        .systemResolvers(List.of(dns.address()))
        .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/16"))))
        .dnsTimeout(GENEROUS)
        .connectTimeout(GENEROUS)
        .tlsTimeout(GENEROUS)
        .httpTimeout(GENEROUS)
        // Every answered UDP query listens this long for an injected second reply; injection tests raise it.
        .injectionWindow(Duration.ofMillis(50))
        .clock(new TickingClock())
        .listener(events)
        .probeCc("KZ")
        .probeAsn("AS9198");
  }

  private Measurement measure(ProbeSettings settings, HttpUrl url) {
    try (WebConnectivity wc = new WebConnectivity(settings)) {
      return wc.measure(url.toString(), "20260101T000000Z_webconnectivity_KZ_9198_r1_test");
    }
  }

  private Measurement measure(HttpUrl url) {
    return measure(settings().build(), url);
  }

  private MockWebServer https(HandshakeCertificates certs, MockResponse... responses) {
    MockWebServer server = track(TlsSites.https(certs));
    for (MockResponse r : responses) {
      server.enqueue(r);
    }
    return server;
  }

  private MockWebServer http(MockResponse... responses) {
    MockWebServer server = track(TlsSites.http());
    for (MockResponse r : responses) {
      server.enqueue(r);
    }
    return server;
  }

  private static String ip(MockWebServer server) {
    return server.getSocketAddress().getAddress().getHostAddress();
  }

  private static String endpoint(MockWebServer server) {
    return ip(server) + ":" + server.getPort();
  }

  private static MockResponse page(String title) {
    return new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
        .body("<html><title>" + title + "</title></html>").build();
  }

  private static MockResponse redirect(Object location) {
    return new MockResponse.Builder().code(302).setHeader("Location", location.toString()).build();
  }

  private static List<String> failures(Collection<TcpConnect> tcp) {
    return tcp.stream().map(c -> c.status().failure()).toList();
  }

  private static Duration stallsOrNot(FaultServer.Fault fault) {
    return fault == FaultServer.Fault.STALL_AFTER_FIRST_BYTES ? SHORT : GENEROUS;
  }

  @Test
  void accessibleHttpsSiteIsObservedStepByStep() {
    MockWebServer site = https(pki.serverCertificate(HOST), page("Example"));
    dns.answer(HOST, ip(site));
    HttpUrl url = TlsSites.httpsUrl(site, HOST, "/");
    Measurement m = measure(url);

    assertEquals(url.toString(), m.input());
    assertEquals("web_connectivity", m.testName());
    assertEquals("2026-01-01 00:00:00", m.measurementStartTime());
    assertEquals("KZ", m.probeCc());
    assertEquals("AS9198", m.probeAsn());
    TestKeys k = m.testKeys();
    assertNull(k.dnsExperimentFailure());
    assertEquals(Verdict.ACCESSIBLE, k.xVerdict(), "a validated HTTPS page needs no control to be accessible");

    assertEquals(List.of("A", "AAAA"), k.queries().stream().map(DnsQuery::queryType).toList());
    DnsQuery a = k.queries().get(0);
    assertEquals("system", a.engine());
    assertEquals(dns.address().getAddress().getHostAddress() + ":" + dns.port(), a.resolverAddress());
    assertEquals(List.of(DnsAnswer.a(ip(site), 300, false)), a.answers());
    assertEquals("dns_no_answer", k.queries().get(1).failure(), "an IPv4-only site has no AAAA");

    assertEquals(1, k.tcpConnect().size());
    assertEquals(endpoint(site), k.tcpConnect().get(0).endpoint());
    assertTrue(k.tcpConnect().get(0).status().success());

    assertEquals(1, k.tlsHandshakes().size());
    TlsHandshake tls = k.tlsHandshakes().get(0);
    assertNull(tls.failure());
    assertEquals(HOST, tls.serverName());
    assertEquals(endpoint(site), tls.address());
    assertEquals(2, tls.peerCertificates().size());

    assertEquals(1, k.requests().size());
    HttpTransaction tx = k.requests().get(0);
    assertNull(tx.failure());
    assertEquals(200, tx.response().code());
    assertEquals("Example", tx.response().xTitle());
    assertEquals(endpoint(site), tx.xAddress());
  }

  @Test
  void measurementSurvivesTheExportLine() throws Exception {
    MockWebServer site = https(pki.serverCertificate(HOST), page("Example"));
    dns.answer(HOST, ip(site)).inject(HOST, BOGON);
    Measurement m = measure(settings().injectionWindow(INJECTION).build(),
        TlsSites.httpsUrl(site, HOST, "/"));
    String line = MeasurementJson.toLine(m);
    assertEquals(m, MeasurementJson.parse(line));
    var json = MeasurementJson.mapper().readTree(line);
    for (String key : List.of("queries", "tcp_connect", "tls_handshakes", "requests")) {
      assertTrue(json.get("test_keys").get(key).isArray(), key);
    }
    assertTrue(json.get("test_keys").get("queries").get(0).get("x_extra_replies").isArray());
    assertNull(json.get("probe_ip"), "the volunteer's address is never recorded");
  }

  @Test
  void stepTimesAreOffsetsFromTheStartInStepOrder() {
    MockWebServer site = https(pki.serverCertificate(HOST), page("Example"));
    dns.answer(HOST, ip(site));
    TestKeys k = measure(TlsSites.httpsUrl(site, HOST, "/")).testKeys();
    double dnsEnd = 0;
    for (DnsQuery q : k.queries()) {
      assertTrue(0 < q.t0() && q.t0() < q.t(), "dns " + q.t0() + ".." + q.t());
      dnsEnd = Math.max(dnsEnd, q.t());
    }
    TcpConnect tcp = k.tcpConnect().get(0);
    TlsHandshake tls = k.tlsHandshakes().get(0);
    HttpTransaction http = k.requests().get(0);
    List<Double> times = List.of(dnsEnd, tcp.t0(), tcp.t(), tls.t0(), tls.t(), http.t0(), http.t());
    assertEquals(times.stream().sorted().distinct().toList(), times, "DNS, then TCP, then TLS, then HTTP");
  }

  @Test
  void testRuntimeCoversEveryStep() {
    MockWebServer site = http(page("Example"));
    dns.answer(HOST, ip(site));
    Measurement m = measure(TlsSites.httpUrl(site, HOST, "/"));
    assertTrue(m.testRuntime() > m.testKeys().requests().get(0).t());
  }

  @Test
  void plainHttpSiteHasNoTlsHandshake() {
    MockWebServer site = http(page("Plain"));
    dns.answer(HOST, ip(site));
    TestKeys k = measure(TlsSites.httpUrl(site, HOST, "/")).testKeys();
    assertEquals(1, k.tcpConnect().size());
    assertEquals(List.of(), k.tlsHandshakes());
    assertEquals("Plain", k.requests().get(0).response().xTitle());
  }

  @Test
  void ipLiteralUrlSkipsDns() {
    MockWebServer site = http(page("By IP"));
    TestKeys k = measure(TlsSites.httpUrl(site, ip(site), "/")).testKeys();
    assertEquals(List.of(), k.queries());
    assertEquals(0, dns.queryCount(ip(site)));
    assertEquals(endpoint(site), k.tcpConnect().get(0).endpoint());
    assertEquals(200, k.requests().get(0).response().code());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "NXDOMAIN, dns_nxdomain_error",
      "SERVFAIL, dns_servfail_error",
      "REFUSED, dns_refused_error",
      "NO_ANSWER, dns_no_answer",
      "SILENT, generic_timeout_error"})
  void systemResolverFailureIsTheDnsExperimentFailure(DnsZone.Behaviour behaviour, String failure) {
    switch (behaviour) {
      case NXDOMAIN -> dns.nxdomain(HOST);
      case SERVFAIL -> dns.servfail(HOST);
      case REFUSED -> dns.refused(HOST);
      case NO_ANSWER -> dns.noAnswer(HOST);
      case SILENT -> dns.silent(HOST);
      default -> throw new AssertionError(behaviour);
    }
    HttpUrl url = HttpUrl.get("https://" + HOST + ":" + LoopbackAddresses.closedPort(LoopbackAddresses.next()) + "/");
    TestKeys k = measure(settings().dnsTimeout(behaviour == DnsZone.Behaviour.SILENT ? SHORT : GENEROUS).build(), url)
        .testKeys();
    assertEquals(failure, k.dnsExperimentFailure());
    assertEquals(List.of(failure, failure), k.queries().stream().map(DnsQuery::failure).toList());
    assertEquals(List.of(), k.tcpConnect(), "nothing to connect to");
    assertEquals(1, k.requests().size());
    assertEquals(failure, k.requests().get(0).failure(), "the request was never sent, for the DNS reason");
    assertNull(k.requests().get(0).xAddress());
  }

  @Test
  void everyConfiguredResolverIsAskedOverEveryTransport() {
    MockWebServer site = https(pki.serverCertificate(HOST), page("Example"));
    dns.nxdomain(HOST); // the ISP's resolver lies
    DnsZone honest = new DnsZone().answer(HOST, ip(site));
    FakeDnsServer open = track(new FakeDnsServer(LoopbackAddresses.next(), honest));
    FakeDohServer doh = track(new FakeDohServer(honest, pki));
    ProbeSettings s = settings().resolvers(List.of(open.address())).dohUrls(List.of(doh.url())).build();
    TestKeys k = measure(s, TlsSites.httpsUrl(site, HOST, "/")).testKeys();

    Map<String, List<DnsQuery>> byEngine = k.queries().stream().collect(Collectors.groupingBy(DnsQuery::engine));
    assertEquals(Set.of("system", "udp", "tcp", "doh"), byEngine.keySet());
    for (List<DnsQuery> qs : byEngine.values()) {
      assertEquals(List.of("A", "AAAA"), qs.stream().map(DnsQuery::queryType).toList());
    }
    String openAddress = open.address().getAddress().getHostAddress() + ":" + open.port();
    assertEquals("dns_nxdomain_error", byEngine.get("system").get(0).failure());
    for (String engine : List.of("udp", "tcp")) {
      DnsQuery q = byEngine.get(engine).get(0);
      assertEquals(openAddress, q.resolverAddress());
      assertEquals(List.of(DnsAnswer.a(ip(site), 300, false)), q.answers(), engine);
    }
    DnsQuery viaDoh = byEngine.get("doh").get(0);
    assertEquals(doh.url(), viaDoh.resolverAddress());
    assertEquals(List.of(DnsAnswer.a(ip(site), 300, false)), viaDoh.answers());
    assertNotNull(viaDoh.xDohTls());
    assertEquals(2, viaDoh.xDohTls().peerCertificates().size());

    assertEquals("dns_nxdomain_error", k.dnsExperimentFailure(), "the system resolver's view");
    assertEquals(List.of(endpoint(site)), k.tcpConnect().stream().map(TcpConnect::endpoint).toList(),
        "three resolvers gave the same address; it is connected to once");
    assertEquals(200, k.requests().get(0).response().code(), "the other resolvers' addresses were still tried");
  }

  @Test
  void bogonAnswerIsFlaggedAndNeverConnectedTo() {
    dns.answer(HOST, BOGON);
    TestKeys k = measure(HttpUrl.get("http://" + HOST + "/")).testKeys();
    assertEquals(List.of(DnsAnswer.a(BOGON, 300, true)), k.queries().get(0).answers());
    assertNull(k.dnsExperimentFailure(), "the resolver answered; the answer is a lie for analysis to judge");
    assertEquals(List.of(), k.tcpConnect(), "connecting to a bogon would probe the volunteer's own network");
    assertEquals("dns_bogon_error", k.requests().get(0).failure());
  }

  @Test
  void injectedUdpAnswerIsRecordedAndTheRealAddressStillTried() {
    MockWebServer site = http(page("Real"));
    dns.answer(HOST, ip(site)).inject(HOST, BOGON);
    ProbeSettings s = settings().injectionWindow(INJECTION).build();
    TestKeys k = measure(s, TlsSites.httpUrl(site, HOST, "/")).testKeys();
    DnsQuery a = k.queries().get(0);
    assertEquals(List.of(DnsAnswer.a(BOGON, 300, true)), a.answers());
    assertEquals(List.of(List.of(DnsAnswer.a(ip(site), 300, false))), a.xExtraReplies());
    assertEquals(List.of(endpoint(site)), k.tcpConnect().stream().map(TcpConnect::endpoint).toList());
    assertEquals("Real", k.requests().get(0).response().xTitle());
  }

  @Test
  void everyAddressIsConnectedToWithItsOwnFailure() {
    MockWebServer site = https(pki.serverCertificate(HOST), page("Example"));
    int port = site.getPort();
    InetAddress refusing = LoopbackAddresses.next(); // nothing listens there
    Blackhole hole = track(Blackhole.open(LoopbackAddresses.next(), port));
    FaultServer resetter = track(new FaultServer(LoopbackAddresses.next(), port)
        .start(FaultServer.Fault.RESET_ON_FIRST_BYTES));
    String holeIp = hole.address().getAddress().getHostAddress();
    String resetIp = resetter.address().getAddress().getHostAddress();
    dns.answer(HOST, refusing.getHostAddress(), holeIp, resetIp, ip(site));

    TestKeys k = measure(settings().connectTimeout(SHORT).build(), TlsSites.httpsUrl(site, HOST, "/")).testKeys();

    assertEquals(List.of(refusing.getHostAddress(), holeIp, resetIp, ip(site)),
        k.tcpConnect().stream().map(TcpConnect::ip).toList());
    assertEquals(Stream.of("connection_refused", "generic_timeout_error", null, null).toList(),
        failures(k.tcpConnect()));
    assertEquals(List.of(resetIp + ":" + port, endpoint(site)),
        k.tlsHandshakes().stream().map(TlsHandshake::address).toList(), "TLS only where TCP worked");
    assertEquals("connection_reset", k.tlsHandshakes().get(0).failure());
    assertNull(k.tlsHandshakes().get(1).failure());
    assertEquals(endpoint(site), k.requests().get(0).xAddress(), "HTTP goes to the endpoint that worked");
    assertEquals(200, k.requests().get(0).response().code());
  }

  @Test
  void whenNoAddressWorksTheRequestCarriesTheFirstFailure() {
    InetAddress refusing = LoopbackAddresses.next();
    Blackhole hole = track(Blackhole.open());
    dns.answer(HOST, hole.address().getAddress().getHostAddress(), refusing.getHostAddress());
    HttpUrl url = HttpUrl.get("http://" + HOST + ":" + hole.port() + "/");
    TestKeys k = measure(settings().connectTimeout(SHORT).build(), url).testKeys();
    assertEquals(Stream.of("generic_timeout_error", "connection_refused").toList(), failures(k.tcpConnect()));
    assertEquals("generic_timeout_error", k.requests().get(0).failure());
    assertNull(k.requests().get(0).response().code());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "RESET_ON_FIRST_BYTES, connection_reset",
      "CLOSE_ON_FIRST_BYTES, eof_error",
      "STALL_AFTER_FIRST_BYTES, generic_timeout_error"})
  void middleboxActingOnTheClientHelloFailsTls(FaultServer.Fault fault, String failure) {
    FaultServer box = track(new FaultServer().start(fault));
    dns.answer(HOST, box.address().getAddress().getHostAddress());
    HttpUrl url = HttpUrl.get("https://" + HOST + ":" + box.port() + "/");
    TestKeys k = measure(settings().tlsTimeout(stallsOrNot(fault)).build(), url).testKeys();
    assertTrue(k.tcpConnect().get(0).status().success());
    assertEquals(failure, k.tlsHandshakes().get(0).failure());
    assertEquals(failure, k.requests().get(0).failure());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "RESET_ON_FIRST_BYTES, connection_reset",
      "CLOSE_ON_FIRST_BYTES, eof_error",
      "STALL_AFTER_FIRST_BYTES, generic_timeout_error"})
  void middleboxActingOnTheRequestFailsHttpOnly(FaultServer.Fault fault, String failure) {
    FaultServer box = track(new FaultServer().startTls(pki.serverCertificate(HOST), fault));
    dns.answer(HOST, box.address().getAddress().getHostAddress());
    HttpUrl url = HttpUrl.get("https://" + HOST + ":" + box.port() + "/");
    TestKeys k = measure(settings().httpTimeout(stallsOrNot(fault)).build(), url).testKeys();
    assertNull(k.tlsHandshakes().get(0).failure());
    assertEquals(failure, k.requests().get(0).failure());
  }

  @Test
  void interceptionIsRecordedWithTheForgedChainAndNoRequestIsSent() throws Exception {
    InterceptionCa ca = new InterceptionCa();
    HeldCertificate realLeaf = pki.issue(HOST);
    MockWebServer interceptor = https(ca.forge(realLeaf.certificate()), page("intercepted"));
    dns.answer(HOST, ip(interceptor));
    TestKeys k = measure(TlsSites.httpsUrl(interceptor, HOST, "/")).testKeys();

    TlsHandshake tls = k.tlsHandshakes().get(0);
    assertEquals("ssl_unknown_authority", tls.failure());
    assertEquals(3, tls.peerCertificates().size(), "leaf, intermediate, root, as the interceptor sent them");
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(tls.peerCertificates().get(0).der()));
    assertEquals(realLeaf.certificate().getSubjectX500Principal(), leaf.getSubjectX500Principal());
    assertArrayEquals(ca.intermediateCertificate().getEncoded(), tls.peerCertificates().get(1).der());
    assertArrayEquals(ca.rootCertificate().getEncoded(), tls.peerCertificates().get(2).der());
    assertEquals("ssl_unknown_authority", k.requests().get(0).failure());
    assertEquals(0, interceptor.getRequestCount());
  }

  @Test
  void redirectsAreFollowedHopByHopAndEachNewHostIsMeasuredAgain() {
    MockWebServer second = https(pki.serverCertificate("news.kz"));
    MockWebServer first = http(redirect(TlsSites.httpsUrl(second, "news.kz", "/landing")));
    second.enqueue(redirect("/final"));
    second.enqueue(page("Final"));
    dns.answer(HOST, ip(first)).answer("news.kz", ip(second));

    TestKeys k = measure(TlsSites.httpUrl(first, HOST, "/")).testKeys();

    assertEquals(List.of(0, 1, 2), k.requests().stream().map(HttpTransaction::xHop).toList());
    assertEquals(List.of(TlsSites.httpUrl(first, HOST, "/").toString(),
            TlsSites.httpsUrl(second, "news.kz", "/landing").toString(),
            TlsSites.httpsUrl(second, "news.kz", "/final").toString()),
        k.requests().stream().map(tx -> tx.request().url()).toList(), "relative Location resolved");
    assertEquals(List.of(302, 302, 200), k.requests().stream().map(tx -> tx.response().code()).toList());
    assertEquals(List.of(endpoint(first), endpoint(second), endpoint(second)),
        k.requests().stream().map(HttpTransaction::xAddress).toList());
    assertEquals("Final", k.requests().get(2).response().xTitle());

    assertEquals(List.of(HOST, HOST, "news.kz", "news.kz"), k.queries().stream().map(DnsQuery::hostname).toList(),
        "each host resolved once");
    assertEquals(List.of(endpoint(first), endpoint(second)),
        k.tcpConnect().stream().map(TcpConnect::endpoint).toList(), "each host:port connected once");
    assertEquals(List.of("news.kz"), k.tlsHandshakes().stream().map(TlsHandshake::serverName).toList());
    assertTrue(k.queries().get(2).t0() > k.requests().get(0).t(), "the new host is resolved after the redirect");
  }

  @Test
  void redirectToAHostThatDoesNotResolveEndsWithThatFailure() {
    MockWebServer site = http(redirect("http://gone.kz/"));
    dns.answer(HOST, ip(site)).nxdomain("gone.kz");
    TestKeys k = measure(TlsSites.httpUrl(site, HOST, "/")).testKeys();
    assertNull(k.dnsExperimentFailure(), "only the input's host counts for dns_experiment_failure");
    assertEquals(2, k.requests().size());
    assertEquals("dns_nxdomain_error", k.requests().get(1).failure());
    assertEquals(1, k.requests().get(1).xHop());
  }

  /** Every path /n redirects to /n+1 on host hN+1.kz, all served by one server. */
  private MockWebServer endlessRedirects() {
    MockWebServer server = track(TlsSites.http());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        int n = Integer.parseInt(request.getUrl().encodedPath().substring(1));
        return redirect("http://h" + (n + 1) + ".kz:" + server.getPort() + "/" + (n + 1));
      }
    });
    return server;
  }

  @Test
  void tenRedirectsAreFollowedAndNoMore() {
    MockWebServer server = endlessRedirects();
    for (int i = 0; i <= 12; i++) {
      dns.answer("h" + i + ".kz", ip(server));
    }
    TestKeys k = measure(HttpUrl.get("http://h0.kz:" + server.getPort() + "/0")).testKeys();

    assertEquals(11, k.requests().size(), "the input plus 10 redirects");
    assertEquals(11, server.getRequestCount(), "the 11th Location was never fetched");
    assertEquals(10, k.requests().get(10).xHop());
    assertEquals(302, k.requests().get(10).response().code());
    assertEquals(22, k.queries().size(), "A and AAAA for each of the 11 hosts");
    assertEquals(11, k.tcpConnect().size(), "a connect per new host");
    assertEquals(0, dns.queryCount("h11.kz"));
  }

  @Test
  void redirectLimitIsConfigurable() {
    MockWebServer server = endlessRedirects();
    for (int i = 0; i <= 5; i++) {
      dns.answer("h" + i + ".kz", ip(server));
    }
    TestKeys k = measure(settings().maxRedirects(2).build(), HttpUrl.get("http://h0.kz:" + server.getPort() + "/0"))
        .testKeys();
    assertEquals(3, k.requests().size());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void everyStepStartIsPairedWithItsEnd() {
    MockWebServer site = https(pki.serverCertificate(HOST), page("Example"));
    dns.answer(HOST, ip(site));
    HttpUrl url = TlsSites.httpsUrl(site, HOST, "/");
    measure(url);
    List<String> all = events.events();
    assertEquals("measurementStart " + url, all.get(0));
    assertEquals("measurementEnd " + url, all.get(all.size() - 1));
    for (String step : List.of("dns", "tcp", "tls", "http")) {
      assertEquals(events.events(step + "Start").size(), events.events(step + "End").size(), step);
    }
    assertEquals(2, events.events("dnsEnd").size());
    assertEquals(List.of("tcpEnd " + endpoint(site) + " null"), events.events("tcpEnd"));
    assertEquals(List.of("tlsEnd " + endpoint(site) + " null"), events.events("tlsEnd"));
  }

  @Test
  void aListenerThatThrowsCannotBreakAMeasurement() {
    MockWebServer site = http(page("Example"));
    dns.answer(HOST, ip(site));
    ProbeEventListener rude = new ProbeEventListener() {
      @Override
      public void dnsEnd(DnsQuery query) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void httpEnd(HttpTransaction tx) {
        throw new IllegalStateException("listener bug");
      }
    };
    TestKeys k = measure(settings().listener(rude).build(), TlsSites.httpUrl(site, HOST, "/")).testKeys();
    assertEquals(200, k.requests().get(0).response().code());
  }

  @Test
  void inputThatIsNotAnHttpUrlIsACallerBug() {
    try (WebConnectivity wc = new WebConnectivity(settings().build())) {
      assertThrows(IllegalArgumentException.class, () -> wc.measure("ftp://example.kz/", "r"));
      assertThrows(IllegalArgumentException.class, () -> wc.measure("not a url", "r"));
    }
  }
}
