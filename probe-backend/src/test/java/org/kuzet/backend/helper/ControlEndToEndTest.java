package org.kuzet.backend.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlFailures;

/** The probe's web connectivity measurement with a control: our helper, a dead one, none. */
class ControlEndToEndTest {
  private final TestPki pki = new TestPki();
  private final FakeDnsServer dns = new FakeDnsServer();
  private final MockWebServer site = TlsSites.https(pki.serverCertificate("news.kz"));

  @AfterEach
  void close() {
    site.close();
    dns.close();
  }

  private ProbeSettings settings(List<String> controls) {
    return ProbeSettings.builder()
        .systemResolvers(List.of(dns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
        .dnsTimeout(Duration.ofSeconds(5))
        .connectTimeout(Duration.ofSeconds(5))
        .tlsTimeout(Duration.ofSeconds(5))
        .httpTimeout(Duration.ofSeconds(10))
        .controlTimeout(Duration.ofSeconds(30))
        .controlUrls(controls)
        .build();
  }

  private Measurement measure(List<String> controls) {
    String ip = site.getSocketAddress().getAddress().getHostAddress();
    dns.answer("news.kz", ip);
    site.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    site.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    try (WebConnectivity wc = new WebConnectivity(settings(controls))) {
      return wc.measure(TlsSites.httpsUrl(site, "news.kz", "/").toString(), "r1");
    }
  }

  @Test
  void controlSeesTheProbesEndpoints() throws Exception {
    try (TestHelperServer helper = TestHelperServer.start(
        TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
            .resolver(dns.address())
            .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
            .allowPrivate(true)
            .build())) {
      Measurement m = measure(List.of(helper.url()));
      assertNull(m.testKeys().controlFailure());
      JsonNode control = MeasurementJson.mapper().readTree(
          MeasurementJson.mapper().writeValueAsString(m.testKeys().control()));
      String endpoint = site.getSocketAddress().getAddress().getHostAddress() + ":" + site.getPort();
      assertTrue(control.get("tcp_connect").get(endpoint).get("status").asBoolean(), control.toString());
      assertTrue(control.get("tls_handshake").get(endpoint).get("status").asBoolean());
      assertEquals(200, control.at("/http_request/status_code").asInt());
      assertEquals("News", control.at("/http_request/title").asText());
      // The control is carried into the export line in the helper's wire format.
      JsonNode line = MeasurementJson.mapper().readTree(MeasurementJson.toLine(m));
      assertEquals(control, line.at("/test_keys/control"));
    }
  }

  @Test
  void deadControlIsAFailureNotAnError() {
    InetAddress ip = LoopbackAddresses.next();
    Measurement m = measure(List.of("http://" + ip.getHostAddress() + ":" + LoopbackAddresses.closedPort(ip) + "/"));
    assertNull(m.testKeys().control());
    assertEquals("connection_refused", m.testKeys().controlFailure());
    assertFalse(m.testKeys().requests().isEmpty(), "the probe's own observations are still there");
    assertEquals(200, m.testKeys().requests().get(0).response().code());
  }

  @Test
  void noControlConfigured() {
    Measurement m = measure(List.of());
    assertNull(m.testKeys().control());
    assertEquals(ControlFailures.NOT_CONFIGURED, m.testKeys().controlFailure());
  }
}
