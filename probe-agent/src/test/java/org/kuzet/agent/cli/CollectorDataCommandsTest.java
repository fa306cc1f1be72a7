package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.collector.ReceivedMeasurement;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.upload.UploadProtocol;

/** {@code kuzet collector export} and {@code kuzet collector report} on a collector's SQLite database. */
class CollectorDataCommandsTest {
  @TempDir Path dir;
  Path db;

  private static ReceivedMeasurement received(String line, String uid) throws IOException {
    JsonNode m = UploadProtocol.mapper().readTree(line.replaceFirst("\"measurement_uid\":\"[^\"]*\"",
        "\"measurement_uid\":\"" + uid + "\""));
    return new ReceivedMeasurement(uid, "ed25519:k", Instant.parse("2026-11-23T10:00:00Z"),
        new String(CanonicalJson.encode(m), StandardCharsets.UTF_8), "{}", ReceivedMeasurement.Summary.of(m));
  }

  @BeforeEach
  void collectorWithTwoMeasurements() throws IOException {
    db = dir.resolve("collector.db");
    try (SqliteCollectorStore store = SqliteCollectorStore.open(db)) {
      store.store(List.of(
          received(MeasurementJson.toLine(TestMeasurements.blocked("https://holanews.kz/",
              Instant.parse("2026-11-22T09:00:00Z"))), "b1"),
          received(MeasurementJson.toLine(TestMeasurements.accessible("https://a.kz/",
              Instant.parse("2026-11-22T10:00:00Z"))), "a1")));
    }
  }

  private static List<JsonNode> lines(String text) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        out.add(UploadProtocol.mapper().readTree(line));
      }
    }
    return out;
  }

  @Test
  void exportAndReportFindTheDatabaseInTheCollectorsConfigAsTheCollectorDoes() throws IOException {
    Path config = dir.resolve("collector.conf");
    Files.writeString(config, "[collector]\nlisten = 127.0.0.1:8443\ndatabase = collector.db\n");
    CliRun export = CliRun.of("collector", "export", "--config", config.toString());
    assertEquals(0, export.exit(), export.err());
    assertEquals(List.of("b1", "a1"), lines(export.out()).stream().map(m -> m.get("measurement_uid").asText())
        .toList());
    Path page = dir.resolve("report.html");
    CliRun report = CliRun.of("collector", "report", "--config", config.toString(), "--html", page.toString(),
        "--since", "2026-11-01", "--until", "2026-12-01");
    assertEquals(0, report.exit(), report.err());
    assertTrue(report.out().contains("1 network-days, 1 blocked"), report.out());

    Path gone = dir.resolve("gone.conf");
    Files.writeString(gone, "[collector]\nlisten = 127.0.0.1:8443\ndatabase = missing.db\n");
    CliRun missing = CliRun.of("collector", "export", "--config", gone.toString());
    assertEquals(2, missing.exit(), missing.err());
    assertTrue(missing.err().contains("gone.conf:3") && missing.err().contains("[collector] database"),
        missing.err());

    Path none = dir.resolve("none.conf");
    Files.writeString(none, "[collector]\nlisten = 127.0.0.1:8443\n");
    CliRun noDb = CliRun.of("collector", "report", "--config", none.toString(), "--html", page.toString());
    assertEquals(2, noDb.exit(), noDb.err());
    assertTrue(noDb.err().contains("--db") && noDb.err().contains("[collector]"), noDb.err());
  }

  @Test
  void exportsOoniLinesAndClickhouseRows() throws IOException {
    CliRun ooni = CliRun.of("collector", "export", "--db", db.toString(), "--since", "2026-11-01");
    assertEquals(0, ooni.exit(), ooni.err());
    List<JsonNode> measurements = lines(ooni.out());
    assertEquals(List.of("b1", "a1"), measurements.stream().map(m -> m.get("measurement_uid").asText()).toList());
    assertTrue(measurements.get(0).has("test_keys") && measurements.get(0).has("probe_asn"));

    Path rows = dir.resolve("rows.jsonl");
    CliRun clickhouse = CliRun.of("collector", "export", "--db", db.toString(), "--format", "clickhouse",
        "--since", "2026-11-22 09:30:00", "--output", rows.toString());
    assertEquals(0, clickhouse.exit(), clickhouse.err());
    assertTrue(clickhouse.out().contains("1 measurements written"), clickhouse.out());
    JsonNode row = lines(Files.readString(rows)).get(0);
    assertEquals("a1", row.get("measurement_uid").asText());
    assertEquals("a.kz", row.get("domain").asText());
    assertEquals("f", row.get("anomaly").asText());
  }

  @Test
  void writesTheReportPage() throws IOException {
    Path page = dir.resolve("report.html");
    CliRun run = CliRun.of("collector", "report", "--db", db.toString(), "--html", page.toString(), "--since",
        "2026-11-01", "--until", "2026-12-01");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("1 network-days, 1 blocked"), run.out());
    String html = Files.readString(page);
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("2026-11-22"), html);
  }

  @Test
  void badInputIsNamed() throws IOException {
    CliRun missing = CliRun.of("collector", "export", "--db", dir.resolve("absent.db").toString());
    assertEquals(Main.EXIT_USAGE, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());
    assertFalse(Files.exists(dir.resolve("absent.db")), "export must not create a database");
    CliRun format = CliRun.of("collector", "export", "--db", db.toString(), "--format", "csv");
    assertEquals(Main.EXIT_USAGE, format.exit());
    assertTrue(format.err().contains("one of ooni, clickhouse"), format.err());
    CliRun since = CliRun.of("collector", "export", "--db", db.toString(), "--since", "yesterday");
    assertEquals(Main.EXIT_USAGE, since.exit());
    assertTrue(since.err().contains("--since 'yesterday'"), since.err());
    CliRun url = CliRun.of("collector", "export", "--db", "postgresql://kuzet:pw@db.example.org");
    assertEquals(Main.EXIT_USAGE, url.exit(), url.err());
    assertTrue(url.err().contains("HOST[:PORT]/DATABASE"), url.err());
  }

  /** A PostgreSQL server that is not there: a failed operation (exit 1), the password never shown. */
  @Test
  void anUnreachablePostgresIsAFailureWithoutThePassword() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CliRun run = CliRun.of("collector", "export", "--db", "postgresql://kuzet:t0p-secret@127.0.0.1:" + port
        + "/kuzet?connectTimeout=5");
    assertEquals(Main.EXIT_FAILED, run.exit(), run.err());
    assertTrue(run.err().startsWith("kuzet collector export: cannot connect to the collector database"), run.err());
    assertFalse(run.err().contains("t0p-secret"), run.err());
    assertFalse(run.err().contains("\tat "), run.err());
  }
}
