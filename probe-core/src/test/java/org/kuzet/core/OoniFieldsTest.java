package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.ooni.OoniMeasurementReader;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.OoniExport;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;

/**
 * The OONI fields the engine records (issue 17): operation ids that join a request to its TCP connect and TLS
 * handshake, OONI's tags, the control request and helper actually used, the annotations, and bodies kept as the
 * bytes the server sent.
 */
class OoniFieldsTest {
  private static final String HOST = "example.kz";

  private final TestPki pki = new TestPki();
  private final FakeDnsServer dns = new FakeDnsServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
  }

  private MockWebServer track(MockWebServer server) {
    closeables.add(server);
    return server;
  }

  private ProbeSettings.Builder settings() {
    return ProbeSettings.builder()
        .systemResolvers(List.of(dns.address()))
        .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/16"))))
        .dnsTimeout(Duration.ofSeconds(5))
        .connectTimeout(Duration.ofSeconds(5))
        .tlsTimeout(Duration.ofSeconds(5))
        .httpTimeout(Duration.ofSeconds(5))
        .injectionWindow(Duration.ofMillis(50))
        .clock(new TickingClock())
        .probeCc("KZ")
        .probeAsn("AS9198");
  }

  private static Measurement measure(ProbeSettings settings, HttpUrl url) {
    try (WebConnectivity wc = new WebConnectivity(settings)) {
      return wc.measure(url.toString(), "20260101T000000Z_webconnectivity_KZ_9198_n1_test");
    }
  }

  private static String ip(MockWebServer server) {
    return server.getSocketAddress().getAddress().getHostAddress();
  }

  @Test
  void aRequestJoinsItsTcpConnectAndTlsHandshakeByTransactionIdAndAddress() {
    MockWebServer second = track(TlsSites.https(pki.serverCertificate("news.kz")));
    MockWebServer first = track(TlsSites.http());
    first.enqueue(new MockResponse.Builder().code(302)
        .setHeader("Location", TlsSites.httpsUrl(second, "news.kz", "/landing").toString()).build());
    second.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    dns.answer(HOST, ip(first)).answer("news.kz", ip(second));

    TestKeys k = measure(settings().build(), TlsSites.httpUrl(first, HOST, "/")).testKeys();

    assertEquals(2, k.requests().size());
    for (HttpTransaction tx : k.requests()) {
      assertNotNull(tx.transactionId(), "transaction_id of " + tx.request().url());
      assertEquals("tcp", tx.network());
      TcpConnect connect = k.tcpConnect().stream().filter(c -> tx.transactionId().equals(c.transactionId()))
          .findFirst().orElseThrow();
      assertEquals(connect.endpoint(), tx.xAddress(), "the request went where its TCP connect went");
      assertTrue(tx.tags().containsAll(List.of("classic", "depth=" + tx.xHop(), "fetch_body=true")), tx.tags()::toString);
      assertTrue(connect.tags().containsAll(List.of("classic", "depth=" + tx.xHop(), "fetch_body=true")));
    }
    assertEquals("", k.requests().get(0).alpn(), "cleartext HTTP");
    assertTrue(Set.of("h2", "http/1.1").contains(k.requests().get(1).alpn()), k.requests().get(1).alpn());
    TlsHandshake tls = k.tlsHandshakes().get(0);
    assertEquals(k.requests().get(1).transactionId(), tls.transactionId(), "the handshake on the request's endpoint");
    assertEquals(k.requests().get(1).xAddress(), tls.address());

    Set<Integer> ids = new HashSet<>();
    for (DnsQuery q : k.queries()) {
      assertNotNull(q.transactionId(), "every DNS query has its own operation id");
      assertTrue(ids.add(q.transactionId()), "DNS operation ids are unique");
      assertTrue(q.tags().contains("classic"), "the system resolver's queries are OONI's classic ones");
      assertTrue(q.tags().contains(q.hostname().equals(HOST) ? "depth=0" : "depth=1"), q.tags()::toString);
    }
    for (TcpConnect c : k.tcpConnect()) {
      assertFalse(ids.contains(c.transactionId()), "an endpoint's id is not a DNS query's");
    }
  }

  @Test
  void networkEventsRecordEachStepJoinedToItsEndpoint() {
    MockWebServer second = track(TlsSites.https(pki.serverCertificate("news.kz")));
    MockWebServer first = track(TlsSites.http());
    first.enqueue(new MockResponse.Builder().code(302)
        .setHeader("Location", TlsSites.httpsUrl(second, "news.kz", "/landing").toString()).build());
    second.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    dns.answer(HOST, ip(first)).answer("news.kz", ip(second));

    Measurement m = measure(settings().build(), TlsSites.httpUrl(first, HOST, "/"));
    TestKeys k = m.testKeys();

    List<NetworkEvent> events = k.networkEvents();
    for (NetworkEvent e : events) {
      TcpConnect connect = k.tcpConnect().stream().filter(c -> c.transactionId().equals(e.transactionId()))
          .findFirst().orElseThrow(() -> new AssertionError("an event without its tcp_connect: " + e));
      assertEquals(connect.endpoint(), e.address(), "the event's endpoint is its tcp_connect's");
      assertEquals(connect.tags(), e.tags());
      assertEquals("tcp", e.proto());
      assertNull(e.failure(), e.toString());
      assertTrue(e.t() >= e.t0(), e.toString());
    }
    for (HttpTransaction tx : k.requests()) {
      List<String> ops = events.stream().filter(e -> tx.transactionId().equals(e.transactionId()))
          .map(NetworkEvent::operation).toList();
      // The TCP step's connect, then the HTTP step's own connection and transaction.
      assertEquals("connect", ops.get(0), ops::toString);
      assertTrue(ops.containsAll(List.of("http_transaction_start", "http_first_response_byte",
          "http_transaction_done")), ops::toString);
      assertEquals(2, ops.stream().filter("connect"::equals).count(), "the TCP step's and the HTTP step's: " + ops);
      long tls = ops.stream().filter(o -> o.startsWith("tls_handshake_")).count();
      assertEquals(tx.request().url().startsWith("https") ? 4 : 0, tls, "TLS step's and HTTP step's: " + ops);
    }

    // Exported as OONI's network_events and read back into the same model.
    String line = OoniExport.line(MeasurementJson.toLine(m));
    var read = (OoniMeasurementReader.Read) OoniMeasurementReader.read(line, a -> false);
    assertEquals(events, read.measurement().testKeys().networkEvents());
  }

  @Test
  void aRefusedConnectIsANetworkEventWithItsFailure() {
    java.net.InetAddress closed = org.kuzet.core.testing.LoopbackAddresses.next();
    dns.answer(HOST, closed.getHostAddress());
    Measurement m = measure(settings().build(), HttpUrl.get("http://" + HOST + ":"
        + org.kuzet.core.testing.LoopbackAddresses.closedPort(closed) + "/"));
    NetworkEvent connect = m.testKeys().networkEvents().get(0);
    assertEquals("connect", connect.operation());
    assertEquals("connection_refused", connect.failure());
    assertEquals(m.testKeys().tcpConnect().get(0).transactionId(), connect.transactionId());
    assertEquals(1, m.testKeys().networkEvents().size(), "nothing was sent: no HTTP events");
  }

  @Test
  void theControlRequestReallySentAndTheHelperUsedAreRecorded() throws Exception {
    MockWebServer site = track(TlsSites.http());
    site.enqueue(new MockResponse.Builder().body("<title>Example</title>").build());
    MockWebServer helper = track(TlsSites.http());
    helper.enqueue(new MockResponse.Builder().code(500).build());
    dns.answer(HOST, ip(site));
    String helperUrl = helper.url("/").toString();

    Measurement m = measure(settings().controlUrls(List.of(helperUrl)).build(), TlsSites.httpUrl(site, HOST, "/"));

    RecordedRequest sent = helper.takeRequest();
    JsonNode recorded = MeasurementJson.mapper().valueToTree(m.testKeys().xControlRequest());
    assertNotNull(recorded, "x_control_request");
    assertEquals(MeasurementJson.mapper().readTree(sent.getBody().utf8()), recorded, "exactly what the helper got");
    assertEquals(helperUrl, m.testHelpers().path("backend").path("address").asText());
    assertEquals("http", m.testHelpers().path("backend").path("type").asText());
    assertEquals("kuzet", m.annotations().get("engine_name"));
    assertEquals(Software.VERSION, m.annotations().get("engine_version"));
    assertNotNull(m.annotations().get("architecture"));

    JsonNode ooni = OoniExport.tree(MeasurementJson.toLine(m));
    assertEquals(recorded, ooni.path("test_keys").path("x_control_request"), "OONI's own x_ key is kept");
    assertEquals(m.testHelpers(), ooni.path("test_helpers"));
  }

  @Test
  void noHelperConfiguredMeansNoControlRequestAndNoHelper() {
    MockWebServer site = track(TlsSites.http());
    site.enqueue(new MockResponse.Builder().body("ok").build());
    dns.answer(HOST, ip(site));
    Measurement m = measure(settings().build(), TlsSites.httpUrl(site, HOST, "/"));
    assertNull(m.testKeys().xControlRequest());
    assertEquals(0, m.testHelpers().size(), "test_helpers is {}");
  }

  @Test
  void aWindows1251PageKeepsItsBytesAndItsTitleStillReads() {
    Charset cp1251 = Charset.forName("windows-1251");
    String page = "<html><title>Доступ к ресурсу ограничен</title></html>";
    byte[] bytes = page.getBytes(cp1251);
    MockWebServer site = track(TlsSites.http());
    site.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=windows-1251")
        .body(new Buffer().write(bytes)).build());
    dns.answer(HOST, ip(site));

    Measurement m = measure(settings().build(), TlsSites.httpUrl(site, HOST, "/"));
    HttpTransaction.Response r = m.testKeys().requests().get(0).response();

    assertEquals("Доступ к ресурсу ограничен", r.xTitle(), "the analysis reads the text decoded by the charset");
    assertEquals(bytes.length, r.xBodyLength());
    assertArrayEquals(bytes, Base64.getDecoder().decode(r.xBodyBase64()), "the bytes the server sent");

    JsonNode body = OoniExport.tree(MeasurementJson.toLine(m)).path("test_keys").path("requests").get(0)
        .path("response").path("body");
    assertEquals("base64", body.path("format").asText());
    assertArrayEquals(bytes, Base64.getDecoder().decode(body.path("data").asText()), "OONI's body: the same bytes");

    // Read back from the OONI line, the page decodes as the engine decoded it.
    var read = (OoniMeasurementReader.Read) OoniMeasurementReader.read(OoniExport.line(MeasurementJson.toLine(m)));
    HttpTransaction.Response back = read.measurement().testKeys().requests().get(0).response();
    assertEquals(r.body(), back.body());
    assertEquals(r.xTitle(), back.xTitle());
    assertEquals(r.xBodyLength(), back.xBodyLength());
  }

  @Test
  void aUtf8PageIsExportedAsText() {
    MockWebServer site = track(TlsSites.http());
    site.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
        .body("<title>Қазақстан</title>").build());
    dns.answer(HOST, ip(site));
    Measurement m = measure(settings().build(), TlsSites.httpUrl(site, HOST, "/"));
    assertNull(m.testKeys().requests().get(0).response().xBodyBase64(), "no raw copy when the text is the bytes");
    JsonNode body = OoniExport.tree(MeasurementJson.toLine(m)).path("test_keys").path("requests").get(0)
        .path("response").path("body");
    assertEquals("<title>Қазақстан</title>", body.asText());
  }

  @Test
  void idsHaveOonisShapes() {
    java.time.Instant t = java.time.Instant.parse("2026-11-22T10:10:10.123456Z");
    assertTrue(MeasurementIds.measurementUid(t, "KZ")
        .matches("20261122101010\\.123456_KZ_webconnectivity_[0-9a-f]{16}"));
    assertTrue(MeasurementIds.reportId(t, "KZ", "AS9198")
        .matches("20261122T101010Z_webconnectivity_KZ_9198_n1_[0-9A-Za-z]{16}"));
  }
}
