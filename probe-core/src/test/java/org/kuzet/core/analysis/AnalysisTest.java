package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.TestPki;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlResponse;

/**
 * The analysis as a table: each row is a named censorship (or non-censorship) scenario, written as the
 * observations and control record the probe would hold, with the expected {@code x_verdict}, {@code blocking},
 * {@code dns_consistency} and {@code x_signals}. No network: every record is built here.
 */
class AnalysisTest {
  private static final Verdict ACCESSIBLE = Verdict.ACCESSIBLE;
  private static final Verdict BLOCKED = Verdict.BLOCKED;
  private static final Verdict DOWN = Verdict.DOWN;
  private static final Verdict INCONCLUSIVE = Verdict.INCONCLUSIVE;
  private static final String CONSISTENT = "consistent";
  private static final String INCONSISTENT = "inconsistent";

  private static final String SITE = "news.kz";
  private static final String OTHER = "cdn.news.kz";
  private static final String IP = "185.22.64.10";
  private static final String IP2 = "185.22.64.11";
  private static final String OTHER_IP = "185.22.65.20";
  /** Where a lying resolver sends the site: an ordinary public address in another network. */
  private static final String LIE = "95.56.0.1";
  private static final String PROXY = "88.204.0.5";
  private static final String BOGON = "10.10.34.36";
  private static final long SITE_ASN = 21299;
  private static final long TH_RESOLVED = 2;

  private static final TestPki PKI = new TestPki();
  private static final X509Certificate LEAF = PKI.issue(SITE).certificate();
  private static final X509Certificate OTHER_LEAF = PKI.issue(OTHER).certificate();
  /** The site's own certificate, but not one kuzet's roots accept (expired, wrong host or private CA alike). */
  private static final X509Certificate BAD_LEAF = new TestPki().issue(SITE).certificate();
  private static final InterceptionCa UNKNOWN_CA = new InterceptionCa();
  private static final String QAZNET_ROOT = "qaznet-trust-network-2016";
  private static final InterceptionCa QAZNET = new InterceptionCa("C=KZ, CN=Qaznet Trust Network",
      InterceptionCa.DEFAULT_INTERMEDIATE_DN);
  private static final InterceptionCa RUSSIAN = new InterceptionCa(
      "C=RU, O=The Ministry of Digital Development and Communications, CN=Russian Trusted Root CA",
      "C=RU, O=The Ministry of Digital Development and Communications, CN=Russian Trusted Sub CA");

  /** The site's own certificate, issued under the watched Russian state root (leaf and intermediate as sent). */
  private static final X509Certificate[] RUSSIAN_SITE = sentChain(RUSSIAN);

  private static final Page NEWS = new Page(200, filler(6000), "Kazakhstan News Today",
      headers("Content-Type", "text/html", "Server", "nginx", "X-News-Edition", "kz"));
  /** The same front page a minute later, fetched from another edge: shorter, other common headers. */
  private static final Page NEWS_LATER = new Page(200, filler(2500), "Kazakhstan News Today",
      headers("Content-Type", "text/html", "Date", "Mon, 23 Nov 2026 09:00:00 GMT"));
  private static final Page NEWS_RETITLED = new Page(200, filler(2500), "Breaking: elections results",
      headers("Content-Type", "text/html", "X-News-Edition", "kz"));
  private static final Page BLOCKPAGE = new Page(200,
      "<html><head><title>Доступ ограничен</title></head><body>Страница заблокирована</body></html>",
      "Доступ ограничен", headers("Content-Type", "text/html"));
  /** A genuine article that quotes the Kazakh blockpage text. */
  private static final Page ARTICLE = new Page(200, "<html><head><title>How Kazakhstan blocks sites</title></head>"
      + "<body>Readers saw \"Страница заблокирована\" on many sites this week." + filler(3000) + "</body></html>",
      "How Kazakhstan blocks sites", headers("Content-Type", "text/html", "X-News-Edition", "kz"));
  private static final Page OTHER_PAGE = new Page(200, "<html><title>Welcome</title><p>hi</p></html>", "Welcome",
      headers("Content-Type", "text/html"));
  private static final Page PAGE_451 = new Page(451, "<html><title>Unavailable</title>Unavailable</html>",
      "Unavailable", headers("Content-Type", "text/html"));
  private static final Page CAPTCHA = new Page(403, filler(900), "Attention Required! | Cloudflare",
      headers("Content-Type", "text/html", "CF-Ray", "1"));
  private static final Page SERVER_ERROR = new Page(503, "busy", null, headers("Content-Type", "text/plain"));

  static Stream<Row> scenarios() {
    String http = "http://" + SITE + "/";
    String https = "https://" + SITE + "/";
    String ep80 = Endpoints.format(IP, 80);
    String ep443 = Endpoints.format(IP, 443);
    return Stream.of(
        // ---- no censorship
        row("plain HTTP page as the control sees it",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, NEWS).control(site(80).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT)
            .and(k -> {
              assertEquals(Boolean.TRUE, k.statusCodeMatch());
              assertEquals(Boolean.TRUE, k.bodyLengthMatch());
              assertEquals(1.0, k.bodyProportion());
              assertEquals(Boolean.TRUE, k.headersMatch());
              assertEquals(Boolean.TRUE, k.titleMatch());
              assertEquals(Boolean.FALSE, k.tcpConnect().get(0).status().blocked());
            }),
        row("HTTPS page validated against kuzet's roots",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS)
                .control(site(443).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT),
        row("IP address as input",
            obs().tcp(IP, 80).page("http://" + IP + "/", ep80, NEWS).control(site(80).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT),
        row("dynamic news page: length and headers differ, title the same",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, NEWS_LATER).control(site(80).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT)
            .and(k -> {
              assertEquals(Boolean.FALSE, k.bodyLengthMatch());
              assertEquals(Boolean.FALSE, k.headersMatch(), "only common headers in the probe's response");
              assertEquals(Boolean.TRUE, k.titleMatch());
            }),
        row("dynamic news page: new headline, uncommon header shared",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, NEWS_RETITLED).control(site(80).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT)
            .and(k -> {
              assertEquals(Boolean.FALSE, k.titleMatch());
              assertEquals(Boolean.TRUE, k.headersMatch());
            }),
        row("addresses differ from the control's but share its ASN",
            obs().dns(SITE, IP2).tcp(IP2, 80).page(http, Endpoints.format(IP2, 80), NEWS)
                .control(site(80).http(NEWS).ip(IP2, SITE_ASN, 1)),
            ACCESSIBLE, false, CONSISTENT),
        row("DNS hijack to a transparent proxy, HTTP: the page is right",
            obs().dns(SITE, PROXY).tcp(PROXY, 80).page(http, Endpoints.format(PROXY, 80), NEWS)
                .control(site(80).http(NEWS)),
            ACCESSIBLE, false, INCONSISTENT),
        row("DNS hijack to a transparent proxy, HTTPS: the real certificate proves the address (OONI's key:"
                + " no shared address or ASN, inconsistent)",
            obs().dns(SITE, PROXY).tcp(PROXY, 443).tls(PROXY, 443, SITE, null, LEAF)
                .page(https, Endpoints.format(PROXY, 443), NEWS).control(site(443).http(NEWS)),
            ACCESSIBLE, false, INCONSISTENT),
        row("CDN with geo-DNS, HTTP: another address in another ASN, the same page (OONI classic: inconsistent,"
                + " not blocked)",
            obs().dns(SITE, IP2).tcp(IP2, 80).page(http, Endpoints.format(IP2, 80), NEWS)
                .control(site(80).http(NEWS).ip(IP2, SITE_ASN + 1, 0)),
            ACCESSIBLE, false, INCONSISTENT),
        row("CDN with geo-DNS, HTTPS: another address in another ASN, the site's certificate",
            obs().dns(SITE, IP2).tcp(IP2, 443).tls(IP2, 443, SITE, null, LEAF)
                .page(https, Endpoints.format(IP2, 443), NEWS)
                .control(site(443).http(NEWS).ip(IP2, SITE_ASN + 1, 0)),
            ACCESSIBLE, false, INCONSISTENT),
        // ---- OONI's keys (classic: address or ASN overlap) where kuzet's reading differs
        row("a proxy address the helper validated TLS on serves another page over HTTP: OONI's blocking dns,"
                + " kuzet's http.diff",
            obs().dns(SITE, PROXY).tcp(PROXY, 80).page(http, Endpoints.format(PROXY, 80), OTHER_PAGE)
                .control(site(80).http(NEWS).ip(PROXY, 0, 8)),
            BLOCKED, "dns", INCONSISTENT, "http.diff"),
        row("a TLS reset at an address the helper validated: OONI's blocking dns, kuzet's tls.reset",
            obs().dns(SITE, PROXY).tcp(PROXY, 443).tls(PROXY, 443, SITE, Failures.CONNECTION_RESET)
                .notSent(https, Failures.CONNECTION_RESET).control(site(443).http(NEWS).ip(PROXY, 0, 8)),
            BLOCKED, "dns", INCONSISTENT, "tls.reset")
            .and(failedHop(0, "tls_handshake", Failures.CONNECTION_RESET)),
        row("CDN with geo-DNS, the site down everywhere: OONI's blocking dns, kuzet's down",
            obs().dns(SITE, IP2).tcpFail(IP2, 80, Failures.CONNECTION_REFUSED)
                .notSent(http, Failures.CONNECTION_REFUSED)
                .control(new Ctl().dns(IP).tcp(Endpoints.format(IP2, 80), Failures.CONNECTION_REFUSED)
                    .httpFailure(Failures.CONNECTION_REFUSED)),
            DOWN, "dns", INCONSISTENT),
        row("an unreachable DoH resolver says nothing about the site",
            obs().dns(SITE, IP).dnsVia("doh", SITE, Failures.GENERIC_TIMEOUT).tcp(IP, 80).page(http, ep80, NEWS)
                .control(site(80).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT),
        row("address the helper found valid for the domain (ip_info flags; OONI's key: inconsistent)",
            obs().dns(SITE, IP2).tcp(IP2, 80).page(http, Endpoints.format(IP2, 80), NEWS)
                .control(site(80).http(NEWS).ip(IP2, 0, 8)),
            ACCESSIBLE, false, INCONSISTENT),
        row("a name the control cannot resolve, served with a valid certificate (OONI's key: inconsistent)",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS)
                .control(new Ctl().dnsFailure(Failures.DNS_NXDOMAIN).httpFailure(Failures.DNS_NXDOMAIN)),
            ACCESSIBLE, false, INCONSISTENT),
        row("server CAPTCHA for the probe only, HTTPS: the real server's choice",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, CAPTCHA)
                .control(site(443).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT),
        row("the site's certificate seen with the same key by a control that trusts it",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, BAD_LEAF)
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY)
                .control(site(443).tls(ep443, null, BAD_LEAF, true).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT)
            .and(k -> assertNull(k.xInterception(), "the real server's key is no interception")),

        // ---- no usable control
        row("control unreachable, HTTPS success",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS)
                .controlFailure(Failures.GENERIC_TIMEOUT),
            ACCESSIBLE, false, null)
            .and(k -> assertEquals(Failures.GENERIC_TIMEOUT, k.controlFailure())),
        row("control unreachable, HTTP success",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, NEWS).controlFailure(Failures.CONNECTION_REFUSED),
            INCONCLUSIVE, null, null),
        row("no control configured, HTTP success",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, NEWS),
            INCONCLUSIVE, null, null)
            .and(k -> {
              assertEquals(Analysis.NO_CONTROL, k.controlFailure());
              assertNull(k.statusCodeMatch());
              assertNull(k.tcpConnect().get(0).status().blocked());
            }),
        row("no control, TLS timeout after ClientHello",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.GENERIC_TIMEOUT)
                .notSent(https, Failures.GENERIC_TIMEOUT),
            INCONCLUSIVE, null, null, "tls.timeout"),
        row("no control, NXDOMAIN",
            obs().dnsFailure(SITE, Failures.DNS_NXDOMAIN).notSent(https, Failures.DNS_NXDOMAIN),
            INCONCLUSIVE, null, null, "dns.nxdomain"),
        row("no control, bogon answer",
            obs().dnsBogon(SITE, BOGON).notSent(http, Failures.DNS_NO_ANSWER),
            INCONCLUSIVE, null, null, "dns.bogon"),
        row("no control, unknown-authority certificate: not enough on its own",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, chain(UNKNOWN_CA))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY),
            INCONCLUSIVE, null, null),
        row("control could not fetch the page the probe got over HTTP",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, NEWS)
                .control(site(80).httpFailure(Failures.GENERIC_TIMEOUT)),
            INCONCLUSIVE, null, CONSISTENT),
        row("control got a 5xx, the probe another page",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, OTHER_PAGE).control(site(80).http(SERVER_ERROR)),
            INCONCLUSIVE, null, CONSISTENT)
            .and(k -> assertNull(k.statusCodeMatch(), "a control 5xx is no evidence")),

        // ---- DNS
        row("DNS NXDOMAIN",
            obs().dnsFailure(SITE, Failures.DNS_NXDOMAIN).notSent(https, Failures.DNS_NXDOMAIN)
                .control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.nxdomain")
            .and(failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        row("DNS SERVFAIL",
            obs().dnsFailure(SITE, Failures.DNS_SERVFAIL).notSent(https, Failures.DNS_SERVFAIL)
                .control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.servfail"),
        row("DNS answer without addresses",
            obs().dnsFailure(SITE, Failures.DNS_NO_ANSWER).notSent(https, Failures.DNS_NO_ANSWER)
                .control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.no_answer"),
        row("DNS bogon answer",
            obs().dnsBogon(SITE, BOGON).notSent(http, Failures.DNS_NO_ANSWER).control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.bogon", "dns.inconsistent"),
        row("DNS timeout at the system resolver",
            obs().dnsFailure(SITE, Failures.GENERIC_TIMEOUT).notSent(http, Failures.GENERIC_TIMEOUT)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent"),
        row("ghost DNS: a lie pointing at an address where nothing answers",
            obs().dns(SITE, LIE).tcpFail(LIE, 80, Failures.GENERIC_TIMEOUT).notSent(http, Failures.GENERIC_TIMEOUT)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "tcp.timeout")
            .and(failedHop(0, "tcp_connect", Failures.GENERIC_TIMEOUT)),
        row("ghost DNS, the helper timing out at the lie's address too",
            obs().dns(SITE, LIE).tcpFail(LIE, 80, Failures.GENERIC_TIMEOUT).notSent(http, Failures.GENERIC_TIMEOUT)
                .control(site(80).tcp(Endpoints.format(LIE, 80), Failures.GENERIC_TIMEOUT).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "tcp.timeout"),
        row("a lie pointing at a closed port, refused for the helper too",
            obs().dns(SITE, LIE).tcpFail(LIE, 80, Failures.CONNECTION_REFUSED)
                .notSent(http, Failures.CONNECTION_REFUSED)
                .control(site(80).tcp(Endpoints.format(LIE, 80), Failures.CONNECTION_REFUSED).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "tcp.refused"),
        row("a lie pointing at another server, its certificate failing for the helper too",
            obs().dns(SITE, LIE).tcp(LIE, 443).tls(LIE, 443, SITE, Failures.SSL_INVALID_HOSTNAME, OTHER_LEAF)
                .notSent(https, Failures.SSL_INVALID_HOSTNAME)
                .control(site(443).tcp(Endpoints.format(LIE, 443), null)
                    .tls(Endpoints.format(LIE, 443), Failures.SSL_INVALID_HOSTNAME, OTHER_LEAF, false).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent"),
        row("injected DNS reply racing the real one",
            obs().dnsInjected(SITE, LIE, IP).tcp(LIE, 80).page(http, Endpoints.format(LIE, 80), BLOCKPAGE)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.injected", "http.blockpage"),
        row("injected lie dodged only by waiting for the late, true reply",
            obs().dnsInjected(SITE, LIE, IP).tcpFail(LIE, 80, Failures.GENERIC_TIMEOUT).tcp(IP, 80)
                .page(http, ep80, NEWS).control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.injected"),
        row("injected lie dodged by waiting for the true reply, no control",
            obs().dnsInjected(SITE, LIE, IP).tcpFail(LIE, 80, Failures.GENERIC_TIMEOUT).tcp(IP, 80)
                .page(http, ep80, NEWS),
            INCONCLUSIVE, null, null, "dns.injected"),
        row("known blockpage address in the DNS answer, no control",
            obs().dnsBogon(SITE, "10.10.34.34").notSent(http, Failures.DNS_NO_ANSWER),
            BLOCKED, "dns", null, "dns.bogon")
            .and(k -> assertEquals(List.of("ooni.ir_4"), k.xBlockpage())),
        row("site down: NXDOMAIN everywhere",
            obs().dnsFailure(SITE, Failures.DNS_NXDOMAIN).notSent(https, Failures.DNS_NXDOMAIN)
                .control(new Ctl().dnsFailure(ControlResponse.DNS_NAME_ERROR).httpFailure(Failures.DNS_NXDOMAIN)),
            DOWN, false, CONSISTENT)
            .and(failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        row("localhost everywhere: the bogon is the site's own record",
            obs().dnsBogon(SITE, "127.0.0.1").notSent(http, Failures.DNS_NO_ANSWER)
                .control(new Ctl().dns("127.0.0.1").httpFailure(Failures.CONNECTION_REFUSED)),
            DOWN, false, CONSISTENT),

        // ---- the user's view decides (issue 16): other resolvers are evidence, never a way around DNS blocking
        row("system NXDOMAIN, another resolver's address serves the site over validated HTTPS",
            obs().dnsFailure(SITE, Failures.DNS_NXDOMAIN).dnsFrom("udp", SITE, IP).tcp(IP, 443)
                .tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS).control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.nxdomain")
            .and(failedHop(0, "dns", Failures.DNS_NXDOMAIN)),
        row("system NXDOMAIN, DoH's address serves the site's valid certificate, no control: proven a lie",
            obs().dnsFailure(SITE, Failures.DNS_NXDOMAIN).dnsFrom("doh", SITE, IP).tcp(IP, 443)
                .tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS),
            BLOCKED, "dns", null, "dns.inconsistent", "dns.nxdomain"),
        row("system NXDOMAIN, DoH's address serves a page over plain HTTP, no control: unproven",
            obs().dnsFailure(SITE, Failures.DNS_NXDOMAIN).dnsFrom("doh", SITE, IP).tcp(IP, 80).page(http, ep80, NEWS),
            INCONCLUSIVE, null, null, "dns.nxdomain"),
        row("OONI's getaddrinfo NXDOMAIN, its UDP resolver's address serves the site",
            obs().dnsFrom("doh", SITE, IP).dnsVia("getaddrinfo", SITE, Failures.DNS_NXDOMAIN).dnsFrom("udp", SITE, IP)
                .tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS).control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.nxdomain"),
        row("OONI's getaddrinfo NXDOMAIN, the page fetched without a recorded address (only the UDP one could serve it)",
            obs().dnsVia("getaddrinfo", SITE, Failures.DNS_NXDOMAIN).dnsFrom("udp", SITE, IP).tcp(IP, 443)
                .tls(IP, 443, SITE, null, LEAF).page(https, null, NEWS).control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "dns.nxdomain"),
        row("a page fetched without a recorded address, one of the user's addresses could serve it",
            obs().dns(SITE, IP).dnsFrom("udp", SITE, IP2).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).tcp(IP2, 443)
                .tls(IP2, 443, SITE, null, LEAF).page(https, null, NEWS).control(site(443).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT),
        row("system bogon, another resolver's address serves the page over HTTP",
            obs().dnsBogon(SITE, BOGON).dnsFrom("tcp", SITE, IP).tcp(IP, 80).page(http, ep80, NEWS)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.bogon", "dns.inconsistent")
            .and(failedHop(0, "dns", Failures.DNS_BOGON)),
        row("system lie where nothing answers, another resolver's address serves the site over HTTPS",
            obs().dns(SITE, LIE).dnsFrom("udp", SITE, IP).tcpFail(LIE, 443, Failures.GENERIC_TIMEOUT).tcp(IP, 443)
                .tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS).control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent")
            .and(failedHop(0, "tcp_connect", Failures.GENERIC_TIMEOUT)),
        row("the system resolver's address blackholed, another resolver's (the site's too) works: the user's TCP fails",
            obs().dns(SITE, IP).dnsFrom("udp", SITE, IP2).tcpFail(IP, 443, Failures.GENERIC_TIMEOUT).tcp(IP2, 443)
                .tls(IP2, 443, SITE, null, LEAF).page(https, Endpoints.format(IP2, 443), NEWS)
                .control(site(443).dns(IP, IP2).http(NEWS)),
            BLOCKED, "tcp_ip", CONSISTENT, "tcp.timeout")
            .and(failedHop(0, "tcp_connect", Failures.GENERIC_TIMEOUT)),
        row("the system resolver tells the truth while a configured resolver lies",
            obs().dns(SITE, IP).dnsFrom("udp", SITE, LIE).tcp(IP, 443).tcpFail(LIE, 443, Failures.GENERIC_TIMEOUT)
                .tls(IP, 443, SITE, null, LEAF).page(https, ep443, NEWS).control(site(443).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT),

        // ---- ghost DNS (issue 16): the user's resolver invents an address for a name the control has not got
        row("ghost DNS: an address for a name that does not exist, refused there",
            obs().dns(SITE, LIE).tcpFail(LIE, 443, Failures.CONNECTION_REFUSED)
                .notSent(https, Failures.CONNECTION_REFUSED)
                .control(new Ctl().dnsFailure(ControlResponse.DNS_NAME_ERROR)
                    .tcp(Endpoints.format(LIE, 443), Failures.CONNECTION_REFUSED).httpFailure("dns_lookup_error")),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "tcp.refused"),
        row("ghost DNS: an address for a name that does not exist, serving a page over HTTP",
            obs().dns(SITE, LIE).tcp(LIE, 80).page(http, Endpoints.format(LIE, 80), OTHER_PAGE)
                .control(new Ctl().dnsFailure(ControlResponse.DNS_NAME_ERROR).httpFailure("dns_lookup_error")),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent"),

        // ---- local evidence weighed against the control (issue 16)
        row("451 from the publisher to everyone, over validated HTTPS: the site's own page",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, PAGE_451)
                .control(site(443).http(PAGE_451)),
            ACCESSIBLE, false, CONSISTENT),
        row("article quoting the blockpage text, the same for the control over validated HTTPS",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, ARTICLE)
                .control(site(443).http(ARTICLE).bodySha(ARTICLE)),
            ACCESSIBLE, false, CONSISTENT)
            .and(k -> assertEquals(List.of("cp.d_corp_kz_ps"), k.xBlockpage(), "the fingerprint is still shown")),
        row("451 over validated HTTPS that the control did not get",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, null, LEAF).page(https, ep443, PAGE_451)
                .control(site(443).http(NEWS)),
            BLOCKED, "http-diff", CONSISTENT, "http.451"),
        row("the same blockpage for probe and control, but over plain HTTP: the local evidence stands",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, ARTICLE).control(site(80).http(ARTICLE).bodySha(ARTICLE)),
            BLOCKED, "http-diff", CONSISTENT, "http.blockpage"),

        // ---- TCP
        row("TCP blackhole",
            obs().dns(SITE, IP).tcpFail(IP, 443, Failures.GENERIC_TIMEOUT).notSent(https, Failures.GENERIC_TIMEOUT)
                .control(site(443).http(NEWS)),
            BLOCKED, "tcp_ip", CONSISTENT, "tcp.timeout")
            .and(k -> assertEquals(Boolean.TRUE, k.tcpConnect().get(0).status().blocked())),
        row("TCP refused, consistent DNS",
            obs().dns(SITE, IP).tcpFail(IP, 80, Failures.CONNECTION_REFUSED)
                .notSent(http, Failures.CONNECTION_REFUSED).control(site(80).http(NEWS)),
            BLOCKED, "tcp_ip", CONSISTENT, "tcp.refused"),
        row("TCP refused, inconsistent DNS",
            obs().dns(SITE, LIE).tcpFail(LIE, 80, Failures.CONNECTION_REFUSED)
                .notSent(http, Failures.CONNECTION_REFUSED).control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "tcp.refused")
            .and(k -> assertNull(k.tcpConnect().get(0).status().blocked(), "the control never tried the lie")),
        row("TCP reset on connect",
            obs().dns(SITE, IP).tcpFail(IP, 80, Failures.CONNECTION_RESET).notSent(http, Failures.CONNECTION_RESET)
                .control(site(80).http(NEWS)),
            BLOCKED, "tcp_ip", CONSISTENT, "tcp.reset"),
        row("one address blackholed, the other works",
            obs().dns(SITE, IP, IP2).tcpFail(IP, 80, Failures.GENERIC_TIMEOUT).tcp(IP2, 80)
                .page(http, Endpoints.format(IP2, 80), NEWS)
                .control(site(80).dns(IP, IP2).tcp(Endpoints.format(IP2, 80), null).http(NEWS)),
            ACCESSIBLE, false, CONSISTENT)
            .and(k -> assertEquals(List.of(true, false),
                k.tcpConnect().stream().map(c -> c.status().blocked()).toList())),
        row("site down: refused everywhere",
            obs().dns(SITE, IP).tcpFail(IP, 80, Failures.CONNECTION_REFUSED)
                .notSent(http, Failures.CONNECTION_REFUSED)
                .control(new Ctl().dns(IP).tcp(ep80, Failures.CONNECTION_REFUSED)
                    .httpFailure(Failures.CONNECTION_REFUSED)),
            DOWN, false, CONSISTENT),

        // ---- TLS
        row("TLS reset after ClientHello",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.CONNECTION_RESET)
                .notSent(https, Failures.CONNECTION_RESET).control(site(443).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.reset")
            .and(failedHop(0, "tls_handshake", Failures.CONNECTION_RESET)),
        row("TLS timeout after ClientHello (Kazakhstan's most common method)",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.GENERIC_TIMEOUT)
                .notSent(https, Failures.GENERIC_TIMEOUT).control(site(443).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.timeout"),
        row("TLS EOF",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.EOF).notSent(https, Failures.EOF)
                .control(site(443).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.eof"),
        row("TLS timeout, control without TLS data (an older OONI helper)",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.GENERIC_TIMEOUT)
                .notSent(https, Failures.GENERIC_TIMEOUT)
                .control(new Ctl().dns(IP).tcp(ep443, null).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.timeout"),
        row("TLS timeout that the control shares",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.GENERIC_TIMEOUT)
                .notSent(https, Failures.GENERIC_TIMEOUT)
                .control(new Ctl().dns(IP).tcp(ep443, null).tls(ep443, Failures.GENERIC_TIMEOUT, null, null)
                    .httpFailure(Failures.GENERIC_TIMEOUT)),
            DOWN, false, CONSISTENT),

        // ---- certificates
        row("expired certificate, the same everywhere",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_INVALID_CERTIFICATE, BAD_LEAF)
                .notSent(https, Failures.SSL_INVALID_CERTIFICATE)
                .control(site(443).tls(ep443, Failures.SSL_INVALID_CERTIFICATE, BAD_LEAF, false)
                    .httpFailure(Failures.SSL_INVALID_CERTIFICATE)),
            DOWN, false, CONSISTENT),
        row("wrong-host certificate, the same everywhere",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_INVALID_HOSTNAME, OTHER_LEAF)
                .notSent(https, Failures.SSL_INVALID_HOSTNAME)
                .control(site(443).tls(ep443, Failures.SSL_INVALID_HOSTNAME, OTHER_LEAF, false)
                    .httpFailure(Failures.SSL_INVALID_HOSTNAME)),
            DOWN, false, CONSISTENT),
        row("unknown-authority certificate, the same everywhere",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, BAD_LEAF)
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY)
                .control(site(443).tls(ep443, Failures.SSL_UNKNOWN_AUTHORITY, BAD_LEAF, false)
                    .httpFailure(Failures.SSL_UNKNOWN_AUTHORITY)),
            DOWN, false, CONSISTENT),
        row("unknown-authority certificate, an OONI helper failing the same way (no key sent)",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, BAD_LEAF)
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY)
                .control(new Ctl().dns(IP).tcp(ep443, null).tls(ep443, Failures.SSL_UNKNOWN_AUTHORITY, null, null)
                    .httpFailure(Failures.SSL_UNKNOWN_AUTHORITY)),
            DOWN, false, CONSISTENT),
        row("interception with an unknown root",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, chain(UNKNOWN_CA))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY).control(site(443).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.interception")
            .and(k -> {
              assertEquals("CN=Security Certificate,C=KZ", k.xInterception().get("issuer").asText());
              assertEquals(Certificates.spkiSha256(LEAF), k.xInterception().get("control_spki_sha256").asText());
              assertFalse(k.xInterception().has("known_root"));
            }),
        row("interception: a different key, where the control's certificate is broken too",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, chain(UNKNOWN_CA))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY)
                .control(site(443).tls(ep443, Failures.SSL_INVALID_CERTIFICATE, BAD_LEAF, false)
                    .httpFailure(Failures.SSL_INVALID_CERTIFICATE)),
            BLOCKED, "http-failure", CONSISTENT, "tls.interception"),
        row("interception on one address while the HTTPS fetch got through another",
            obs().dns(SITE, IP, IP2).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, chain(UNKNOWN_CA))
                .tcp(IP2, 443).tls(IP2, 443, SITE, null, LEAF).page(https, Endpoints.format(IP2, 443), NEWS)
                .control(site(443).dns(IP, IP2).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.interception"),
        row("interception with an unknown root and inconsistent DNS",
            obs().dns(SITE, LIE).tcp(LIE, 443).tls(LIE, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, chain(UNKNOWN_CA))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY).control(site(443).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "tls.interception"),
        // Issue 16: a chain that only names the Qaznet root (its key is none of the shipped ones) used to count as
        // the known root, matched by issuer DN. A name is not a key: a look-alike, judged by the usual rules.
        row("a chain that only names the Kazakh root (a look-alike): interception by the usual rules",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, sentChain(QAZNET))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY).control(site(443).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.interception")
            .and(lookAlike("qaznet-trust-network-2016")),
        row("a chain that only names the Kazakh root, no control: not enough on its own",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, sentChain(QAZNET))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY),
            INCONCLUSIVE, null, null)
            .and(lookAlike("qaznet-trust-network-2016")),
        row("interception with the known Kazakh root sent in the chain, no control",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, keyedChain(QAZNET_ROOT))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY),
            BLOCKED, "http-failure", null, "tls.interception", "tls.known_interception_root")
            .and(knownRoot(QAZNET_ROOT, "cert_sha256", true)),
        row("interception with a root from the SPKI list sent in the chain",
            obs().dns(SITE, IP).tcp(IP, 443)
                .tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, UNKNOWN_CA.forgeLeaf(LEAF).certificate(),
                    root("isca-information-security-certification-authority-2020-0630"))
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY).controlFailure(Failures.GENERIC_TIMEOUT),
            BLOCKED, "http-failure", null, "tls.interception", "tls.known_interception_root")
            .and(knownRoot("isca-information-security-certification-authority-2020-0630", "cert_sha256", true)),
        row("watched state root on the site's own certificate: reported, not counted",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, RUSSIAN_SITE)
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY)
                .control(site(443).tls(ep443, Failures.SSL_UNKNOWN_AUTHORITY, RUSSIAN_SITE[0], false)
                    .httpFailure(Failures.SSL_UNKNOWN_AUTHORITY)),
            DOWN, false, CONSISTENT)
            .and(lookAlike("russian-trusted-root-ca-2022")),
        row("watched state root where the control sees the real certificate",
            obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, RUSSIAN_SITE)
                .notSent(https, Failures.SSL_UNKNOWN_AUTHORITY).control(site(443).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.interception")
            .and(lookAlike("russian-trusted-root-ca-2022")),

        // ---- HTTP
        row("HTTP reset after the request",
            obs().dns(SITE, IP).tcp(IP, 80).failed(http, ep80, Failures.CONNECTION_RESET)
                .control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "http.reset")
            .and(failedHop(0, "http", Failures.CONNECTION_RESET)),
        row("HTTP timeout after the request",
            obs().dns(SITE, IP).tcp(IP, 80).failed(http, ep80, Failures.GENERIC_TIMEOUT)
                .control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "http.timeout"),
        row("HTTP EOF",
            obs().dns(SITE, IP).tcp(IP, 80).failed(http, ep80, Failures.EOF).control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "http.eof"),
        row("response headers too large to read while the control fetched the page: the server's fault",
            obs().dns(SITE, IP).tcp(IP, 80).failed(http, ep80, Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE)
                .control(site(80).http(NEWS)),
            INCONCLUSIVE, null, CONSISTENT),
        row("response headers too large for the probe and the control",
            obs().dns(SITE, IP).tcp(IP, 80).failed(http, ep80, Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE)
                .control(site(80).httpFailure(Failures.EOF)),
            DOWN, false, CONSISTENT),
        row("HTTP step's own connect refused after the TCP step got through",
            obs().dns(SITE, IP).tcp(IP, 80).failed(http, ep80, Failures.CONNECTION_REFUSED)
                .control(site(80).http(NEWS)),
            BLOCKED, "tcp_ip", CONSISTENT, "tcp.refused")
            .and(failedHop(0, "tcp_connect", Failures.CONNECTION_REFUSED)),
        row("HTTP 451 page",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, PAGE_451).control(site(80).http(NEWS)),
            BLOCKED, "http-diff", CONSISTENT, "http.451"),
        row("HTTP 451 page, no control",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, PAGE_451),
            BLOCKED, "http-diff", null, "http.451"),
        row("200 blockpage without DNS redirection",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, BLOCKPAGE).control(site(80).http(NEWS)),
            BLOCKED, "http-diff", CONSISTENT, "http.blockpage")
            .and(k -> assertEquals(List.of("cp.d_corp_kz_ps"), k.xBlockpage())),
        row("200 blockpage with DNS redirection",
            obs().dns(SITE, LIE).tcp(LIE, 80).page(http, Endpoints.format(LIE, 80), BLOCKPAGE)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "http.blockpage"),
        row("200 blockpage, control unreachable",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, BLOCKPAGE).controlFailure(Failures.GENERIC_TIMEOUT),
            BLOCKED, "http-diff", null, "http.blockpage"),
        row("a different page over HTTP",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, OTHER_PAGE).control(site(80).http(NEWS)),
            BLOCKED, "http-diff", CONSISTENT, "http.diff"),
        row("a different page over HTTP, inconsistent DNS",
            obs().dns(SITE, LIE).tcp(LIE, 80).page(http, Endpoints.format(LIE, 80), OTHER_PAGE)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", INCONSISTENT, "dns.inconsistent", "http.diff"),
        row("server CAPTCHA for the probe only, HTTP: OONI's known false positive",
            obs().dns(SITE, IP).tcp(IP, 80).page(http, ep80, CAPTCHA).control(site(80).http(NEWS)),
            BLOCKED, "http-diff", CONSISTENT, "http.diff")
            .and(k -> assertEquals(Boolean.FALSE, k.statusCodeMatch())),

        // ---- redirects
        row("redirect, then NXDOMAIN for the new host",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/")
                .dnsFailure(OTHER, Failures.DNS_NXDOMAIN).notSent("https://" + OTHER + "/", Failures.DNS_NXDOMAIN)
                .control(site(80).http(NEWS)),
            BLOCKED, "dns", CONSISTENT, "dns.nxdomain")
            .and(failedHop(1, "dns", Failures.DNS_NXDOMAIN)),
        row("redirect, then TCP refused",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/").dns(OTHER, OTHER_IP)
                .tcpFail(OTHER_IP, 443, Failures.CONNECTION_REFUSED)
                .notSent("https://" + OTHER + "/", Failures.CONNECTION_REFUSED).control(site(80).http(NEWS)),
            BLOCKED, "tcp_ip", CONSISTENT, "tcp.refused")
            .and(failedHop(1, "tcp_connect", Failures.CONNECTION_REFUSED)),
        row("redirect, then TLS timeout",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/").dns(OTHER, OTHER_IP)
                .tcp(OTHER_IP, 443).tls(OTHER_IP, 443, OTHER, Failures.GENERIC_TIMEOUT)
                .notSent("https://" + OTHER + "/", Failures.GENERIC_TIMEOUT).control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.timeout")
            .and(failedHop(1, "tls_handshake", Failures.GENERIC_TIMEOUT)),
        row("redirect, then a TLS reset on the new host, recorded without a request for it (as OONI records)",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/").dns(OTHER, OTHER_IP)
                .tcp(OTHER_IP, 443).tls(OTHER_IP, 443, OTHER, Failures.CONNECTION_RESET).control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.reset")
            .and(failedHop(1, "tls_handshake", Failures.CONNECTION_RESET)),
        row("redirect, then NXDOMAIN for the new host, recorded without a request for it",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/")
                .dnsFailure(OTHER, Failures.DNS_NXDOMAIN).control(site(80).http(NEWS)),
            BLOCKED, "dns", CONSISTENT, "dns.nxdomain")
            .and(failedHop(1, "dns", Failures.DNS_NXDOMAIN)),
        row("redirect, then HTTP reset",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/").dns(OTHER, OTHER_IP)
                .tcp(OTHER_IP, 443).tls(OTHER_IP, 443, OTHER, null, OTHER_LEAF)
                .failed("https://" + OTHER + "/", Endpoints.format(OTHER_IP, 443), Failures.CONNECTION_RESET)
                .control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "http.reset")
            .and(failedHop(1, "http", Failures.CONNECTION_RESET)),
        row("redirect, then the known Kazakh root on the new host",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/").dns(OTHER, OTHER_IP)
                .tcp(OTHER_IP, 443).tls(OTHER_IP, 443, OTHER, Failures.SSL_UNKNOWN_AUTHORITY, keyedChain(QAZNET_ROOT))
                .notSent("https://" + OTHER + "/", Failures.SSL_UNKNOWN_AUTHORITY).control(site(80).http(NEWS)),
            BLOCKED, "http-failure", CONSISTENT, "tls.interception", "tls.known_interception_root")
            .and(k -> assertEquals(1, k.xInterception().get("hop").asInt())),
        row("redirect, then a failure the control shares",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, "https://" + OTHER + "/").dns(OTHER, OTHER_IP)
                .tcpFail(OTHER_IP, 443, Failures.CONNECTION_REFUSED)
                .notSent("https://" + OTHER + "/", Failures.CONNECTION_REFUSED)
                .control(site(80).httpFailure(Failures.CONNECTION_REFUSED)),
            DOWN, false, CONSISTENT)
            .and(failedHop(1, "tcp_connect", Failures.CONNECTION_REFUSED)),
        row("too many redirects, everywhere",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, http + "a").redirect(http + "a", ep80, http + "b")
                .control(site(80).httpFailure(Failures.unknown("stopped after 10 redirects"))),
            DOWN, false, CONSISTENT)
            .and(k -> assertEquals(1, k.xFailedHop().get("hop").asInt())),
        row("too many redirects for the probe only",
            obs().dns(SITE, IP).tcp(IP, 80).redirect(http, ep80, http + "a").redirect(http + "a", ep80, http + "b")
                .control(site(80).http(NEWS)),
            BLOCKED, "http-diff", CONSISTENT, "http.diff"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(Row row) {
    TestKeys in = row.obs().keys();
    TestKeys out = Analysis.analyze(in);
    assertEquals(row.verdict(), out.xVerdict(), "x_verdict");
    assertEquals(row.blocking() == null ? null : Blocking.fromWire(row.blocking()), out.blocking(), "blocking");
    assertEquals(row.verdict() == ACCESSIBLE ? Boolean.TRUE
        : row.verdict() == INCONCLUSIVE && !"dns".equals(row.blocking()) ? null : Boolean.FALSE,
        out.accessible(), "accessible");
    assertEquals(row.dnsConsistency(), out.dnsConsistency(), "dns_consistency");
    assertEquals(row.signals(), out.xSignals().stream().map(Signal::wire).toList(), "x_signals");
    assertSame(in.queries(), out.queries(), "observations are passed through untouched");
    assertEquals(in.requests(), out.requests());
    row.more().accept(out);
  }

  @Test
  void theTableCoversEveryVerdictButOfflineAndManyScenarios() {
    List<Row> rows = scenarios().toList();
    assertTrue(rows.size() >= 60, "rows: " + rows.size());
    assertEquals(rows.size(), rows.stream().map(Row::name).distinct().count(), "row names are unique");
  }

  @Test
  void theAnalysisIsAPureFunction() {
    Obs obs = obs().dns(SITE, IP).tcp(IP, 443).tls(IP, 443, SITE, Failures.GENERIC_TIMEOUT)
        .notSent("https://" + SITE + "/", Failures.GENERIC_TIMEOUT).control(site(443).http(NEWS));
    TestKeys in = obs.keys();
    assertEquals(Analysis.analyze(in), Analysis.analyze(in));
    assertEquals(Analysis.analyze(in), Analysis.analyze(Analysis.analyze(in)), "analysing twice changes nothing");
  }

  @Test
  void theVerdictSurvivesTheExportCodec() throws Exception {
    TestKeys out = Analysis.analyze(obs().dns(SITE, IP).tcp(IP, 443)
        .tls(IP, 443, SITE, Failures.SSL_UNKNOWN_AUTHORITY, keyedChain(QAZNET_ROOT))
        .notSent("https://" + SITE + "/", Failures.SSL_UNKNOWN_AUTHORITY).control(site(443).http(NEWS)).keys());
    JsonNode json = MeasurementJson.mapper().valueToTree(out);
    assertEquals("blocked", json.get("x_verdict").asText());
    assertEquals("http-failure", json.get("blocking").asText());
    assertEquals("[\"tls.interception\",\"tls.known_interception_root\"]", json.get("x_signals").toString());
    assertEquals("qaznet-trust-network-2016", json.at("/x_interception/known_root/name").asText());
    assertEquals("tls_handshake", json.at("/x_failed_hop/step").asText());
    assertEquals(out, MeasurementJson.mapper().treeToValue(json, TestKeys.class));
  }

  // ---- the table's vocabulary

  private record Row(String name, Obs obs, Verdict verdict, Object blocking, String dnsConsistency,
      List<String> signals, Consumer<TestKeys> more) {
    Row and(Consumer<TestKeys> check) {
      return new Row(name, obs, verdict, blocking, dnsConsistency, signals, more.andThen(check));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Row row(String name, Obs obs, Verdict verdict, Object blocking, String dnsConsistency,
      String... signals) {
    return new Row(name, obs, verdict, blocking, dnsConsistency, Arrays.asList(signals), k -> { });
  }

  private static Consumer<TestKeys> failedHop(int hop, String step, String failure) {
    return k -> {
      assertEquals(hop, k.xFailedHop().get("hop").asInt(), "x_failed_hop.hop");
      assertEquals(step, k.xFailedHop().get("step").asText(), "x_failed_hop.step");
      assertEquals(failure, k.xFailedHop().get("failure").asText(), "x_failed_hop.failure");
    };
  }

  private static Consumer<TestKeys> knownRoot(String name, String matchedBy, boolean counted) {
    return k -> {
      JsonNode root = k.xInterception().get("known_root");
      assertEquals(name, root.get("name").asText());
      assertEquals(matchedBy, root.get("matched_by").asText());
      assertEquals(counted, root.get("counted").asBoolean());
      assertEquals(counted ? "count" : "watch", root.get("status").asText());
    };
  }

  private record Page(int code, String body, String title, Map<String, String> headers) {}

  private static Map<String, String> headers(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String filler(int length) {
    return "<html><body>" + "x".repeat(length) + "</body></html>";
  }

  /** A chain forged for the site by {@code ca}, as sent: leaf and intermediate, root withheld. */
  private static X509Certificate[] sentChain(InterceptionCa ca) {
    return new X509Certificate[] {ca.forgeLeaf(LEAF).certificate(), ca.intermediateCertificate()};
  }

  /** A chain forged for the site by an unknown CA that ends in the real known root {@code name} (its PEM). */
  private static X509Certificate[] keyedChain(String name) {
    return new X509Certificate[] {UNKNOWN_CA.forgeLeaf(LEAF).certificate(), UNKNOWN_CA.intermediateCertificate(),
        root(name)};
  }

  /** A certificate named like the known root {@code name}, without its key: reported as a look-alike only. */
  private static Consumer<TestKeys> lookAlike(String name) {
    return k -> {
      assertFalse(k.xInterception().has("known_root"), "no known root by name alone");
      JsonNode l = k.xInterception().get("look_alike");
      assertEquals("name_only", l.get("matched_by").asText());
      assertEquals(false, l.get("counted").asBoolean());
      assertTrue(l.get("names").toString().contains(name), "look_alike.names: " + l.get("names"));
    };
  }

  /** A chain forged for the site by {@code ca}, root included. */
  private static X509Certificate[] chain(InterceptionCa ca) {
    return new X509Certificate[] {ca.forgeLeaf(LEAF).certificate(), ca.intermediateCertificate(),
        ca.rootCertificate()};
  }

  private static X509Certificate root(String name) {
    try {
      return InterceptionRootsTest.pem(name + ".pem");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Obs obs() {
    return new Obs();
  }

  /** The control of an uncensored site at {@link #IP}: DNS, TCP, and for 443 a valid TLS handshake. */
  private static Ctl site(int port) {
    String ep = Endpoints.format(IP, port);
    Ctl c = new Ctl().dns(IP).tcp(ep, null).ip(IP, SITE_ASN, TH_RESOLVED);
    return port == 443 ? c.tls(ep, null, LEAF, true) : c;
  }

  /** The probe's records of one measurement, in the order WebConnectivity writes them. */
  private static final class Obs {
    private final List<DnsQuery> queries = new ArrayList<>();
    private final List<TcpConnect> tcp = new ArrayList<>();
    private final List<TlsHandshake> tls = new ArrayList<>();
    private final List<HttpTransaction> requests = new ArrayList<>();
    private JsonNode control;
    private String controlFailure;

    Obs dns(String host, String... ips) {
      queries.add(query("system", host, null, answers(false, ips), List.of()));
      return this;
    }

    Obs dnsBogon(String host, String... ips) {
      queries.add(query("system", host, null, answers(true, ips), List.of()));
      return this;
    }

    Obs dnsFailure(String host, String failure) {
      queries.add(query("system", host, failure, List.of(), List.of()));
      return this;
    }

    /** Addresses from another resolver ("udp", "tcp", "doh"), or OONI's "getaddrinfo". */
    Obs dnsFrom(String engine, String host, String... ips) {
      queries.add(query(engine, host, null, answers(false, ips), List.of()));
      return this;
    }

    Obs dnsVia(String engine, String host, String failure) {
      queries.add(query(engine, host, failure, List.of(), List.of()));
      return this;
    }

    /** The first reply is {@code lie}; a second reply to the same query carries {@code truth}. */
    Obs dnsInjected(String host, String lie, String truth) {
      queries.add(query("system", host, null, answers(false, lie), List.of(answers(false, truth))));
      return this;
    }

    Obs tcp(String ip, int port) {
      tcp.add(new TcpConnect(ip, port, new TcpConnect.Status(true, null, null), 0.1, 0.2));
      return this;
    }

    Obs tcpFail(String ip, int port, String failure) {
      tcp.add(new TcpConnect(ip, port, new TcpConnect.Status(false, failure, null), 0.1, 0.2));
      return this;
    }

    Obs tls(String ip, int port, String sni, String failure, X509Certificate... chain) {
      List<TlsHandshake.PeerCertificate> certs = new ArrayList<>();
      for (X509Certificate c : chain) {
        try {
          certs.add(TlsHandshake.PeerCertificate.ofDer(c.getEncoded()));
        } catch (CertificateEncodingException e) {
          throw new IllegalStateException(e);
        }
      }
      tls.add(new TlsHandshake(Endpoints.format(ip, port), sni, failure == null ? "TLSv1.3" : null, null, null,
          false, certs, failure, 0.2, 0.3));
      return this;
    }

    Obs page(String url, String endpoint, Page p) {
      return response(url, endpoint, p.code(), p.body(), p.title(), p.headers());
    }

    Obs redirect(String url, String endpoint, String location) {
      return response(url, endpoint, 302, "", null, headers("Location", location));
    }

    Obs failed(String url, String endpoint, String failure) {
      requests.add(new HttpTransaction(request(url), null, failure, 0.3, 0.4, endpoint, requests.size()));
      return this;
    }

    Obs notSent(String url, String failure) {
      requests.add(new HttpTransaction(request(url), null, failure, 0.3, 0.3, null, requests.size()));
      return this;
    }

    Obs control(Ctl c) {
      control = c.json;
      return this;
    }

    Obs controlFailure(String failure) {
      controlFailure = failure;
      return this;
    }

    TestKeys keys() {
      try {
        ControlResponse answer = control == null ? null
            : MeasurementJson.mapper().treeToValue(control, ControlResponse.class);
        return TestKeys.observations(queries, tcp, tls, requests, null)
            .withControl(new ControlExchange(null, answer, controlFailure));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("the test's control is not a helper answer", e);
      }
    }

    private Obs response(String url, String endpoint, int code, String body, String title,
        Map<String, String> headers) {
      List<List<String>> list = headers.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList();
      HttpTransaction.Response r = new HttpTransaction.Response(code, headers, list, body, false,
          body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, title);
      requests.add(new HttpTransaction(request(url), r, null, 0.3, 0.4, endpoint, requests.size()));
      return this;
    }

    private static HttpTransaction.Request request(String url) {
      return new HttpTransaction.Request("GET", url, Map.of(), "", "tcp");
    }

    private static DnsQuery query(String engine, String host, String failure, List<DnsAnswer> answers,
        List<List<DnsAnswer>> extra) {
      return new DnsQuery(engine, "192.168.1.1:53", host, "A", failure == null ? 0 : null, answers, failure, 1,
          0.0, 0.1, extra, null);
    }

    private static List<DnsAnswer> answers(boolean bogon, String... ips) {
      return Arrays.stream(ips).map(ip -> DnsAnswer.a(ip, 300, bogon)).toList();
    }
  }

  /** A control record in the test helper's response shape, with kuzet's x_ extras where given. */
  private static final class Ctl {
    private final ObjectNode json = JsonNodeFactory.instance.objectNode();

    Ctl dns(String... addrs) {
      ObjectNode d = json.putObject("dns");
      d.putNull("failure");
      Arrays.stream(addrs).forEach(d.putArray("addrs")::add);
      return this;
    }

    Ctl dnsFailure(String failure) {
      ObjectNode d = json.putObject("dns");
      d.put("failure", failure);
      d.putArray("addrs");
      return this;
    }

    Ctl tcp(String endpoint, String failure) {
      ObjectNode t = object("tcp_connect").putObject(endpoint);
      t.put("status", failure == null);
      t.put("failure", failure);
      return this;
    }

    /** {@code leaf} and {@code valid} null leave out kuzet's extras, as OONI's helpers do. */
    Ctl tls(String endpoint, String failure, X509Certificate leaf, Boolean valid) {
      ObjectNode t = object("tls_handshake").putObject(endpoint);
      t.put("server_name", SITE);
      t.put("status", failure == null);
      t.put("failure", failure);
      if (leaf != null) {
        t.put("x_leaf_spki_sha256", Certificates.spkiSha256(leaf));
        t.put("x_leaf_issuer", leaf.getIssuerX500Principal().getName());
      }
      if (valid != null) {
        t.put("x_chain_valid", valid);
      }
      return this;
    }

    Ctl http(Page p) {
      ObjectNode h = json.putObject("http_request");
      h.put("body_length", p.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
      h.putNull("failure");
      h.put("title", p.title() == null ? "" : p.title());
      ObjectNode headers = h.putObject("headers");
      p.headers().forEach(headers::put);
      h.put("status_code", p.code());
      return this;
    }

    /** kuzet's helper's {@code x_body_sha256} of the page. */
    Ctl bodySha(Page p) {
      ((ObjectNode) json.get("http_request")).put("x_body_sha256",
          Certificates.sha256Hex(p.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return this;
    }

    Ctl httpFailure(String failure) {
      ObjectNode h = json.putObject("http_request");
      h.put("body_length", -1);
      h.put("failure", failure);
      h.put("title", "");
      h.putObject("headers");
      h.put("status_code", -1);
      return this;
    }

    private ObjectNode object(String name) {
      return json.has(name) ? (ObjectNode) json.get(name) : json.putObject(name);
    }

    Ctl ip(String ip, long asn, long flags) {
      ObjectNode i = object("ip_info").putObject(ip);
      i.put("asn", asn);
      i.put("flags", flags);
      return this;
    }
  }
}
