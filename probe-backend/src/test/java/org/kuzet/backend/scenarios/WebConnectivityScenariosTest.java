package org.kuzet.backend.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.backend.scenarios.Expect.accessible;
import static org.kuzet.backend.scenarios.Expect.blocked;
import static org.kuzet.backend.scenarios.Expect.down;
import static org.kuzet.backend.scenarios.Expect.inconclusive;
import static org.kuzet.core.testing.world.Pages.articleQuotingBlockpage;
import static org.kuzet.core.testing.world.Pages.captcha;
import static org.kuzet.core.testing.world.Pages.dynamicNews;
import static org.kuzet.core.testing.world.Pages.kazakhBlockpage;
import static org.kuzet.core.testing.world.Pages.longArticle;
import static org.kuzet.core.testing.world.Pages.news;
import static org.kuzet.core.testing.world.Pages.otherPage;
import static org.kuzet.core.testing.world.Pages.publisher451;
import static org.kuzet.core.testing.world.Pages.redirectLoop;
import static org.kuzet.core.testing.world.Pages.redirectTo;
import static org.kuzet.core.testing.world.Pages.unavailableForLegalReasons;
import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTP;
import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTPS;
import static org.kuzet.core.testing.FaultServer.Fault.CLOSE_ON_FIRST_BYTES;
import static org.kuzet.core.testing.FaultServer.Fault.RESET_ON_FIRST_BYTES;
import static org.kuzet.core.testing.FaultServer.Fault.STALL_AFTER_FIRST_BYTES;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kuzet.core.testing.world.ScenarioWorld.Site;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.LoopbackAddresses;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.schema.Failures;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * kuzet's web connectivity QA table, after OONI's webconnectivityqa: each row builds a small censored world on
 * loopback ({@link World}), measures one URL with the real engine against the real test helper, and asserts the
 * verdict: {@code x_verdict}, {@code blocking}, {@code accessible}, the exact {@code x_signals}, and where it
 * matters {@code dns_consistency}, {@code x_failed_hop}, {@code x_blockpage}, {@code x_interception}.
 *
 * <p>"Censored" sites ({@link World#censoredSite}) are reached by the probe at an inside address where the row puts
 * its middlebox; the helper reaches the real server. "Same everywhere" sites ({@link World#site}) are one server
 * for both. The expected values follow issue 4, issue 16 (the user's view decides, keys not names, local evidence
 * weighed against the control, ghost DNS) and DESIGN.md; where they were ambiguous, OONI's behaviour.
 *
 * <p>Each row also checks its expectation on the measurement as the golden files store it ({@link Golden}); with
 * {@code -Dkuzet.updateGolden=true} it records {@code golden/<row>/measurement.json} and {@code analysis.json},
 * which {@link GoldenAnalysisTest} replays without the network.
 */
class WebConnectivityScenariosTest {
  private static final String SITE = "news.kz";
  private static final String CDN = "cdn.kz";
  private static final String KZ_BLOCKPAGE = "cp.d_corp_kz_ps";
  private static final String QAZNET = "qaznet-trust-network-2016";
  private static final String ISCA_2020 = "isca-information-security-certification-authority-2020-0630";
  private static final String CONSISTENT = "consistent";
  private static final String INCONSISTENT = "inconsistent";

  record Scenario(String name, Function<World, String> build, Expect expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Scenario scenario(String name, Function<World, String> build, Expect expect) {
    return new Scenario(name, build, expect);
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        // ---- no censorship
        scenario("plain HTTP site, the same everywhere",
            w -> w.site(SITE, HTTP, news()).url(),
            accessible().dns(CONSISTENT).and(k -> assertEquals(null, k.xFailedHop()))),
        scenario("HTTPS site, the same everywhere",
            w -> w.site(SITE, HTTPS, news()).url(),
            accessible().dns(CONSISTENT).noInterception()),
        scenario("dynamic page: a different body on every fetch",
            w -> w.site(SITE, HTTP, dynamicNews()).url(),
            accessible().dns(CONSISTENT).and(k -> {
              assertEquals(Boolean.FALSE, k.bodyLengthMatch(), "body_length_match");
              assertEquals(Boolean.TRUE, k.titleMatch(), "title_match");
            })),
        scenario("IP address as input",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              return "http://" + s.address().getHostAddress() + ":" + s.port() + "/";
            },
            accessible().dns(CONSISTENT)),
        scenario("CNAME to the site's host, the same everywhere",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              for (var dns : List.of(w.probeDns, w.helperDns)) {
                dns.answer("origin.news.kz", s.address().getHostAddress()).cname(SITE, "origin.news.kz");
              }
              return s.url();
            },
            accessible().dns(CONSISTENT)),
        scenario("CDN: the probe and the helper get different addresses, each with the real certificate",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              InetAddress other = LoopbackAddresses.next();
              w.replica(s, other, news());
              w.helperDns.answer(SITE, other.getHostAddress());
              return s.url();
            },
            // OONI's key (classic: no shared address or ASN) says inconsistent, and not blocked: the page is right.
            accessible().dns(INCONSISTENT)),
        scenario("a name the helper cannot resolve, served with a valid certificate",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.helperDns.nxdomain(SITE);
              return s.url();
            },
            accessible().dns(INCONSISTENT)), // OONI classic: the probe resolved a name the control did not
        scenario("one of two addresses blackholed, the other works",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              InetAddress second = LoopbackAddresses.next();
              w.replica(s, second, news());
              w.probeDns.answer(SITE, s.address().getHostAddress(), second.getHostAddress());
              w.helperDns.answer(SITE, s.outside().getHostAddress(), second.getHostAddress());
              w.blackhole(s);
              return s.url();
            },
            accessible().dns(CONSISTENT).and(k -> assertEquals(List.of(true, false),
                k.tcpConnect().stream().map(c -> c.status().blocked()).toList(), "tcp_connect[].status.blocked"))),
        scenario("DNS hijack to a transparent proxy, HTTP: the page is right",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.relay(w.lie(SITE), s);
              return s.url();
            },
            accessible().dns(INCONSISTENT)),
        scenario("DNS hijack to a transparent proxy, HTTPS: the real certificate proves the address",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.relay(w.lie(SITE), s);
              return s.url();
            },
            accessible().dns(INCONSISTENT)), // OONI's key; kuzet's reading: no dns.inconsistent, accessible
        scenario("server CAPTCHA for the probe only, HTTPS: the real server's choice",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.serve(s, s.certificates(), captcha());
              return s.url();
            },
            accessible().dns(CONSISTENT)),
        scenario("server CAPTCHA for the probe only, HTTP: OONI's known false positive",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.serve(s, null, captcha());
              return s.url();
            },
            blocked("http-diff", "http.diff").dns(CONSISTENT)
                .and(k -> assertEquals(Boolean.FALSE, k.statusCodeMatch(), "status_code_match"))),

        // ---- no usable control
        scenario("control unreachable, HTTPS success",
            w -> w.controlUnreachable().site(SITE, HTTPS, news()).url(),
            accessible().dns(null)
                .and(k -> assertEquals(Failures.CONNECTION_REFUSED, k.controlFailure(), "control_failure"))),
        scenario("control unreachable, HTTP success",
            w -> w.controlUnreachable().site(SITE, HTTP, news()).url(),
            inconclusive().dns(null)),
        scenario("control unreachable, TLS timeout after ClientHello",
            w -> {
              Site s = w.controlUnreachable().censoredSite(SITE, HTTPS, news());
              w.fault(s, STALL_AFTER_FIRST_BYTES);
              return s.url();
            },
            inconclusive("tls.timeout").failedHop(0, "tls_handshake", Failures.GENERIC_TIMEOUT)),
        scenario("control unreachable, Kazakh blockpage: conclusive on its own",
            w -> {
              Site s = w.controlUnreachable().censoredSite(SITE, HTTP, news());
              w.serve(s, null, kazakhBlockpage());
              return s.url();
            },
            blocked("http-diff", "http.blockpage").blockpage(KZ_BLOCKPAGE)),
        scenario("control unreachable, interception under the Qaznet root: conclusive on its own",
            w -> {
              Site s = w.controlUnreachable().censoredSite(SITE, HTTPS, news());
              w.serve(s, underKnownRoot(QAZNET, s.leaf()), news());
              return s.url();
            },
            blocked("http-failure", "tls.interception", "tls.known_interception_root")
                .knownRoot(QAZNET, "cert_sha256")),

        // ---- DNS
        scenario("DNS NXDOMAIN",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.nxdomain(SITE);
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.nxdomain").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        scenario("DNS SERVFAIL",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.servfail(SITE);
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.servfail").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_SERVFAIL)),
        scenario("DNS answer without addresses",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.noAnswer(SITE);
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.no_answer").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_NO_ANSWER)),
        scenario("DNS timeout: the resolver stays silent",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.probeDns.silent(SITE);
              return s.url();
            },
            blocked("dns", "dns.inconsistent").dns(INCONSISTENT).failedHop(0, "dns", Failures.GENERIC_TIMEOUT)),
        scenario("DNS bogon answer",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.probeDns.answer(SITE, "10.0.13.37");
              return s.url();
            },
            blocked("dns", "dns.bogon", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_BOGON)),
        scenario("ghost DNS: an address where nothing answers",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.blackhole(w.lie(SITE), s.port());
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "tcp.timeout").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.GENERIC_TIMEOUT)),
        scenario("injected DNS reply racing the real one, to a blockpage",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              InetAddress blockpage = LoopbackAddresses.next();
              w.serve(blockpage, s.port(), null, kazakhBlockpage());
              w.probeDns.inject(SITE, blockpage.getHostAddress());
              w.probe(b -> b.injectionWindow(World.INJECTION_WINDOW));
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.injected", "http.blockpage").dns(INCONSISTENT)
                .blockpage(KZ_BLOCKPAGE)),
        scenario("injected DNS reply racing the real one, to an address where nothing answers",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              InetAddress ghost = LoopbackAddresses.next();
              w.blackhole(ghost, s.port());
              w.probeDns.inject(SITE, ghost.getHostAddress());
              w.probe(b -> b.injectionWindow(World.INJECTION_WINDOW));
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.injected").dns(INCONSISTENT)),
        scenario("injected bogon racing the real answer",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.inject(SITE, "10.0.13.37");
              w.probe(b -> b.injectionWindow(World.INJECTION_WINDOW));
              return s.url();
            },
            blocked("dns", "dns.bogon", "dns.inconsistent", "dns.injected").dns(INCONSISTENT)),
        scenario("DNS redirection to a blockpage server over HTTPS (its own certificate)",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.serve(w.lie(SITE), s.port(), w.pki.serverCertificate("blocked.kz"), kazakhBlockpage());
              return s.url();
            },
            blocked("dns", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "tls_handshake", Failures.SSL_INVALID_HOSTNAME)),
        scenario("site down: NXDOMAIN everywhere",
            w -> {
              w.probeDns.nxdomain(SITE);
              w.helperDns.nxdomain(SITE);
              return "https://" + SITE + ":8443/";
            },
            down().dns(CONSISTENT).failedHop(0, "dns", Failures.DNS_NXDOMAIN)),

        // ---- the user's view decides (issue 16): other resolvers knowing the truth never hide DNS blocking
        scenario("system NXDOMAIN, --resolver and DoH know the truth, HTTP",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.probeDns.nxdomain(SITE);
              w.truthfulResolvers();
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.nxdomain").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        scenario("system NXDOMAIN, --resolver and DoH know the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.nxdomain(SITE);
              w.truthfulResolvers();
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.nxdomain").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        scenario("system NXDOMAIN, only DoH knows the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.nxdomain(SITE);
              w.truthfulDoh();
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.nxdomain").dns(INCONSISTENT)),
        scenario("system bogon, --resolver and DoH know the truth, HTTP",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.probeDns.answer(SITE, "10.0.13.37");
              w.truthfulResolvers();
              return s.url();
            },
            blocked("dns", "dns.bogon", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_BOGON)),
        scenario("system bogon, --resolver and DoH know the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.answer(SITE, "10.0.13.37");
              w.truthfulResolvers();
              return s.url();
            },
            blocked("dns", "dns.bogon", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "dns", Failures.DNS_BOGON)),
        scenario("system lie to an address where nothing listens, --resolver and DoH know the truth, HTTP",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.lie(SITE);
              w.truthfulResolvers();
              return s.url();
            },
            blocked("dns", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("system lie to an address where nothing listens, --resolver and DoH know the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.lie(SITE);
              w.truthfulResolvers();
              return s.url();
            },
            blocked("dns", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("injected first UDP reply, the late reply, --resolver and DoH know the truth, HTTP",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.probeDns.inject(SITE, LoopbackAddresses.next().getHostAddress());
              w.truthfulResolvers().probe(b -> b.injectionWindow(Duration.ofMillis(300)));
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.injected").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("injected first UDP reply, the late reply, --resolver and DoH know the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.inject(SITE, LoopbackAddresses.next().getHostAddress());
              w.truthfulResolvers().probe(b -> b.injectionWindow(Duration.ofMillis(300)));
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.injected").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("injected first UDP reply, the system resolver's TCP answer knows the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.probeDns.inject(SITE, LoopbackAddresses.next().getHostAddress());
              w.systemResolverOverTcpToo().probe(b -> b.injectionWindow(Duration.ofMillis(300)));
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.injected").dns(INCONSISTENT)),
        scenario("control unreachable, system NXDOMAIN, DoH's address serves the site's valid certificate",
            w -> {
              Site s = w.controlUnreachable().site(SITE, HTTPS, news());
              w.probeDns.nxdomain(SITE);
              w.truthfulDoh();
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "dns.nxdomain").dns(null)
                .failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        scenario("control unreachable, system NXDOMAIN, DoH's address serves plain HTTP: unproven",
            w -> {
              Site s = w.controlUnreachable().site(SITE, HTTP, news());
              w.probeDns.nxdomain(SITE);
              w.truthfulDoh();
              return s.url();
            },
            inconclusive("dns.nxdomain").dns(null)),
        scenario("a --resolver lies, the system resolver tells the truth, HTTPS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.lyingResolver(SITE);
              return s.url();
            },
            accessible().dns(CONSISTENT)),

        // ---- ghost DNS (issue 16): the probe's resolver invents an address for a name that does not exist
        scenario("ghost DNS: an address for a name the helper gets NXDOMAIN for, HTTP",
            w -> {
              InetAddress ghost = w.lie(SITE);
              return "http://" + SITE + ":" + LoopbackAddresses.closedPort(ghost) + "/";
            },
            blocked("dns", "dns.inconsistent", "tcp.refused").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("ghost DNS: an address for a name the helper gets NXDOMAIN for, HTTPS",
            w -> {
              InetAddress ghost = w.lie(SITE);
              return "https://" + SITE + ":" + LoopbackAddresses.closedPort(ghost) + "/";
            },
            blocked("dns", "dns.inconsistent", "tcp.refused").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("ghost DNS: the invented address serves a page over HTTP",
            w -> {
              InetAddress ghost = w.lie(SITE);
              int port = w.serve(ghost, 0, null, otherPage()).getPort();
              return "http://" + SITE + ":" + port + "/";
            },
            blocked("dns", "dns.inconsistent").dns(INCONSISTENT)),

        // ---- TCP
        scenario("TCP blackhole",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.blackhole(s);
              return s.url();
            },
            blocked("tcp_ip", "tcp.timeout").dns(CONSISTENT)
                .failedHop(0, "tcp_connect", Failures.GENERIC_TIMEOUT)
                .and(k -> assertEquals(Boolean.TRUE, k.tcpConnect().get(0).status().blocked(), "blocked"))),
        scenario("TCP refused, consistent DNS",
            w -> w.censoredSite(SITE, HTTPS, news()).url(),
            blocked("tcp_ip", "tcp.refused").dns(CONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("TCP refused, inconsistent DNS",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              w.lie(SITE);
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "tcp.refused").dns(INCONSISTENT)
                .failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("site down: refused everywhere",
            w -> w.deadSite(SITE, HTTPS).url(),
            down().dns(CONSISTENT).failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("site down: blackholed everywhere",
            w -> {
              Site s = w.deadSite(SITE, HTTP);
              w.blackhole(s);
              return s.url();
            },
            down().dns(CONSISTENT).failedHop(0, "tcp_connect", Failures.GENERIC_TIMEOUT)),

        // ---- TLS
        scenario("TLS reset after ClientHello",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.fault(s, RESET_ON_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "tls.reset").dns(CONSISTENT)
                .failedHop(0, "tls_handshake", Failures.CONNECTION_RESET)),
        scenario("TLS timeout after ClientHello (Kazakhstan's most common method)",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.fault(s, STALL_AFTER_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "tls.timeout").dns(CONSISTENT)
                .failedHop(0, "tls_handshake", Failures.GENERIC_TIMEOUT)),
        scenario("TLS EOF after ClientHello",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.fault(s, CLOSE_ON_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "tls.eof").dns(CONSISTENT).failedHop(0, "tls_handshake", Failures.EOF)),

        // ---- certificates
        scenario("expired certificate, the same everywhere",
            w -> w.site(SITE, w.pki.expired(SITE), news()).url(),
            down().dns(CONSISTENT).noInterception()
                .failedHop(0, "tls_handshake", Failures.SSL_INVALID_CERTIFICATE)),
        scenario("wrong-host certificate, the same everywhere",
            w -> w.site(SITE, w.pki.wrongHost(SITE), news()).url(),
            down().dns(CONSISTENT).noInterception().failedHop(0, "tls_handshake", Failures.SSL_INVALID_HOSTNAME)),
        scenario("unknown-authority certificate, the same everywhere",
            w -> w.site(SITE, w.pki.untrusted(SITE), news()).url(),
            down().dns(CONSISTENT).noInterception().failedHop(0, "tls_handshake", Failures.SSL_UNKNOWN_AUTHORITY)),
        scenario("interception with an unknown root",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              InterceptionCa ca = new InterceptionCa("C=KZ, O=Middlebox, CN=Middlebox Root",
                  InterceptionCa.DEFAULT_INTERMEDIATE_DN);
              w.serve(s, ca.forge(s.leaf().certificate()), news());
              return s.url();
            },
            blocked("http-failure", "tls.interception").dns(CONSISTENT)
                .interceptedBy("CN=Security Certificate,C=KZ")
                .failedHop(0, "tls_handshake", Failures.SSL_UNKNOWN_AUTHORITY)),
        scenario("interception at an address only the probe's resolver gives (the helper meets it there too)",
            w -> {
              Site s = w.site(SITE, HTTPS, news());
              InterceptionCa ca = new InterceptionCa("C=KZ, O=Middlebox, CN=Middlebox Root",
                  InterceptionCa.DEFAULT_INTERMEDIATE_DN);
              w.serve(w.lie(SITE), s.port(), ca.forge(s.leaf().certificate()), news());
              return s.url();
            },
            blocked("dns", "dns.inconsistent").dns(INCONSISTENT)
                .failedHop(0, "tls_handshake", Failures.SSL_UNKNOWN_AUTHORITY)),
        scenario("interception with the known Kazakh root (Qaznet Trust Network)",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.serve(s, underKnownRoot(QAZNET, s.leaf()), news());
              return s.url();
            },
            blocked("http-failure", "tls.interception", "tls.known_interception_root").dns(CONSISTENT)
                .knownRoot(QAZNET, "cert_sha256").failedHop(0, "tls_handshake", Failures.SSL_UNKNOWN_AUTHORITY)),
        scenario("interception with a known Kazakh root (ISCA, 2020)",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.serve(s, underKnownRoot(ISCA_2020, s.leaf()), news());
              return s.url();
            },
            blocked("http-failure", "tls.interception", "tls.known_interception_root").dns(CONSISTENT)
                .knownRoot(ISCA_2020, "cert_sha256")),

        // ---- keys, not names (issue 16)
        scenario("look-alike ISCA root: the 2020 subject with another key",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.serve(s, lookAlike(ISCA_2020).forge(s.leaf().certificate()), news());
              return s.url();
            },
            blocked("http-failure", "tls.interception").dns(CONSISTENT).lookAlike(ISCA_2020)
                .failedHop(0, "tls_handshake", Failures.SSL_UNKNOWN_AUTHORITY)),
        scenario("look-alike ISCA root, control unreachable: a name is not enough",
            w -> {
              Site s = w.controlUnreachable().censoredSite(SITE, HTTPS, news());
              w.serve(s, lookAlike(ISCA_2020).forge(s.leaf().certificate()), news());
              return s.url();
            },
            inconclusive().lookAlike(ISCA_2020)),

        // ---- local evidence weighed against the control (issue 16)
        scenario("a genuine article quoting the Kazakh blockpage text, the same everywhere over HTTPS",
            w -> w.site(SITE, HTTPS, articleQuotingBlockpage()).url(),
            accessible().dns(CONSISTENT).blockpage(KZ_BLOCKPAGE)),
        scenario("the publisher answers 451 to everyone (Link rel=blocked-by), over HTTPS",
            w -> w.site(SITE, HTTPS, publisher451()).url(),
            accessible().dns(CONSISTENT)),
        scenario("451 with rel=blocked-by for the probe only, over the real certificate",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.serve(s, s.certificates(), publisher451());
              return s.url();
            },
            blocked("http-diff", "http.451").dns(CONSISTENT)),
        scenario("Kazakh blockpage for the probe only, over the real certificate",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.serve(s, s.certificates(), kazakhBlockpage());
              return s.url();
            },
            blocked("http-diff", "http.blockpage").dns(CONSISTENT).blockpage(KZ_BLOCKPAGE)),
        scenario("the article quoting the blockpage text over plain HTTP: without TLS the local evidence stands",
            w -> w.site(SITE, HTTP, articleQuotingBlockpage()).url(),
            blocked("http-diff", "http.blockpage").dns(CONSISTENT).blockpage(KZ_BLOCKPAGE)),

        // ---- HTTP
        scenario("HTTP reset after the request",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.fault(s, RESET_ON_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "http.reset").dns(CONSISTENT).failedHop(0, "http", Failures.CONNECTION_RESET)),
        scenario("HTTP timeout after the request",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.fault(s, STALL_AFTER_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "http.timeout").dns(CONSISTENT)
                .failedHop(0, "http", Failures.GENERIC_TIMEOUT)),
        scenario("HTTP body throttled to a trickle, the control gets it whole",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, longArticle(false));
              w.serve(s, null, longArticle(true));
              return s.url();
            },
            blocked("http-failure", "throttled").dns(CONSISTENT)
                .failedHop(0, "http", Failures.GENERIC_TIMEOUT)
                .and(k -> {
                  long got = k.requests().get(0).response().xBodyLength();
                  assertTrue(got > 0 && got < 128 * 1024, "part of the body was kept: " + got);
                })),
        scenario("HTTP body slow everywhere (the control times out too)",
            w -> w.site(SITE, HTTP, longArticle(true)).url(),
            down().dns(CONSISTENT).failedHop(0, "http", Failures.GENERIC_TIMEOUT)),
        scenario("HTTP EOF after the request",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.fault(s, CLOSE_ON_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "http.eof").dns(CONSISTENT).failedHop(0, "http", Failures.EOF)),
        scenario("HTTPS reset on the request, after the real TLS handshake",
            w -> {
              Site s = w.censoredSite(SITE, HTTPS, news());
              w.faultAfterTls(s, s.certificates(), RESET_ON_FIRST_BYTES);
              return s.url();
            },
            blocked("http-failure", "http.reset").dns(CONSISTENT).failedHop(0, "http", Failures.CONNECTION_RESET)),
        scenario("HTTP 451 page",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.serve(s, null, unavailableForLegalReasons());
              return s.url();
            },
            blocked("http-diff", "http.451").dns(CONSISTENT)),
        scenario("200 blockpage without DNS redirection (Страница заблокирована)",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.serve(s, null, kazakhBlockpage());
              return s.url();
            },
            blocked("http-diff", "http.blockpage").dns(CONSISTENT).blockpage(KZ_BLOCKPAGE)),
        scenario("200 blockpage with DNS redirection (Страница заблокирована)",
            w -> {
              Site s = w.site(SITE, HTTP, news());
              w.serve(w.lie(SITE), s.port(), null, kazakhBlockpage());
              return s.url();
            },
            blocked("dns", "dns.inconsistent", "http.blockpage").dns(INCONSISTENT).blockpage(KZ_BLOCKPAGE)),
        scenario("302 to the ISP's blockpage (Страница заблокирована)",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              Site isp = w.site("blocked.isp.kz", HTTP, kazakhBlockpage());
              w.serve(s, null, redirectTo(isp.url()));
              return s.url();
            },
            blocked("http-diff", "http.blockpage").dns(CONSISTENT).blockpage(KZ_BLOCKPAGE)
                .and(k -> assertEquals(2, k.requests().size(), "requests"))),
        scenario("a different page over HTTP",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.serve(s, null, otherPage());
              return s.url();
            },
            blocked("http-diff", "http.diff").dns(CONSISTENT)),

        // ---- redirects
        scenario("redirect to another host over HTTPS, accessible",
            w -> {
              Site cdn = w.site(CDN, HTTPS, news());
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            accessible().dns(CONSISTENT)),
        scenario("redirect, then NXDOMAIN for the new host",
            w -> {
              Site cdn = w.site(CDN, HTTPS, news());
              w.probeDns.nxdomain(CDN);
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            blocked("dns", "dns.nxdomain").dns(CONSISTENT).failedHop(1, "dns", Failures.DNS_NXDOMAIN)),
        scenario("redirect, then TCP refused",
            w -> {
              Site cdn = w.censoredSite(CDN, HTTPS, news());
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            blocked("tcp_ip", "tcp.refused").dns(CONSISTENT).failedHop(1, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("redirect, then TLS timeout after ClientHello",
            w -> {
              Site cdn = w.censoredSite(CDN, HTTPS, news());
              w.fault(cdn, STALL_AFTER_FIRST_BYTES);
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            blocked("http-failure", "tls.timeout").dns(CONSISTENT)
                .failedHop(1, "tls_handshake", Failures.GENERIC_TIMEOUT)),
        scenario("redirect, then HTTP reset",
            w -> {
              Site cdn = w.censoredSite(CDN, HTTPS, news());
              w.faultAfterTls(cdn, cdn.certificates(), RESET_ON_FIRST_BYTES);
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            blocked("http-failure", "http.reset").dns(CONSISTENT).failedHop(1, "http", Failures.CONNECTION_RESET)),
        scenario("redirect, then the Qaznet root on the new host",
            w -> {
              Site cdn = w.censoredSite(CDN, HTTPS, news());
              w.serve(cdn, underKnownRoot(QAZNET, cdn.leaf()), news());
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            blocked("http-failure", "tls.interception", "tls.known_interception_root").dns(CONSISTENT)
                .knownRoot(QAZNET, "cert_sha256")
                .and(k -> assertEquals(1, k.xInterception().path("hop").asInt(), "x_interception.hop"))),
        scenario("redirect, then a failure the control shares",
            w -> {
              Site cdn = w.deadSite(CDN, HTTPS);
              return w.site(SITE, HTTP, redirectTo(cdn.url())).url();
            },
            down().dns(CONSISTENT).failedHop(1, "tcp_connect", Failures.CONNECTION_REFUSED)),
        scenario("too many redirects, everywhere",
            w -> w.site(SITE, HTTP, redirectLoop()).url(),
            down().dns(CONSISTENT).and(lastHopCut())),
        scenario("too many redirects for the probe only",
            w -> {
              Site s = w.censoredSite(SITE, HTTP, news());
              w.serve(s, null, redirectLoop());
              return s.url();
            },
            blocked("http-diff", "http.diff").dns(CONSISTENT).and(lastHopCut())));
  }

  /** The chain was cut at the probe's redirect limit (10): the failed hop is the eleventh request's. */
  private static java.util.function.Consumer<TestKeys> lastHopCut() {
    return k -> {
      assertEquals(11, k.requests().size(), "requests");
      assertEquals(10, k.xFailedHop().path("hop").asInt(), "x_failed_hop.hop");
      assertEquals("http", k.xFailedHop().path("step").asText(), "x_failed_hop.step");
    };
  }

  /** One JIT-cold TLS handshake can take longer than a scenario's timeouts: pay for it before the table runs. */
  @BeforeAll
  static void warmUp() {
    try (World w = new World()) {
      w.measure(w.site(SITE, HTTPS, news()).url());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(Scenario s) {
    try (World w = new World()) {
      Measurement m = w.measurement(s.build().apply(w));
      s.expect().check(s.name(), m.testKeys());
      // The measurement as the golden files store it must tell the analysis the same story.
      ObjectNode stored = Golden.normalise(m);
      TestKeys replayed = Analysis.analyze(Golden.keys(stored));
      s.expect().check(s.name() + " (normalised for the golden files)", replayed);
      OoniConformance.check(s.name(), m); // the export --format ooni line, and kuzet analyze reading it back
      if (Golden.updating()) {
        Golden.write(Golden.dir(s.name()).resolve("measurement.json"), Golden.pretty(stored));
        Golden.write(Golden.dir(s.name()).resolve("analysis.json"), Golden.pretty(Golden.analysis(replayed)));
      }
    }
  }

  @Test
  void theTableIsBigEnoughAndCoversEveryVerdictButOffline() {
    List<Scenario> all = scenarios().toList();
    assertTrue(all.size() >= 40, "at least 40 scenarios, got " + all.size());
    assertEquals(all.size(), all.stream().map(Scenario::name).distinct().count(), "scenario names are unique");
    for (Verdict v : List.of(Verdict.ACCESSIBLE, Verdict.BLOCKED, Verdict.DOWN, Verdict.INCONCLUSIVE)) {
      assertTrue(all.stream().anyMatch(s -> s.expect().verdict == v), "no scenario expects " + v);
    }
  }

  /**
   * A middlebox's chain under one of the real Kazakh interception roots: a leaf forged for the site, an
   * intermediate, and the real root certificate (from probe-core's test copies of the PEMs). Nobody can sign with
   * the real root's key, so the intermediate is not really its child; the probe's analysis matches the root by its
   * hash, as it would on the wire.
   */
  static HandshakeCertificates underKnownRoot(String name, HeldCertificate realLeaf) {
    X509Certificate root = pem(name);
    // The intermediate names the real root as its issuer (a key store refuses a chain whose names do not link).
    String rootDn = X500Name.getInstance(root.getSubjectX500Principal().getEncoded()).toString();
    InterceptionCa ca = new InterceptionCa(rootDn, InterceptionCa.DEFAULT_INTERMEDIATE_DN);
    return new HandshakeCertificates.Builder()
        .heldCertificate(ca.forgeLeaf(realLeaf.certificate()), ca.intermediateCertificate(), root)
        .build();
  }

  /** An interception CA whose root has the subject of the real root {@code name}, but a key of its own. */
  static InterceptionCa lookAlike(String name) {
    return new InterceptionCa(X500Name.getInstance(pem(name).getSubjectX500Principal().getEncoded()).toString(),
        InterceptionCa.DEFAULT_INTERMEDIATE_DN);
  }

  private static X509Certificate pem(String name) {
    String path = "/org/kuzet/core/analysis/interception-roots/" + name + ".pem";
    try (InputStream in = WebConnectivityScenariosTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " missing: it comes with kuzet-testing");
      }
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot parse " + path, e);
    }
  }
}
