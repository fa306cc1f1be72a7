package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;

/**
 * {@code run --once}, then {@code export --format ooni}, then {@code analyze} on that export, through the real command
 * line, on loopback sites of several kinds: every OONI line has df-000's keys, the overridden network, requests joined
 * to their TCP connects, and analyses back to the verdict and signals the probe stored.
 */
class ExportOoniRunTest {
  @TempDir Path dir;
  private final FakeDnsServer dns = new FakeDnsServer();
  private final TestPki pki = new TestPki();
  private final List<MockWebServer> sites = new ArrayList<>();

  @AfterEach
  void close() {
    dns.close();
    sites.forEach(MockWebServer::close);
  }

  private MockWebServer site(MockWebServer s, String host, MockResponse... responses) {
    sites.add(s);
    for (MockResponse r : responses) {
      s.enqueue(r);
    }
    dns.answer(host, s.getSocketAddress().getAddress().getHostAddress());
    return s;
  }

  private static MockResponse page(String title) {
    return new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
        .body("<html><title>" + title + "</title></html>").build();
  }

  @Test
  void everyOoniLineConformsAndAnalysesBackToTheStoredVerdict() throws Exception {
    MockWebServer ok = site(TlsSites.http(LoopbackAddresses.next()), "ok.kz", page("Ok"));
    MockWebServer secure = site(TlsSites.https(LoopbackAddresses.next(), pki.serverCertificate("secure.kz")),
        "secure.kz", page("Secure"));
    MockWebServer landing = site(TlsSites.http(LoopbackAddresses.next()), "landing.kz", page("Landing"));
    MockWebServer moved = site(TlsSites.http(LoopbackAddresses.next()), "moved.kz", new MockResponse.Builder()
        .code(302).setHeader("Location", TlsSites.httpUrl(landing, "landing.kz", "/there").toString()).build());
    MockWebServer badCert = site(TlsSites.https(LoopbackAddresses.next(), pki.untrusted("badcert.kz")), "badcert.kz");
    dns.nxdomain("nx.kz");
    InetAddress closed = LoopbackAddresses.next();
    dns.answer("refused.kz", closed.getHostAddress());
    InetAddress nowhere = LoopbackAddresses.next();
    Path roots = dir.resolve("roots.pem");
    Files.writeString(roots, pki.rootPem());
    Path db = dir.resolve("kuzet.db");
    List<String> urls = List.of(TlsSites.httpUrl(ok, "ok.kz", "/").toString(),
        TlsSites.httpsUrl(secure, "secure.kz", "/").toString(), TlsSites.httpUrl(moved, "moved.kz", "/").toString(),
        "http://nx.kz:" + ok.getPort() + "/", "http://refused.kz:" + LoopbackAddresses.closedPort(closed) + "/",
        TlsSites.httpsUrl(badCert, "badcert.kz", "/").toString());

    List<String> run = new ArrayList<>(List.of("run", "--once", "--db", db.toString(), "--skip-connectivity-check",
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--trust-roots", roots.toString(), "--timeout-dns", "2s",
        "--timeout-connect", "3s", "--timeout-tls", "3s", "--timeout-http", "5s",
        "--control", "http://" + nowhere.getHostAddress() + ":" + LoopbackAddresses.closedPort(nowhere) + "/",
        "--timeout-control", "3s", "--no-network-lookup", "--probe-asn", "AS9198", "--probe-cc", "KZ"));
    run.addAll(urls);
    CliRun once = CliRun.of(run.toArray(String[]::new));
    assertEquals(0, once.exit(), once.err());

    Map<String, Measurement> stored = new HashMap<>();
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      for (StoredMeasurement s : store.measurements().find(MeasurementFilter.all())) {
        stored.put(s.uid(), MeasurementJson.parse(store.measurements().byUid(s.uid()).orElseThrow().measurementJson()));
      }
    }
    assertEquals(urls.size(), stored.size());

    Path ooni = dir.resolve("export.ooni.jsonl");
    CliRun export = CliRun.of("export", "--format", "ooni", "--db", db.toString(), "--output", ooni.toString());
    assertEquals(0, export.exit(), export.err());
    List<String> lines = Files.readAllLines(ooni);
    assertEquals(urls.size(), lines.size());
    for (String line : lines) {
      JsonNode m = MeasurementJson.mapper().readTree(line);
      String where = m.path("input").asText();
      for (String key : List.of("annotations", "data_format_version", "input", "measurement_start_time", "probe_asn",
          "probe_cc", "probe_ip", "report_id", "software_name", "software_version", "test_helpers", "test_keys",
          "test_name", "test_runtime", "test_start_time", "test_version")) {
        assertTrue(m.has(key), where + ": df-000 key " + key);
      }
      assertEquals("AS9198", m.path("probe_asn").asText(), where);
      assertEquals("KZ", m.path("probe_cc").asText(), where);
      assertTrue(m.path("report_id").asText().matches("\\d{8}T\\d{6}Z_webconnectivity_KZ_9198_n1_[0-9A-Za-z]{16}"),
          where + ": report_id " + m.path("report_id"));
      assertTrue(m.at("/test_helpers/backend/address").isTextual(), where + ": test_helpers");
      assertTrue(m.at("/test_keys/x_control_request/http_request").isTextual(), where + ": x_control_request");
      JsonNode tk = m.get("test_keys");
      for (JsonNode r : tk.get("requests")) {
        JsonNode id = r.get("transaction_id");
        assertNotNull(id, where + ": requests[].transaction_id");
        boolean joined = false;
        for (JsonNode c : tk.get("tcp_connect")) {
          joined |= c.get("transaction_id").equals(id)
              && (c.get("ip").asText() + ":" + c.get("port").asInt()).equals(r.get("address").asText());
        }
        assertTrue(joined, where + ": request " + r.get("address") + " #" + id + " joins no tcp_connect");
      }
    }

    CliRun analyze = CliRun.of("analyze", "--json", "--treat-as-public", "127.0.0.0/8", ooni.toString());
    assertEquals(0, analyze.exit(), analyze.err());
    List<String> verdicts = analyze.out().lines().toList();
    assertEquals(urls.size(), verdicts.size(), analyze.out());
    for (String v : verdicts) {
      JsonNode a = MeasurementJson.mapper().readTree(v);
      Measurement original = stored.get(a.path("measurement_uid").asText());
      assertNotNull(original, "the uid survives the export: " + a.path("measurement_uid"));
      assertEquals(original.testKeys().xVerdict().wire(), a.at("/kuzet/verdict").asText(), original.input());
      List<String> signals = new ArrayList<>();
      a.at("/kuzet/signals").forEach(s -> signals.add(s.asText()));
      assertEquals(original.testKeys().xSignals().stream().map(s -> s.wire()).sorted().toList(),
          signals.stream().sorted().toList(), original.input());
    }
  }
}
