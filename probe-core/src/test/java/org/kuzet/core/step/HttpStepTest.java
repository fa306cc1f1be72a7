package org.kuzet.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.RecordingListener;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.HttpTransaction;

/** One HTTP hop to a pinned loopback endpoint: what is recorded, and how failures at HTTP level are named. */
class HttpStepTest {
  private static final String HOST = "example.kz";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STALL = Duration.ofMillis(300);
  // A stall mid-body must come after the status and headers arrived: long enough for them on a loaded machine.
  private static final Duration MID_BODY_STALL = Duration.ofSeconds(5);
  private static final int CAP = 1000;

  private final TestPki pki = new TestPki();
  private final OkHttpClient okHttp = new OkHttpClient();
  private final RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
    okHttp.dispatcher().executorService().shutdownNow();
  }

  private HttpStep step(Duration timeout) {
    return new HttpStep(okHttp, timeout, TrustRoots.of(List.of(pki.rootCertificate())), CAP,
        ProbeSettings.DEFAULT_USER_AGENT, new StepClock(new TickingClock()), events);
  }

  private MockWebServer http(MockResponse... responses) {
    MockWebServer server = TlsSites.http();
    return enqueue(server, responses);
  }

  private MockWebServer https(HandshakeCertificates certs, MockResponse... responses) {
    return enqueue(TlsSites.https(certs), responses);
  }

  private MockWebServer enqueue(MockWebServer server, MockResponse... responses) {
    servers.add(server);
    for (MockResponse r : responses) {
      server.enqueue(r);
    }
    return server;
  }

  private HttpTransaction get(HttpUrl url, InetSocketAddress at) {
    return step(TIMEOUT).get(url, at.getAddress(), 0);
  }

  private HttpTransaction getPlain(FaultServer.Fault fault, Duration timeout) {
    FaultServer server = new FaultServer().start(fault);
    servers.add(server);
    HttpUrl url = new HttpUrl.Builder().scheme("http").host(HOST).port(server.port()).build();
    return step(timeout).get(url, server.address().getAddress(), 0);
  }

  private HttpTransaction getTls(FaultServer.Fault fault, Duration timeout) {
    FaultServer server = new FaultServer().startTls(pki.serverCertificate(HOST), fault);
    servers.add(server);
    HttpUrl url = new HttpUrl.Builder().scheme("https").host(HOST).port(server.port()).build();
    return step(timeout).get(url, server.address().getAddress(), 0);
  }

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  void recordsStatusHeadersBodyAndTitle() throws Exception {
    String body = "<html><head><TITLE lang=kk>\n  Қазақстан   жаңалықтары\n</TITLE></head><body>hi</body></html>";
    MockWebServer server = http(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "text/html; charset=utf-8")
        .addHeader("Set-Cookie", "a=1").addHeader("Set-Cookie", "b=2")
        .body(body).build());
    HttpUrl url = TlsSites.httpUrl(server, HOST, "/news/today");
    HttpTransaction tx = get(url, server.getSocketAddress());

    assertNull(tx.failure());
    assertEquals(0, tx.xHop());
    assertEquals(server.getSocketAddress().getAddress().getHostAddress() + ":" + server.getPort(), tx.xAddress());
    assertEquals("GET", tx.request().method());
    assertEquals(url.toString(), tx.request().url());
    assertEquals(ProbeSettings.DEFAULT_USER_AGENT, tx.request().headers().get("User-Agent"));
    HttpTransaction.Response r = tx.response();
    assertEquals(200, r.code());
    assertEquals("a=1", r.headers().get("Set-Cookie"), "the map form keeps the first value");
    assertTrue(r.headersList().containsAll(List.of(List.of("Set-Cookie", "a=1"), List.of("Set-Cookie", "b=2"))));
    assertTrue(r.headersList().indexOf(List.of("Set-Cookie", "a=1"))
        < r.headersList().indexOf(List.of("Set-Cookie", "b=2")), "every value, in order");
    assertEquals(body, r.body());
    assertEquals(false, r.bodyIsTruncated());
    assertEquals(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, r.xBodyLength());
    assertEquals("Қазақстан жаңалықтары", r.xTitle());
    assertTrue(tx.t0() < tx.t());

    RecordedRequest seen = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals(HOST + ":" + server.getPort(), seen.getHeaders().get("Host"), "pinned address, real Host");
    assertEquals("/news/today", seen.getTarget());
    assertEquals(ProbeSettings.DEFAULT_USER_AGENT, seen.getHeaders().get("User-Agent"));
  }

  @Test
  void pageWithoutTitleHasNone() {
    MockWebServer server = http(new MockResponse.Builder().body("<p>no title</p>").build());
    assertNull(get(TlsSites.httpUrl(server, HOST, "/"), server.getSocketAddress()).response().xTitle());
  }

  @Test
  void bodyOverTheCapIsCutAndFlagged() {
    MockWebServer server = http(new MockResponse.Builder().body(repeat('a', 5 * CAP)).build());
    HttpTransaction.Response r = get(TlsSites.httpUrl(server, HOST, "/"), server.getSocketAddress()).response();
    assertEquals(repeat('a', CAP), r.body());
    assertEquals(true, r.bodyIsTruncated());
    assertEquals(CAP, r.xBodyLength());
  }

  @Test
  void bodyExactlyAtTheCapIsNotTruncated() {
    MockWebServer server = http(new MockResponse.Builder().body(repeat('a', CAP)).build());
    HttpTransaction.Response r = get(TlsSites.httpUrl(server, HOST, "/"), server.getSocketAddress()).response();
    assertEquals(false, r.bodyIsTruncated());
    assertEquals(CAP, r.xBodyLength());
  }

  @Test
  void redirectIsRecordedNotFollowed() {
    MockWebServer server = http(new MockResponse.Builder().code(302).setHeader("Location", "/elsewhere").build(),
        new MockResponse.Builder().body("must not be fetched").build());
    HttpTransaction tx = get(TlsSites.httpUrl(server, HOST, "/"), server.getSocketAddress());
    assertNull(tx.failure());
    assertEquals(302, tx.response().code());
    assertEquals("/elsewhere", tx.response().headers().get("Location"));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void status451IsAResponseNotAFailure() {
    MockWebServer server = http(new MockResponse.Builder().code(451)
        .body("<title>Доступ ограничен</title>").build());
    HttpTransaction tx = get(TlsSites.httpUrl(server, HOST, "/"), server.getSocketAddress());
    assertNull(tx.failure());
    assertEquals(451, tx.response().code());
    assertEquals("Доступ ограничен", tx.response().xTitle());
  }

  @Test
  void httpsSendsSniAndValidatesAgainstKuzetRoots() throws Exception {
    MockWebServer server = https(pki.serverCertificate(HOST), new MockResponse.Builder().body("ok").build());
    HttpTransaction tx = get(TlsSites.httpsUrl(server, HOST, "/"), server.getSocketAddress());
    assertNull(tx.failure());
    assertEquals("ok", tx.response().body());
    assertEquals(List.of(HOST), server.takeRequest(5, TimeUnit.SECONDS).getHandshakeServerNames());
  }

  @Test
  void httpsToAnInterceptorFailsWithUnknownAuthority() {
    MockWebServer server = https(new InterceptionCa().forge(pki.issue(HOST).certificate()),
        new MockResponse.Builder().body("blockpage").build());
    HttpTransaction tx = get(TlsSites.httpsUrl(server, HOST, "/"), server.getSocketAddress());
    assertEquals("ssl_unknown_authority", tx.failure());
    assertNull(tx.response().code());
    assertEquals(0, server.getRequestCount(), "no request crosses an untrusted connection");
  }

  @Test
  void httpsWithAnExpiredCertificateFailsWithInvalidCertificate() {
    MockWebServer server = https(pki.expired(HOST));
    assertEquals("ssl_invalid_certificate",
        get(TlsSites.httpsUrl(server, HOST, "/"), server.getSocketAddress()).failure());
  }

  @Test
  void httpsWithAWrongHostCertificateFailsWithInvalidHostname() {
    MockWebServer server = https(pki.wrongHost(HOST));
    assertEquals("ssl_invalid_hostname",
        get(TlsSites.httpsUrl(server, HOST, "/"), server.getSocketAddress()).failure());
  }

  @Test
  void resetAfterTheRequestIsConnectionReset() {
    HttpTransaction tx = getPlain(FaultServer.Fault.RESET_ON_FIRST_BYTES, TIMEOUT);
    assertEquals("connection_reset", tx.failure());
    assertNull(tx.response().code());
  }

  @Test
  void closeAfterTheRequestIsEof() {
    assertEquals("eof_error", getPlain(FaultServer.Fault.CLOSE_ON_FIRST_BYTES, TIMEOUT).failure());
  }

  @Test
  void noAnswerToTheRequestIsTimeout() {
    assertEquals("generic_timeout_error", getPlain(FaultServer.Fault.STALL_AFTER_FIRST_BYTES, STALL).failure());
  }

  @Test
  void headersTooLargeToReadAreTheServersFaultNotEof() {
    MockWebServer server = http(new MockResponse.Builder().addHeader("X-Huge", repeat('h', 300 * 1024))
        .body("never read").build());
    HttpTransaction tx = get(TlsSites.httpUrl(server, HOST, "/"), server.getSocketAddress());
    assertEquals("unknown_failure: http_response_headers_too_large", tx.failure());
    assertNull(tx.response().code());
  }

  @Test
  void manySmallHeadersOverTheLimitOverTlsAreTooLargeToo() {
    MockResponse.Builder huge = new MockResponse.Builder().body("never read");
    for (int i = 0; i < 3000; i++) {
      huge.addHeader("X-Header-" + i, repeat('v', 100));
    }
    MockWebServer server = https(pki.serverCertificate(HOST), huge.build());
    HttpTransaction tx = get(TlsSites.httpsUrl(server, HOST, "/"), server.getSocketAddress());
    assertEquals("unknown_failure: http_response_headers_too_large", tx.failure());
  }

  @Test
  void resetInsideTlsIsConnectionReset() {
    assertEquals("connection_reset", getTls(FaultServer.Fault.RESET_ON_FIRST_BYTES, TIMEOUT).failure());
  }

  @Test
  void closeInsideTlsIsEof() {
    assertEquals("eof_error", getTls(FaultServer.Fault.CLOSE_ON_FIRST_BYTES, TIMEOUT).failure());
  }

  @Test
  void stallInsideTlsIsTimeout() {
    assertEquals("generic_timeout_error", getTls(FaultServer.Fault.STALL_AFTER_FIRST_BYTES, STALL).failure());
  }

  // MockWebServer applies body effects half-way through the body, so these bodies are short enough for that point
  // to fall before the probe's cap (past the cap the probe stops reading and never sees the fault).
  @Test
  void connectionCutMidBodyKeepsStatusAndHeaders() {
    MockWebServer server = http(new MockResponse.Builder().code(200).setHeader("X-Site", "news")
        .body(repeat('a', CAP + 200)).onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build());
    HttpTransaction tx = step(TIMEOUT).get(TlsSites.httpUrl(server, HOST, "/"),
        server.getSocketAddress().getAddress(), 0);
    assertEquals("eof_error", tx.failure());
    assertEquals(200, tx.response().code());
    assertEquals("news", tx.response().headers().get("X-Site"));
  }

  @Test
  void bodyThatStallsIsTimeoutWithStatusKept() {
    MockWebServer server = http(new MockResponse.Builder().code(200).body(repeat('a', CAP + 200))
        .onResponseBody(SocketEffect.Stall.INSTANCE).build());
    HttpTransaction tx = step(MID_BODY_STALL).get(TlsSites.httpUrl(server, HOST, "/"),
        server.getSocketAddress().getAddress(), 0);
    assertEquals("generic_timeout_error", tx.failure());
    assertEquals(200, tx.response().code());
    long kept = tx.response().xBodyLength();
    assertTrue(kept > 0 && kept < CAP + 200, "the part of the body that arrived is kept: " + kept);
    assertEquals(kept, tx.response().body().length());
  }

  @Test
  void aHopThatWasNotSentKeepsTheEarlierFailure() {
    HttpUrl url = HttpUrl.get("https://blocked.kz/");
    HttpTransaction tx = step(TIMEOUT).notSent(url, 1, "dns_nxdomain_error");
    assertEquals("dns_nxdomain_error", tx.failure());
    assertEquals(1, tx.xHop());
    assertNull(tx.xAddress());
    assertNull(tx.response().code());
    assertEquals(url.toString(), tx.request().url());
    assertEquals(List.of("httpStart 1 https://blocked.kz/", "httpEnd 1 https://blocked.kz/ dns_nxdomain_error"),
        events.events());
  }
}
