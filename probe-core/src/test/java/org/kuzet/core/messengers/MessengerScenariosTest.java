package org.kuzet.core.messengers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.MessengerKeys;
import org.kuzet.schema.OoniExport;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;

/**
 * The messenger tests' scenario rows, on loopback: every app's names resolve through a fake resolver to loopback
 * servers, and an endpoint map sends Telegram's literal data-centre addresses (and every service's real port) to
 * loopback servers. Nothing reaches the internet.
 */
class MessengerScenariosTest {
  private static final List<String> HTTPS_NAMES = List.of("v.whatsapp.net", "web.whatsapp.com", "web.telegram.org",
      "textsecure-service.whispersystems.org", "storage.signal.org", "cdn.signal.org", "cdn2.signal.org",
      "sfu.voip.signal.org");

  /** The apps' world: one HTTPS server for every service, one TCP listener for WhatsApp's endpoints, DCs on HTTP. */
  private static final class World implements AutoCloseable {
    final TestPki pki = new TestPki();
    final FakeDnsServer dns = new FakeDnsServer();
    final List<AutoCloseable> closeables = new ArrayList<>();
    /** Where each address really is (every port of it). */
    final Map<InetAddress, InetSocketAddress> where = new HashMap<>();
    final MessengerEndpoints endpoints = MessengerEndpoints.bundled();
    final List<Cidr> publicRanges = new ArrayList<>(List.of(Cidr.parse("127.0.0.0/8")));
    MockWebServer web;
    MockWebServer dc;
    FaultServer endpointsServer;

    World() {
      this(200);
    }

    /** Every HTTPS service answers {@code code}. */
    World(int code) {
      web = server(pki.serverCertificate(HTTPS_NAMES.toArray(String[]::new)).sslSocketFactory(), code);
      for (String name : HTTPS_NAMES) {
        dns.answer(name, web.getHostName());
        where.put(addr(web.getHostName()), new InetSocketAddress(web.getHostName(), web.getPort()));
      }
      endpointsServer = track(new FaultServer(LoopbackAddresses.next()).start(
          FaultServer.Fault.STALL_AFTER_FIRST_BYTES));
      for (String host : endpoints.app(Messenger.WHATSAPP).connect().get(0).hosts()) {
        dns.answer(host, endpointsServer.address().getAddress().getHostAddress());
      }
      where.put(endpointsServer.address().getAddress(), endpointsServer.address());
      dc = server(null, 404);
      for (String ip : endpoints.app(Messenger.TELEGRAM).connect().get(0).hosts()) {
        where.put(addr(ip), new InetSocketAddress(dc.getHostName(), dc.getPort()));
      }
    }

    MockWebServer server(javax.net.ssl.SSLSocketFactory tls, int code) {
      MockWebServer s = new MockWebServer();
      if (tls != null) {
        s.useHttps(tls);
      }
      s.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(code).body("ok").build();
        }
      });
      try {
        s.start(LoopbackAddresses.next(), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return track(s);
    }

    <T extends AutoCloseable> T track(T c) {
      closeables.add(c);
      return c;
    }

    static InetAddress addr(String ip) {
      try {
        return InetAddress.getByName(ip);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(ip, e);
      }
    }

    Measurement check(Messenger app) {
      ProbeSettings settings = ProbeSettings.builder()
          .systemResolvers(List.of(dns.address()))
          .addressPolicy(AddressPolicy.publicRanges(publicRanges))
          .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
          .dnsTimeout(Duration.ofSeconds(3))
          .connectTimeout(Duration.ofSeconds(2))
          .tlsTimeout(Duration.ofSeconds(5))
          .httpTimeout(Duration.ofSeconds(5))
          .injectionWindow(Duration.ofMillis(20))
          .probeCc("KZ")
          .probeAsn("AS9198")
          .build();
      EndpointMap map = a -> where.getOrDefault(a.getAddress(), a);
      try (MessengerCheck check = new MessengerCheck(settings, endpoints, map)) {
        return check.measure(app, "scenario");
      }
    }

    @Override
    public void close() {
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception ignored) {
          // keep closing
        }
      }
      dns.close();
    }
  }

  private static JsonNode ooni(Measurement m) {
    return OoniExport.tree(MeasurementJson.toLine(m)).path("test_keys");
  }

  @Test
  void everyEndpointReachable() {
    try (World w = new World()) {
      for (Messenger app : Messenger.values()) {
        Measurement m = w.check(app);
        assertEquals(app.testName(), m.testName());
        assertEquals(Verdict.ACCESSIBLE, m.testKeys().xVerdict(), () -> app + ": " + m.testKeys().requests());
        assertEquals(List.of(), m.testKeys().xSignals());
      }
      JsonNode wa = ooni(w.check(Messenger.WHATSAPP));
      assertEquals("ok", wa.path("whatsapp_endpoints_status").asText());
      assertEquals(0, wa.path("whatsapp_endpoints_blocked").size());
      assertEquals("ok", wa.path("registration_server_status").asText());
      assertEquals("ok", wa.path("whatsapp_web_status").asText());
      JsonNode tg = ooni(w.check(Messenger.TELEGRAM));
      assertEquals(false, tg.path("telegram_tcp_blocking").asBoolean(true));
      assertEquals(false, tg.path("telegram_http_blocking").asBoolean(true));
      assertEquals("ok", tg.path("telegram_web_status").asText());
      JsonNode sg = ooni(w.check(Messenger.SIGNAL));
      assertEquals("ok", sg.path("signal_backend_status").asText());
      assertTrue(sg.path("signal_backend_failure").isNull());
    }
  }

  @Test
  void dnsBlockingOfWhatsappsHosts() {
    try (World w = new World()) {
      w.endpoints.app(Messenger.WHATSAPP).connect().get(0).hosts().forEach(w.dns::nxdomain);
      w.dns.nxdomain("v.whatsapp.net").nxdomain("web.whatsapp.com");
      Measurement wa = w.check(Messenger.WHATSAPP);
      assertEquals(Verdict.BLOCKED, wa.testKeys().xVerdict());
      assertEquals(List.of(Signal.DNS_NXDOMAIN), wa.testKeys().xSignals());
      JsonNode keys = ooni(wa);
      assertEquals("blocked", keys.path("whatsapp_endpoints_status").asText());
      assertEquals(16, keys.path("whatsapp_endpoints_blocked").size());
      assertEquals("dns_nxdomain_error", keys.path("registration_server_failure").asText());
      assertEquals(Verdict.ACCESSIBLE, w.check(Messenger.TELEGRAM).testKeys().xVerdict());
      assertEquals(Verdict.ACCESSIBLE, w.check(Messenger.SIGNAL).testKeys().xVerdict());
    }
  }

  @Test
  void telegramDataCentresBlackholed() {
    try (World w = new World()) {
      Blackhole hole = w.track(Blackhole.open());
      for (String ip : w.endpoints.app(Messenger.TELEGRAM).connect().get(0).hosts()) {
        w.where.put(World.addr(ip), hole.address());
      }
      Measurement tg = w.check(Messenger.TELEGRAM);
      assertEquals(Verdict.BLOCKED, tg.testKeys().xVerdict());
      assertEquals(List.of(Signal.TCP_TIMEOUT), tg.testKeys().xSignals());
      JsonNode keys = ooni(tg);
      assertEquals(true, keys.path("telegram_tcp_blocking").asBoolean(false));
      assertEquals(true, keys.path("telegram_http_blocking").asBoolean(false));
      assertEquals("ok", keys.path("telegram_web_status").asText());
      assertEquals(Verdict.ACCESSIBLE, w.check(Messenger.WHATSAPP).testKeys().xVerdict());
    }
  }

  @Test
  void sniResetOfWhatsappWeb() {
    try (World w = new World()) {
      // web.whatsapp.com alone leads to a middlebox that resets the connection on the ClientHello.
      FaultServer reset = w.track(new FaultServer(LoopbackAddresses.next()).start(
          FaultServer.Fault.RESET_ON_FIRST_BYTES));
      w.dns.answer("web.whatsapp.com", reset.address().getAddress().getHostAddress());
      w.where.put(reset.address().getAddress(), reset.address());
      Measurement wa = w.check(Messenger.WHATSAPP);
      assertEquals(Verdict.BLOCKED, wa.testKeys().xVerdict());
      assertEquals(List.of(Signal.TLS_RESET), wa.testKeys().xSignals());
      JsonNode keys = ooni(wa);
      assertEquals("blocked", keys.path("whatsapp_web_status").asText());
      assertEquals("connection_reset", keys.path("whatsapp_web_failure").asText());
      assertEquals("ok", keys.path("whatsapp_endpoints_status").asText());
      assertEquals("ok", keys.path("registration_server_status").asText());
      assertTrue(ooni(wa).path("control").isMissingNode(), "no web_connectivity keys in a messenger test");
    }
  }

  @Test
  void serverErrorsEverywhereAndNothingFailingOnTheNetworkIsDownNotBlocked() {
    try (World w = new World(503)) {
      Measurement sg = w.check(Messenger.SIGNAL);
      assertEquals(Verdict.DOWN, sg.testKeys().xVerdict(), () -> "" + sg.testKeys().requests());
      assertEquals(List.of(), sg.testKeys().xSignals());
      assertEquals("ok", ooni(sg).path("signal_backend_status").asText(), "OONI counts any answer as working");
    }
  }

  @Test
  void telegramDataCentresGetAnHttpPostOnPorts80And443AsOoniSendsIt() throws InterruptedException {
    try (World w = new World()) {
      Measurement tg = w.check(Messenger.TELEGRAM);
      List<String> dcs = w.endpoints.app(Messenger.TELEGRAM).connect().get(0).hosts();
      assertEquals(6, dcs.size(), "probe-cli's six data centres");
      assertEquals(2 * dcs.size(), w.dc.getRequestCount(), "every data centre on both ports");
      for (int i = 0; i < 2 * dcs.size(); i++) {
        RecordedRequest seen = w.dc.takeRequest();
        assertEquals("POST", seen.getMethod(), "the fake data centre saw a POST");
        assertEquals("0", seen.getHeaders().get("Content-Length"));
      }
      List<String> urls = tg.testKeys().requests().stream()
          .filter(tx -> tx.request().url().startsWith("http://149.154.175.50")).map(tx -> tx.request().url())
          .sorted().toList();
      assertEquals(List.of("http://149.154.175.50/", "http://149.154.175.50:443/"), urls);
      JsonNode keys = ooni(tg);
      assertEquals(false, keys.path("telegram_tcp_blocking").asBoolean(true));
      assertEquals(false, keys.path("telegram_http_blocking").asBoolean(true));
      boolean posted = false;
      for (JsonNode r : keys.path("requests")) {
        posted |= r.at("/request/method").asText().equals("POST");
      }
      assertTrue(posted, "the OONI export shows the POST");
    }
  }

  @Test
  void everyAddressOfANameIsTriedInTurnUntilOneConnects() {
    try (World w = new World()) {
      InetAddress refusing = LoopbackAddresses.next();
      w.where.put(refusing, new InetSocketAddress(refusing, LoopbackAddresses.closedPort(refusing)));
      String webIp = w.web.getHostName();
      String endpointIp = w.endpointsServer.address().getAddress().getHostAddress();
      w.dns.answer("web.telegram.org", refusing.getHostAddress(), webIp);
      w.dns.answer("e1.whatsapp.net", refusing.getHostAddress(), endpointIp);
      Measurement tg = w.check(Messenger.TELEGRAM);
      assertEquals(Verdict.ACCESSIBLE, tg.testKeys().xVerdict(), () -> "" + tg.testKeys().tcpConnect());
      assertEquals(List.of(refusing.getHostAddress() + " connection_refused", webIp + " null"),
          tried(tg, "https://web.telegram.org/"));
      assertEquals("ok", ooni(tg).path("telegram_web_status").asText());
      Measurement wa = w.check(Messenger.WHATSAPP);
      assertEquals(List.of(refusing.getHostAddress() + " connection_refused", endpointIp + " null",
          refusing.getHostAddress() + " connection_refused", endpointIp + " null"), tried(wa, "e1.whatsapp.net"),
          "each port tries the addresses in turn");
      assertEquals(0, ooni(wa).path("whatsapp_endpoints_blocked").size());
      assertEquals(Verdict.ACCESSIBLE, wa.testKeys().xVerdict());
    }
  }

  @Test
  void namesAreLookedUpForAAndAaaaAndAnIpv6OnlyNameIsReachedOverIpv6() {
    try (World w = new World()) {
      w.publicRanges.add(Cidr.parse("::1/128"));
      InetAddress v6 = World.addr("::1");
      w.dns.answer("v.whatsapp.net", "::1");
      w.where.put(v6, new InetSocketAddress(w.web.getHostName(), w.web.getPort()));
      Measurement wa = w.check(Messenger.WHATSAPP);
      List<String> types = wa.testKeys().queries().stream().filter(q -> q.hostname().equals("web.whatsapp.com"))
          .map(q -> q.queryType() + " " + q.failure()).sorted().toList();
      assertEquals(List.of("A null", "AAAA dns_no_answer"), types, "both asked, as getaddrinfo does");
      assertEquals("ok", ooni(wa).path("registration_server_status").asText(), () -> "" + wa.testKeys().requests());
      List<InetAddress> to = wa.testKeys().requests().stream()
          .filter(tx -> tx.request().url().equals("https://v.whatsapp.net/v2/register"))
          .map(tx -> World.addr(tx.xAddress().substring(1, tx.xAddress().lastIndexOf(']')))).toList();
      assertEquals(List.of(v6), to, "the request went to the AAAA answer");
      assertTrue(wa.testKeys().requests().stream().anyMatch(tx -> "[::1]:443".equals(tx.xAddress())),
          () -> "addresses written as OONI writes them: " + wa.testKeys().requests());
      assertEquals(Verdict.ACCESSIBLE, wa.testKeys().xVerdict());
      assertEquals(List.of(), wa.testKeys().xSignals(), "a name without AAAA records is no DNS fault");
    }
  }

  @Test
  void signalsUptimeNameIsLookedUpAndNeverJudged() {
    try (World w = new World()) {
      w.dns.nxdomain("uptime.signal.org");
      Measurement sg = w.check(Messenger.SIGNAL);
      assertTrue(sg.testKeys().queries().stream().anyMatch(q -> q.hostname().equals("uptime.signal.org")
          && "dns_nxdomain_error".equals(q.failure())));
      assertEquals(Verdict.ACCESSIBLE, sg.testKeys().xVerdict());
      assertEquals("ok", ooni(sg).path("signal_backend_status").asText());
    }
  }

  private static List<String> tried(Measurement m, String endpoint) {
    return m.testKeys().tcpConnect().stream()
        .filter(c -> endpoint.equals(MessengerKeys.tag(c.tags(), MessengerKeys.ENDPOINT)))
        .map(c -> c.ip() + " " + c.status().failure()).toList();
  }
}
