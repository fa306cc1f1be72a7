package org.kuzet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlResponse;

class MeasurementJsonTest {

  static Measurement sample() {
    DnsQuery q = new DnsQuery("system", "127.0.0.53:53", "holanews.kz", "A", 0,
        List.of(DnsAnswer.cname("edge.holanews.kz", 60), DnsAnswer.a("10.10.34.34", 60, true)), null, 4242, 0.001,
        0.020, List.of(List.of(DnsAnswer.a("93.184.216.34", 300, false))), null);
    TcpConnect tcp = new TcpConnect("2001:db8::1", 443, new TcpConnect.Status(false, Failures.GENERIC_TIMEOUT,
        null), 0.02, 10.02);
    TlsHandshake tls = new TlsHandshake("93.184.216.34:443", "holanews.kz", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
        "h2", false, List.of(TlsHandshake.PeerCertificate.ofDer(new byte[] {1, 2, 3})),
        Failures.SSL_UNKNOWN_AUTHORITY, 0.03, 0.09);
    HttpTransaction http = new HttpTransaction(
        new HttpTransaction.Request("GET", "https://holanews.kz/", Map.of("User-Agent", "x"), "", "tcp"),
        new HttpTransaction.Response(451, Map.of("Server", "nginx"), List.of(List.of("Server", "nginx")),
            "<title>Страница заблокирована</title>", false, 40, "Страница заблокирована"),
        null, 0.1, 0.2, "93.184.216.34:443", 0);
    return new Measurement("20261122T101010Z_webconnectivity_KZ_9198_n1_abc", "r1", "https://holanews.kz/",
        "2026-11-22 10:10:10", "2026-11-22 10:10:10", "AS9198", "KZ", "kuzet", "0.1.0", "web_connectivity", "0.1.0",
        1.5, "0.2.0", Map.of("engine_name", "kuzet"),
        TestKeys.observations(List.of(q), List.of(tcp), List.of(tls), List.of(http), null));
  }

  @Test
  void writtenMeasurementsAreWellFormedUnicodeSoTheyCanBeSigned() throws Exception {
    // A title cut between the halves of a pair, and a control that sent a "\ud800" escape.
    HttpTransaction cut = new HttpTransaction(
        new HttpTransaction.Request("GET", "https://holanews.kz/", Map.of(), "", "tcp"),
        new HttpTransaction.Response(200, Map.of(), List.of(), "<title>News \uD83D\uDE00</title>", false, 30,
            "News \uD83D"), null, 0.1, 0.2, "93.184.216.34:443", 0);
    ControlResponse control = MeasurementJson.mapper().readValue("{\"http_request\":{\"title\":\"x\\ud800y\","
        + "\"headers\":{\"X-\\udc00\":\"v\"}}}", ControlResponse.class);
    Measurement m = sample();
    Measurement bad = new Measurement(m.measurementUid(), m.reportId(), m.input(), m.measurementStartTime(),
        m.testStartTime(), m.probeAsn(), m.probeCc(), m.softwareName(), m.softwareVersion(), m.testName(),
        m.testVersion(), m.testRuntime(), m.dataFormatVersion(), m.annotations(),
        TestKeys.observations(List.of(), List.of(), List.of(), List.of(cut), null)
            .withControl(ControlExchange.answered(null, control)));
    String line = MeasurementJson.toLine(bad);
    JsonNode stored = MeasurementJson.mapper().readTree(line);
    assertEquals("News \uFFFD", stored.at("/test_keys/requests/0/response/x_title").asText());
    assertEquals("<title>News \uD83D\uDE00</title>", stored.at("/test_keys/requests/0/response/body").asText(),
        "pairs are kept");
    assertEquals("x\uFFFDy", stored.at("/test_keys/control/http_request/title").asText());
    assertTrue(stored.at("/test_keys/control/http_request/headers").has("X-\uFFFD"));
    CanonicalJson.encode(stored); // signable: no lone surrogate left
  }

  @Test
  void roundTripsThroughOneLine() {
    Measurement m = sample();
    String line = MeasurementJson.toLine(m);
    assertFalse(line.contains("\n"));
    assertEquals(m, MeasurementJson.parse(line));
  }

  @Test
  void usesOoniKeysAndNeverAProbeIp() throws Exception {
    JsonNode json = MeasurementJson.mapper().readTree(MeasurementJson.toLine(sample()));
    for (String key : List.of("measurement_uid", "input", "measurement_start_time", "probe_asn", "probe_cc",
        "software_name", "software_version", "test_name", "test_runtime", "test_keys")) {
      assertTrue(json.has(key), key);
    }
    assertFalse(json.has("probe_ip"));
    JsonNode keys = json.get("test_keys");
    assertEquals("10.10.34.34", keys.at("/queries/0/answers/1/ipv4").asText());
    assertTrue(keys.at("/queries/0/answers/1/x_bogon").asBoolean());
    assertEquals("93.184.216.34", keys.at("/queries/0/x_extra_replies/0/0/ipv4").asText());
    assertEquals("generic_timeout_error", keys.at("/tcp_connect/0/status/failure").asText());
    assertEquals("AQID", keys.at("/tls_handshakes/0/peer_certificates/0/data").asText());
    assertEquals(451, keys.at("/requests/0/response/code").asInt());
    assertEquals("Страница заблокирована", keys.at("/requests/0/response/x_title").asText());
  }

  @Test
  void namesTheNetworksAsOoniDoesAndReadsLinesWrittenBeforeThat() throws Exception {
    Measurement base = sample();
    Measurement m = new Measurement(base.measurementUid(), base.reportId(), base.input(),
        base.measurementStartTime(), base.testStartTime(), "AS9198", "KZ", "JSC Kazakhtelecom", "AS29355", "Kcell JSC",
        base.softwareName(), base.softwareVersion(), base.testName(), base.testVersion(), base.testRuntime(),
        base.dataFormatVersion(), base.annotations(), base.testKeys());
    JsonNode json = MeasurementJson.mapper().readTree(MeasurementJson.toLine(m));
    assertEquals("JSC Kazakhtelecom", json.get("probe_network_name").asText());
    assertEquals("AS29355", json.get("resolver_asn").asText());
    assertEquals("Kcell JSC", json.get("resolver_network_name").asText());
    assertEquals(m, MeasurementJson.parse(MeasurementJson.toLine(m)));

    com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode) json;
    old.remove(List.of("probe_network_name", "resolver_asn", "resolver_network_name"));
    Measurement read = MeasurementJson.parse(old.toString());
    assertEquals("", read.probeNetworkName());
    assertEquals("AS0", read.resolverAsn());
    assertEquals("", read.resolverNetworkName());
  }

  @Test
  void rejectsUnknownKeysAndFreeTextFailures() {
    String line = MeasurementJson.toLine(sample()).replace("\"input\"", "\"inptu\"");
    assertThrows(IllegalArgumentException.class, () -> MeasurementJson.parse(line));
    assertThrows(IllegalArgumentException.class, () -> new TcpConnect.Status(false, "it broke", null));
    assertTrue(Failures.isValid(Failures.unknown("x")));
  }

  @Test
  void validatesBaseFields() {
    Measurement m = sample();
    assertThrows(IllegalArgumentException.class, () -> new Measurement(m.measurementUid(), null, m.input(),
        "2026-11-22T10:10:10Z", m.testStartTime(), m.probeAsn(), m.probeCc(), "kuzet", "0", "web_connectivity", "0",
        1, "0.2.0", null, m.testKeys()));
    assertThrows(IllegalArgumentException.class, () -> new Measurement(m.measurementUid(), null, m.input(),
        m.measurementStartTime(), m.testStartTime(), "9198", m.probeCc(), "kuzet", "0", "web_connectivity", "0",
        1, "0.2.0", null, m.testKeys()));
  }

  @Test
  void signalsAreSortedByWireName() {
    TestKeys k = TestKeys.of(Observations.NONE).withAnalysis(AnalysisKeys.builder().blocking(Blocking.method("dns"))
        .accessible(false).verdict(Verdict.BLOCKED).signals(List.of(Signal.TLS_RESET, Signal.DNS_BOGON)).build());
    assertEquals(List.of(Signal.DNS_BOGON, Signal.TLS_RESET), k.xSignals());
    String json = MeasurementJson.toLine(sample().withTestKeys(k));
    assertTrue(json.contains("\"x_signals\":[\"dns.bogon\",\"tls.reset\"]"), json);
    assertTrue(json.contains("\"x_verdict\":\"blocked\""), json);
    assertEquals(k, MeasurementJson.parse(json).testKeys());
  }

  @Test
  void writesOoniHttpComparisonKeysAndKuzetBlockpageKeys() throws Exception {
    TestKeys k = TestKeys.of(Observations.NONE).withAnalysis(AnalysisKeys.builder().dnsConsistency("consistent")
        .blocking(Blocking.method("http-diff")).accessible(false).verdict(Verdict.BLOCKED)
        .signals(List.of(Signal.HTTP_BLOCKPAGE)).bodyLengthMatch(false).bodyProportion(0.25).headersMatch(true)
        .statusCodeMatch(true).titleMatch(false).blockpage(List.of("cp.d_corp_kz_ps"))
        .failedHop(MeasurementJson.mapper().readTree("{\"hop\":1}")).build());
    String line = MeasurementJson.toLine(sample().withTestKeys(k));
    JsonNode keys = MeasurementJson.mapper().readTree(line).get("test_keys");
    assertFalse(keys.get("body_length_match").asBoolean());
    assertEquals(0.25, keys.get("body_proportion").asDouble());
    assertTrue(keys.get("headers_match").asBoolean());
    assertTrue(keys.get("status_code_match").asBoolean());
    assertFalse(keys.get("title_match").asBoolean());
    assertEquals("cp.d_corp_kz_ps", keys.at("/x_blockpage/0").asText());
    assertEquals(1, keys.at("/x_failed_hop/hop").asInt());
    assertEquals(k, MeasurementJson.parse(line).testKeys());
    // Observations-only keys leave every comparison key null, and still round-trip.
    Measurement plain = sample();
    JsonNode raw = MeasurementJson.mapper().readTree(MeasurementJson.toLine(plain)).get("test_keys");
    assertTrue(raw.get("body_length_match").isNull());
    assertEquals(plain, MeasurementJson.parse(MeasurementJson.toLine(plain)));
  }
}
