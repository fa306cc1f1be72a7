package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.messengers.Messenger;
import org.kuzet.core.messengers.MessengerEndpoints;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Verdict;

/**
 * {@code kuzet messengers}: one measurement per app, stored, offline during an outage, exported in OONI's format and
 * uploaded like a run's. Loopback only: the apps' names do not resolve (the fake resolver knows none of them) and
 * Telegram's data-centre addresses are mapped to a closed loopback port.
 */
class MessengersCommandTest {
  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();
  private SqliteCollectorStore collectorStore;
  private CollectorServer collector;
  private Path db;

  @BeforeEach
  void setUp() throws IOException {
    for (Messenger m : Messenger.values()) {
      MessengerEndpoints.App app = MessengerEndpoints.bundled().app(m);
      app.connect().forEach(c -> c.hosts().forEach(h -> {
        if (!Character.isDigit(h.charAt(0))) {
          dns.nxdomain(h);
        }
      }));
      app.fetch().forEach(f -> dns.nxdomain(okhttp3.HttpUrl.get(f.url()).host()));
    }
    collectorStore = SqliteCollectorStore.open(dir.resolve("collector.db"));
    collector = CollectorServer.builder(collectorStore).start();
    db = dir.resolve("probe/kuzet.db");
    Files.writeString(dir.resolve("kuzet.conf"), "");
  }

  @AfterEach
  void tearDown() throws IOException {
    dns.close();
    collector.close();
    collectorStore.close();
  }

  private String[] messengers(String... extra) {
    InetAddress closed = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(closed);
    List<String> args = new ArrayList<>(List.of("messengers", "--db", db.toString(),
        "--config", dir.resolve("kuzet.conf").toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "5s", "--timeout-connect", "5s",
        "--no-network-lookup"));
    for (String ip : MessengerEndpoints.bundled().app(Messenger.TELEGRAM).connect().get(0).hosts()) {
      args.addAll(List.of("--endpoint-map", ip + "=" + closed.getHostAddress() + ":" + port));
    }
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private List<Measurement> stored() {
    List<Measurement> out = new ArrayList<>();
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      for (StoredMeasurement m : store.measurements().find(MeasurementFilter.all())) {
        out.add(MeasurementJson.parse(store.measurements().byUid(m.uid()).orElseThrow().measurementJson()));
      }
    }
    return out;
  }

  @Test
  void eachAppIsAMeasurementOfItsOwnTestNameBlockedWithItsSignals() {
    CliRun r = CliRun.of(messengers("--skip-connectivity-check"));
    assertEquals(0, r.exit(), r.err());
    List<Measurement> ms = stored();
    Set<String> names = new TreeSet<>();
    for (Measurement m : ms) {
      names.add(m.testName());
      assertEquals(m.testName(), m.input());
      assertEquals(Verdict.BLOCKED, m.testKeys().xVerdict(), m.testName());
    }
    assertEquals(Set.of("signal", "telegram", "whatsapp"), names);
    assertTrue(r.out().contains("telegram  blocked") && r.out().contains("tcp.refused"), r.out());
    assertTrue(r.out().contains("whatsapp  blocked") && r.out().contains("dns.nxdomain"), r.out());
    assertTrue(r.err().contains("can see this computer contact WhatsApp"), "without consent, the risk is said");
  }

  @Test
  void duringAFullOutageEveryAppIsOfflineNotBlocked() {
    InetAddress a = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(a);
    CliRun r = CliRun.of(messengers("--connectivity-anchor", "tcp " + a.getHostAddress() + ":" + port));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("the network is offline"), r.err());
    List<Measurement> ms = stored();
    assertEquals(3, ms.size());
    ms.forEach(m -> assertEquals(Verdict.OFFLINE, m.testKeys().xVerdict(), m.testName()));
  }

  @Test
  void exportedInOonisFormatAndUploadedLikeTheRest() throws IOException {
    assertEquals(0, CliRun.of(messengers("--skip-connectivity-check", "--app", "telegram,signal")).exit());
    Path out = dir.resolve("ooni.jsonl");
    CliRun export = CliRun.of("export", "--format", "ooni", "--output", out.toString(), "--db", db.toString());
    assertEquals(0, export.exit(), export.err());
    String lines = Files.readString(out);
    assertTrue(lines.contains("\"telegram_tcp_blocking\":true"), lines);
    assertTrue(lines.contains("\"signal_backend_status\":\"blocked\""), lines);
    assertTrue(lines.contains("\"test_name\":\"telegram\"") && lines.contains("\"input\":null"), lines);
    CliRun upload = CliRun.of("upload", "--db", db.toString(), "--config", dir.resolve("kuzet.conf").toString(),
        "--collector", collector.uploadUri().toString());
    assertEquals(0, upload.exit(), upload.err() + upload.out());
    assertEquals(2, collectorStore.count(), upload.out());
  }

  @Test
  void shownByResultsReportAndStatus() throws IOException {
    assertEquals(0, CliRun.of(messengers("--skip-connectivity-check", "--app", "whatsapp")).exit());
    CliRun results = CliRun.of("results", "--db", db.toString());
    assertEquals(0, results.exit(), results.err());
    assertTrue(results.out().contains("whatsapp") && results.out().contains("blocked"), results.out());
    Path html = dir.resolve("report.html");
    CliRun report = CliRun.of("report", "--html", html.toString(), "--db", db.toString());
    assertEquals(0, report.exit(), report.err());
    assertTrue(Files.readString(html).contains("whatsapp"));
    CliRun status = CliRun.of("status", "--db", db.toString(), "--config", dir.resolve("kuzet.conf").toString());
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("1 blocked") || status.out().contains("blocked"), status.out());
  }
}
