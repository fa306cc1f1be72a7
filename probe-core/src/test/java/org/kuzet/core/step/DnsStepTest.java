package org.kuzet.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.testing.DnsZone;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FakeDohServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.RecordingListener;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.TlsHandshake;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * DNS over UDP, TCP and DoH against a fake resolver on loopback. The addresses in answers are only data here
 * (nothing connects to them), so they may look public.
 */
class DnsStepTest {
  // Generous, since the first DoH query of a JVM loads the whole TLS stack; silence tests use SILENCE instead.
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SILENCE = Duration.ofMillis(300);
  // Every answered UDP query listens this long for a second reply; injection tests use INJECTION instead.
  private static final Duration NO_INJECTION = Duration.ofMillis(50);
  // Both replies of an injection must be in within the window, also on a loaded machine.
  private static final Duration INJECTION = Duration.ofSeconds(3);
  private static final String PUBLIC_IP = "93.184.216.34";

  private final TestPki pki = new TestPki();
  private final DnsZone zone = new DnsZone();
  private final FakeDnsServer dns = new FakeDnsServer(LoopbackAddresses.next(), zone);
  private final FakeDohServer doh = new FakeDohServer(zone, pki);
  private final OkHttpClient okHttp = new OkHttpClient();
  private final RecordingListener events = new RecordingListener();
  private final TrustRoots roots = TrustRoots.of(List.of(pki.rootCertificate()));
  private DnsStep step = step(roots, TIMEOUT, NO_INJECTION);

  @AfterEach
  void close() {
    dns.close();
    doh.close();
    okHttp.dispatcher().executorService().shutdownNow();
  }

  private DnsStep step(TrustRoots roots, Duration timeout) {
    return step(roots, timeout, NO_INJECTION);
  }

  private DnsStep step(TrustRoots roots, Duration timeout, Duration injectionWindow) {
    return new DnsStep(timeout, injectionWindow, AddressPolicy.STANDARD, roots, okHttp,
        new StepClock(new TickingClock()), events);
  }

  private DnsQuery udp(String name, int type) {
    return step.udp("udp", dns.address(), name, type);
  }

  private DnsQuery tcp(String name, int type) {
    return step.tcp("tcp", dns.address(), name, type);
  }

  private DnsQuery doh(String name, int type) {
    return step.doh(doh.url(), name, type);
  }

  /** The same question over all three transports. */
  private List<DnsQuery> everyTransport(String name, int type) {
    return List.of(udp(name, type), tcp(name, type), doh(name, type));
  }

  @Test
  void answersAreRecordedWithTheirTtls() {
    dns.ttl(123).answer("example.kz", PUBLIC_IP, "93.184.216.35");
    for (DnsQuery q : everyTransport("example.kz", Type.A)) {
      assertNull(q.failure(), q.engine());
      assertEquals(Rcode.NOERROR, q.rcode(), q.engine());
      assertEquals(List.of(DnsAnswer.a(PUBLIC_IP, 123, false), DnsAnswer.a("93.184.216.35", 123, false)),
          q.answers(), q.engine());
      assertEquals("example.kz", q.hostname());
      assertEquals("A", q.queryType());
      assertEquals(List.of(), q.xExtraReplies(), q.engine() + ": one reply, nothing injected");
      assertTrue(q.t0() < q.t(), q.engine() + ": t0 " + q.t0() + " before t " + q.t());
    }
  }

  @Test
  void recordsEngineAndResolverButNotTheWireId() {
    dns.answer("example.kz", PUBLIC_IP);
    String resolver = dns.address().getAddress().getHostAddress() + ":" + dns.port();
    DnsQuery u = udp("example.kz", Type.A);
    DnsQuery t = tcp("example.kz", Type.A);
    DnsQuery d = doh("example.kz", Type.A);
    assertEquals("udp", u.engine());
    assertEquals(resolver, u.resolverAddress());
    assertNull(u.transactionId(), "transaction_id is OONI's operation id, numbered by the measurement");
    assertEquals("tcp", t.engine());
    assertEquals(resolver, t.resolverAddress());
    assertEquals("doh", d.engine());
    assertEquals(doh.url(), d.resolverAddress());
    assertNull(d.transactionId());
  }

  @Test
  void aaaaAnswersOnlyForAaaaQueries() {
    dns.answer("example.kz", PUBLIC_IP, "2a00:1450:4001::1");
    for (DnsQuery q : everyTransport("example.kz", Type.AAAA)) {
      assertNull(q.failure(), q.engine());
      assertEquals("AAAA", q.queryType());
      assertEquals(1, q.answers().size(), q.engine());
      assertEquals("AAAA", q.answers().get(0).answerType());
      assertEquals("2a00:1450:4001::1", q.answers().get(0).ipv6(), "written as OONI writes it");
    }
  }

  @Test
  void nxdomain() {
    dns.nxdomain("blocked.kz");
    for (DnsQuery q : everyTransport("blocked.kz", Type.A)) {
      assertEquals(Failures.DNS_NXDOMAIN, q.failure(), q.engine());
      assertEquals("dns_nxdomain_error", q.failure());
      assertEquals(Rcode.NXDOMAIN, q.rcode(), q.engine());
      assertEquals(List.of(), q.answers());
    }
  }

  @Test
  void servfail() {
    dns.servfail("blocked.kz");
    for (DnsQuery q : everyTransport("blocked.kz", Type.A)) {
      assertEquals("dns_servfail_error", q.failure(), q.engine());
      assertEquals(Rcode.SERVFAIL, q.rcode(), q.engine());
    }
  }

  @Test
  void refused() {
    dns.refused("blocked.kz");
    for (DnsQuery q : everyTransport("blocked.kz", Type.A)) {
      assertEquals("dns_refused_error", q.failure(), q.engine());
      assertEquals(Rcode.REFUSED, q.rcode(), q.engine());
    }
  }

  @Test
  void emptyAnswerIsNoAnswerNotSuccess() {
    dns.noAnswer("blocked.kz");
    for (DnsQuery q : everyTransport("blocked.kz", Type.A)) {
      assertEquals("dns_no_answer", q.failure(), q.engine());
      assertEquals(Rcode.NOERROR, q.rcode(), q.engine() + ": the resolver did answer, with nothing");
      assertEquals(List.of(), q.answers());
    }
  }

  @Test
  void anIpv4OnlyNameHasNoAaaaAnswer() {
    dns.answer("example.kz", PUBLIC_IP);
    DnsQuery q = udp("example.kz", Type.AAAA);
    assertEquals("dns_no_answer", q.failure());
    assertEquals(Rcode.NOERROR, q.rcode());
  }

  @Test
  void silenceIsATimeoutWithNoRcode() {
    dns.silent("blocked.kz");
    step = step(roots, SILENCE);
    for (DnsQuery q : everyTransport("blocked.kz", Type.A)) {
      assertEquals("generic_timeout_error", q.failure(), q.engine());
      assertNull(q.rcode(), q.engine() + ": no reply, so no rcode");
      assertEquals(List.of(), q.answers());
    }
  }

  @Test
  void cnameChainIsRecordedInOrderBeforeTheAddress() {
    dns.ttl(60).cname("www.example.kz", "cdn.example.net").cname("cdn.example.net", "edge.example.net")
        .answer("edge.example.net", PUBLIC_IP);
    for (DnsQuery q : everyTransport("www.example.kz", Type.A)) {
      assertNull(q.failure(), q.engine());
      assertEquals(List.of(DnsAnswer.cname("cdn.example.net", 60), DnsAnswer.cname("edge.example.net", 60),
          DnsAnswer.a(PUBLIC_IP, 60, false)), q.answers(), q.engine());
    }
  }

  @Test
  void recordsForAnUnrelatedNameAreNotAnswers() {
    dns.answer("example.kz", PUBLIC_IP).stray("example.kz", "bank.example.com", "10.66.66.66");
    for (DnsQuery q : everyTransport("example.kz", Type.A)) {
      assertEquals(List.of(DnsAnswer.a(PUBLIC_IP, 300, false)), q.answers(), q.engine());
    }
  }

  @Test
  void anUnrelatedRecordAloneIsNoAnswer() {
    dns.noAnswer("example.kz").stray("example.kz", "bank.example.com", "10.66.66.66");
    for (DnsQuery q : everyTransport("example.kz", Type.A)) {
      assertEquals("dns_no_answer", q.failure(), q.engine());
      assertEquals(List.of(), q.answers(), q.engine());
    }
  }

  @Test
  void onlyTheCnameChainCountsWhateverTheOrderOfRecords() {
    dns.cname("www.example.kz", "cdn.example.net").answer("cdn.example.net", PUBLIC_IP)
        .stray("www.example.kz", "cdn.example.org", "10.66.66.66");
    for (DnsQuery q : everyTransport("www.example.kz", Type.A)) {
      assertEquals(List.of(DnsAnswer.cname("cdn.example.net", 300), DnsAnswer.a(PUBLIC_IP, 300, false)),
          q.answers(), q.engine());
    }
  }

  @Test
  void anUnrelatedRecordInTheLateReplyIsDroppedToo() {
    dns.answer("blocked.kz", PUBLIC_IP).inject("blocked.kz", "10.10.34.35")
        .stray("blocked.kz", "bank.example.com", "10.66.66.66");
    step = step(roots, TIMEOUT, INJECTION);
    DnsQuery q = udp("blocked.kz", Type.A);
    assertEquals(List.of(DnsAnswer.a("10.10.34.35", 300, true)), q.answers());
    assertEquals(List.of(List.of(DnsAnswer.a(PUBLIC_IP, 300, false))), q.xExtraReplies());
  }

  @Test
  void cnameToANameThatDoesNotExistIsNxdomainWithTheCnameKept() {
    dns.cname("www.example.kz", "gone.example.net").nxdomain("gone.example.net");
    DnsQuery q = udp("www.example.kz", Type.A);
    assertEquals("dns_nxdomain_error", q.failure());
    assertEquals(List.of(DnsAnswer.cname("gone.example.net", 300)), q.answers());
  }

  @Test
  void cnameWithoutAddressesIsNoAnswer() {
    dns.cname("www.example.kz", "empty.example.net").noAnswer("empty.example.net");
    DnsQuery q = tcp("www.example.kz", Type.A);
    assertEquals("dns_no_answer", q.failure(), "a CNAME alone gives nothing to connect to");
    assertEquals(List.of(DnsAnswer.cname("empty.example.net", 300)), q.answers());
  }

  @Test
  void bogonAnswersAreFlaggedOneByOne() {
    dns.answer("blocked.kz", "10.10.34.34", PUBLIC_IP, "127.0.0.1", "169.254.1.1", "192.168.0.1", "172.16.5.5",
        "::1", "fe80::1", "fd00::1", "2a00:1450:4001::1");
    for (DnsQuery q : everyTransport("blocked.kz", Type.A)) {
      assertEquals(List.of(true, false, true, true, true, true), q.answers().stream().map(DnsAnswer::xBogon).toList(),
          q.engine());
      assertNull(q.failure(), "a bogon is still an answer; analysis decides what it means");
    }
    DnsQuery v6 = udp("blocked.kz", Type.AAAA);
    assertEquals(List.of(true, true, true, false), v6.answers().stream().map(DnsAnswer::xBogon).toList());
  }

  @Test
  void injectedSecondUdpReplyIsKeptAsEvidence() {
    dns.answer("blocked.kz", PUBLIC_IP).inject("blocked.kz", "10.10.34.35");
    step = step(roots, TIMEOUT, INJECTION);
    DnsQuery q = udp("blocked.kz", Type.A);
    assertNull(q.failure());
    assertEquals(List.of(DnsAnswer.a("10.10.34.35", 300, true)), q.answers(), "the injector's lie arrives first");
    assertEquals(List.of(List.of(DnsAnswer.a(PUBLIC_IP, 300, false))), q.xExtraReplies(),
        "the real resolver's answer, arriving second");
  }

  @Test
  void injectionOnlyHappensOnUdp() {
    dns.answer("blocked.kz", PUBLIC_IP).inject("blocked.kz", "10.10.34.35");
    for (DnsQuery q : List.of(tcp("blocked.kz", Type.A), doh("blocked.kz", Type.A))) {
      assertEquals(List.of(DnsAnswer.a(PUBLIC_IP, 300, false)), q.answers(), q.engine());
      assertEquals(List.of(), q.xExtraReplies(), q.engine());
    }
  }

  @Test
  void injectedLieBeforeAnNxdomainKeepsBoth() {
    dns.nxdomain("blocked.kz").inject("blocked.kz", "10.10.34.35");
    step = step(roots, TIMEOUT, INJECTION);
    DnsQuery q = udp("blocked.kz", Type.A);
    assertNull(q.failure(), "the first reply is the one a stub resolver would have used");
    assertEquals(List.of(DnsAnswer.a("10.10.34.35", 300, true)), q.answers());
    assertEquals(List.of(List.of()), q.xExtraReplies(), "the real NXDOMAIN arrived second, with no answers");
  }

  @Test
  void resolverThatIsNotThereRefusesOverUdpAndTcp() {
    InetSocketAddress nobody = new InetSocketAddress(LoopbackAddresses.next(), dns.port());
    DnsQuery u = step.udp("udp", nobody, "example.kz", Type.A);
    DnsQuery t = step.tcp("tcp", nobody, "example.kz", Type.A);
    assertEquals("connection_refused", u.failure(), "ICMP port unreachable");
    assertEquals("connection_refused", t.failure());
    assertNull(u.rcode());
  }

  @Test
  void dohRecordsItsTlsHandshakeWithTheChainAsSent() throws Exception {
    dns.nxdomain("blocked.kz");
    DnsQuery q = doh("blocked.kz", Type.A);
    assertEquals("dns_nxdomain_error", q.failure());
    TlsHandshake tls = q.xDohTls();
    assertNotNull(tls);
    assertNull(tls.failure());
    assertNotNull(tls.tlsVersion());
    assertNotNull(tls.cipherSuite());
    assertEquals(doh.address().getAddress().getHostAddress(), tls.serverName());
    assertEquals(2, tls.peerCertificates().size(), "leaf then root, as TestPki servers send them");
    assertEquals(Base64.getEncoder().encodeToString(pki.rootCertificate().getEncoded()),
        tls.peerCertificates().get(1).data());
  }

  @Test
  void dohServerWithAnUntrustedCertificateIsUnknownAuthorityAndTheChainIsStillRecorded() {
    dns.answer("example.kz", PUBLIC_IP);
    DnsQuery q = step(TrustRoots.bundled(), TIMEOUT).doh(doh.url(), "example.kz", Type.A);
    assertEquals("ssl_unknown_authority", q.failure());
    assertNull(q.rcode());
    assertEquals(List.of(), q.answers(), "no DNS answer crosses an untrusted TLS connection");
    assertNotNull(q.xDohTls());
    assertEquals("ssl_unknown_authority", q.xDohTls().failure());
    assertEquals(2, q.xDohTls().peerCertificates().size());
  }

  @Test
  void tcpResolverThatHangsUpIsEof() {
    try (FaultServer hangsUp = new FaultServer().start(FaultServer.Fault.CLOSE_ON_FIRST_BYTES)) {
      DnsQuery q = step.tcp("tcp", hangsUp.address(), "blocked.kz", Type.A);
      assertEquals("eof_error", q.failure());
      assertNull(q.rcode());
    }
  }

  @Test
  void tcpResolverConnectionResetIsConnectionReset() {
    try (FaultServer resets = new FaultServer().start(FaultServer.Fault.RESET_ON_FIRST_BYTES)) {
      assertEquals("connection_reset", step.tcp("tcp", resets.address(), "blocked.kz", Type.A).failure());
    }
  }

  @Test
  void tcpResolverThatNeverAnswersIsTimeout() {
    try (FaultServer stalls = new FaultServer().start(FaultServer.Fault.STALL_AFTER_FIRST_BYTES)) {
      DnsQuery q = step(roots, SILENCE).tcp("tcp", stalls.address(), "blocked.kz", Type.A);
      assertEquals("generic_timeout_error", q.failure());
    }
  }

  @Test
  void dohServerResetDuringTlsIsConnectionResetWithNoHandshakeRecorded() {
    try (FaultServer resets = new FaultServer().start(FaultServer.Fault.RESET_ON_FIRST_BYTES)) {
      String url = "https://" + resets.address().getAddress().getHostAddress() + ":" + resets.port() + "/dns-query";
      DnsQuery q = step.doh(url, "blocked.kz", Type.A);
      assertEquals("connection_reset", q.failure());
      assertNull(q.xDohTls(), "no certificate was ever seen");
    }
  }

  @Test
  void dohHttpErrorIsServerMisbehaving() {
    DnsQuery q = step.doh(doh.httpUrl().resolve("/not-dns").toString(), "example.kz", Type.A);
    assertEquals("dns_server_misbehaving", q.failure());
    assertNull(q.rcode());
    assertNull(q.xDohTls().failure(), "TLS worked; the HTTP answer was wrong");
  }

  @Test
  void dohSilenceIsATimeoutOfTheQueryNotOfTheHandshake() {
    dns.silent("blocked.kz");
    // Long enough for the handshake itself to finish on a busy machine; the query then times out.
    DnsQuery q = step(roots, Duration.ofSeconds(5)).doh(doh.url(), "blocked.kz", Type.A);
    assertEquals("generic_timeout_error", q.failure());
    TlsHandshake tls = q.xDohTls();
    assertNotNull(tls);
    assertNull(tls.failure(), "the handshake completed before the server went quiet");
    assertEquals("TLSv1.3", tls.tlsVersion());
    assertEquals(2, tls.peerCertificates().size());
  }

  @Test
  void eachQueryIsOneStartAndOneEndEvent() {
    dns.answer("example.kz", PUBLIC_IP);
    dns.nxdomain("blocked.kz");
    udp("example.kz", Type.A);
    tcp("blocked.kz", Type.A);
    assertEquals(List.of("dnsStart udp example.kz A", "dnsEnd udp example.kz A null",
        "dnsStart tcp blocked.kz A", "dnsEnd tcp blocked.kz A dns_nxdomain_error"), events.events());
  }
}
