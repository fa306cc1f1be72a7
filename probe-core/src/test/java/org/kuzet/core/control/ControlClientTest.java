package org.kuzet.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlFailures;
import org.kuzet.schema.control.ControlRequest;

class ControlClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String ANSWER = """
      {"tcp_connect":{"127.0.9.9:443":{"status":true,"failure":null}},"tls_handshake":{},
       "http_request":{"body_length":5,"failure":null,"title":"","headers":{},"status_code":200},
       "dns":{"failure":null,"addrs":["127.0.9.9"]},"ip_info":{}}
      """;
  private static final ControlRequest REQUEST = new ControlRequest("https://site.kz/",
      Map.of("User-Agent", List.of("kuzet-test")), List.of("127.0.9.9:443"));

  private final TestPki pki = new TestPki();
  private final OkHttpClient base = new OkHttpClient();
  private final TrustRoots roots = TrustRoots.of(List.of(pki.rootCertificate()));

  @AfterEach
  void shutdown() {
    base.dispatcher().executorService().shutdownNow();
    base.connectionPool().evictAll();
  }

  private ControlClient client(String... urls) {
    return new ControlClient(List.of(urls), TIMEOUT, roots, base);
  }

  /** http://ip:port/ on a loopback address where nothing listens: connection refused at once. */
  private static String deadUrl() {
    InetAddress ip = LoopbackAddresses.next();
    return "http://" + ip.getHostAddress() + ":" + LoopbackAddresses.closedPort(ip) + "/";
  }

  @Test
  void postsTheRequestAndReturnsTheAnswer() throws Exception {
    try (MockWebServer helper = TlsSites.http()) {
      helper.enqueue(new MockResponse.Builder().body(ANSWER).build());
      ControlClient.Outcome outcome = client(helper.url("/").toString()).query(REQUEST);
      assertNull(outcome.failure());
      assertEquals("127.0.9.9", outcome.response().dns().addrs().get(0));
      RecordedRequest sent = helper.takeRequest();
      assertEquals("POST", sent.getMethod());
      JsonNode body = MeasurementJson.mapper().readTree(sent.getBody().utf8());
      assertEquals("https://site.kz/", body.get("http_request").asText());
      assertEquals("127.0.9.9:443", body.at("/tcp_connect/0").asText());
      assertEquals("kuzet-test", body.at("/http_request_headers/User-Agent/0").asText());
    }
  }

  @Test
  void fallsBackFromADeadUrlToAWorkingOne() {
    try (MockWebServer helper = TlsSites.http()) {
      helper.enqueue(new MockResponse.Builder().body(ANSWER).build());
      String working = helper.url("/").toString();
      ControlClient.Outcome outcome = client(deadUrl(), working).query(REQUEST);
      assertNull(outcome.failure());
      assertNotNull(outcome.response());
      assertEquals(working, outcome.url());
    }
  }

  @Test
  void fallsBackPastAnHttpErrorAndAMalformedAnswer() {
    try (MockWebServer busy = TlsSites.http(); MockWebServer broken = TlsSites.http();
        MockWebServer good = TlsSites.http()) {
      busy.enqueue(new MockResponse.Builder().code(503).body("{}").build());
      broken.enqueue(new MockResponse.Builder().body("<html>captive portal</html>").build());
      good.enqueue(new MockResponse.Builder().body(ANSWER).build());
      ControlClient.Outcome outcome = client(busy.url("/").toString(), broken.url("/").toString(),
          good.url("/").toString()).query(REQUEST);
      assertNull(outcome.failure());
      assertEquals(good.url("/").toString(), outcome.url());
    }
  }

  @Test
  void allDeadIsAFailureString() {
    ControlClient.Outcome outcome = client(deadUrl(), deadUrl()).query(REQUEST);
    assertNull(outcome.response());
    assertEquals("connection_refused", outcome.failure());
  }

  @Test
  void malformedAnswersAreFailures() {
    for (String body : List.of("not json", "[1,2]", "{\"dns\":{}}",
        "{\"dns\":{\"addrs\":\"x\"},\"tcp_connect\":{},\"http_request\":{}}")) {
      try (MockWebServer helper = TlsSites.http()) {
        helper.enqueue(new MockResponse.Builder().body(body).build());
        ControlClient.Outcome outcome = client(helper.url("/").toString()).query(REQUEST);
        assertNull(outcome.response(), body);
        assertTrue(outcome.failure().startsWith("unknown_failure: control response"), outcome.failure());
      }
    }
  }

  @Test
  void httpErrorIsAFailureString() {
    try (MockWebServer helper = TlsSites.http()) {
      helper.enqueue(new MockResponse.Builder().code(400).body("{\"error\":\"bad\"}").build());
      assertEquals("unknown_failure: control answered HTTP 400",
          client(helper.url("/").toString()).query(REQUEST).failure());
    }
  }

  @Test
  void trustsTheHelperWithTheProbesOwnRootsOnly() {
    InetAddress ip = LoopbackAddresses.next();
    try (MockWebServer helper = TlsSites.https(ip, pki.serverCertificate(ip.getHostAddress()))) {
      helper.enqueue(new MockResponse.Builder().body(ANSWER).build());
      String url = "https://" + ip.getHostAddress() + ":" + helper.getPort() + "/";
      assertNull(client(url).query(REQUEST).failure());
      ControlClient bundled = new ControlClient(List.of(url), TIMEOUT, TrustRoots.bundled(), base);
      assertEquals("ssl_unknown_authority", bundled.query(REQUEST).failure());
    }
  }

  @Test
  void noUrlMeansNotConfigured() {
    ControlClient none = client();
    assertEquals(ControlFailures.NOT_CONFIGURED, none.query(REQUEST).failure());
  }

  @Test
  void aNonHttpUrlIsABugNamedAtConstruction() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client("ftp://x/"));
    assertTrue(e.getMessage().contains("ftp://x/"));
  }

  /** oohelperd's answer as OONI's public helpers send it: legacy strings, df-007 strings, keys kuzet ignores. */
  @Test
  void anOoniHelpersAnswerWithLegacyAndNewFailureStringsIsAccepted() {
    String answer = """
        {"tcp_connect":{"1.2.3.4:443":{"status":false,"failure":"connection_refused_error"},
          "1.2.3.5:443":{"status":false,"failure":"connect_error"},
          "1.2.3.6:443":{"status":false,"failure":"generic_timeout_error"}},
         "tls_handshake":{"1.2.3.7:443":{"server_name":"a.example","status":false,"failure":"ssl_invalid_hostname"},
          "1.2.3.8:443":{"server_name":"a.example","status":false,"failure":"android_dns_cache_no_data"},
          "1.2.3.9:443":{"server_name":"a.example","status":false,"failure":"a string from a future helper"}},
         "quic_handshake":{},"http3_request":null,
         "http_request":{"body_length":-1,"discovered_h3_endpoint":"","failure":"dns_lookup_error","title":"",
          "headers":{},"status_code":-1},
         "dns":{"failure":"dns_name_error","addrs":[]},
         "ip_info":{"1.2.3.4":{"asn":9198,"flags":1}}}
        """;
    ControlClient.Outcome outcome = ControlClient.parseResponse(answer.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "https://0.th.ooni.org/");
    assertNull(outcome.failure());
    assertEquals("dns_name_error", outcome.response().dns().failure());
    for (String s : List.of("dns_server_failure", "unknown_error")) {
      String other = answer.replace("\"dns_name_error\"", "\"" + s + "\"");
      assertNull(ControlClient.parseResponse(other.getBytes(java.nio.charset.StandardCharsets.UTF_8), "x").failure(), s);
    }
  }
}
