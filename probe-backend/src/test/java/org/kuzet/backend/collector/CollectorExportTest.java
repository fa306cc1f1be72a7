package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.collector.CollectorStore.NetworkDay;
import org.kuzet.schema.upload.UploadProtocol;

class CollectorExportTest {
  private static final LocalDateTime SINCE = LocalDateTime.of(2026, 11, 1, 0, 0);

  @TempDir Path dir;

  private List<JsonNode> export(CollectorExport.Format format) throws IOException {
    try (CollectorStore store = SqliteCollectorStore.open(dir.resolve("c.db"))) {
      ObjectNode blocked = CollectorStoreContract.measurement("b", "2026-11-22 10:00:00", "AS9198",
          "https://holanews.kz/news", "blocked", "http.451");
      ((ObjectNode) blocked.get("test_keys")).put("blocking", "http-diff");
      blocked.putObject("test_helpers").putObject("backend").put("address", "https://th.example.org")
          .put("type", "https");
      store.store(List.of(CollectorStoreContract.row(blocked, "ed25519:k1"),
          CollectorStoreContract.row(CollectorStoreContract.measurement("a", "2026-11-21 10:00:00", "AS48716",
              "https://a.kz/", "accessible"), "ed25519:k2"),
          CollectorStoreContract.row(CollectorStoreContract.measurement("old", "2026-10-01 10:00:00", "AS48716",
              "https://a.kz/", "accessible"), "ed25519:k2")));
      StringWriter out = new StringWriter();
      assertEquals(2, CollectorExport.write(store, SINCE, format, out));
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.toString().split("\n")) {
        lines.add(UploadProtocol.mapper().readTree(line));
      }
      return lines;
    }
  }

  @Test
  void ooniLinesAreMeasurementsWithOonisRequiredKeys() throws IOException {
    List<JsonNode> lines = export(CollectorExport.Format.OONI);
    assertEquals(List.of("a", "b"), lines.stream().map(l -> l.path("measurement_uid").asText()).toList());
    for (JsonNode line : lines) {
      for (String key : List.of("measurement_uid", "input", "measurement_start_time", "test_start_time",
          "probe_asn", "probe_cc", "software_name", "software_version", "test_name", "test_runtime",
          "data_format_version", "test_keys")) {
        assertTrue(line.has(key), key + " missing in " + line);
      }
      assertEquals("web_connectivity", line.get("test_name").asText());
    }
  }

  /** Every row has exactly the columns of the checked-in ClickHouse table, in its order, with its types' shapes. */
  @Test
  void clickhouseRowsHaveExactlyTheTablesColumns() throws IOException {
    List<String> columns = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*`([a-z_0-9]+)`\\s+(\\S.*?),?$").matcher(CollectorExport.clickhouseDdl());
    List<String> types = new ArrayList<>();
    while (m.find()) {
      columns.add(m.group(1));
      types.add(m.group(2));
    }
    assertTrue(columns.containsAll(List.of("measurement_uid", "report_id", "input", "domain", "probe_cc",
        "probe_asn", "test_name", "measurement_start_time", "test_start_time", "anomaly", "confirmed", "msm_failure",
        "blocking_type", "scores", "software_name", "software_version", "engine_name", "engine_version",
        "test_helper_address", "test_helper_type", "x_verdict", "x_signals")), columns.toString());
    List<JsonNode> rows = export(CollectorExport.Format.CLICKHOUSE);
    for (JsonNode row : rows) {
      List<String> keys = new ArrayList<>();
      row.fieldNames().forEachRemaining(keys::add);
      assertEquals(columns, keys);
      for (int i = 0; i < columns.size(); i++) {
        JsonNode v = row.get(columns.get(i));
        String type = types.get(i);
        boolean ok = type.startsWith("Array") ? v.isArray() : type.startsWith("UInt") || type.startsWith("Float")
            ? v.isNumber() : v.isTextual();
        assertTrue(ok, columns.get(i) + " " + type + " got " + v);
      }
    }
    JsonNode b = rows.get(1);
    assertEquals("holanews.kz", b.get("domain").asText());
    assertEquals(9198, b.get("probe_asn").asInt());
    assertEquals("t", b.get("anomaly").asText());
    assertEquals("t", b.get("confirmed").asText());
    assertEquals("f", b.get("msm_failure").asText());
    assertEquals("http-diff", b.get("blocking_type").asText());
    assertEquals("https://th.example.org", b.get("test_helper_address").asText());
    assertEquals("2026-11-22 10:00:00", b.get("measurement_start_time").asText());
    assertEquals("blocked", b.get("x_verdict").asText());
    assertEquals("http.451", b.get("x_signals").get(0).asText());
    assertEquals(1.0, UploadProtocol.mapper().readTree(b.get("scores").asText()).get("blocking_general").asDouble());
    assertEquals("f", rows.get(0).get("anomaly").asText());
  }

  @Test
  void theReportEscapesWhatUploadsWrote() {
    String html = NetworkReport.html(List.of(
            new NetworkDay(LocalDate.of(2026, 11, 22), "<script>alert(1)</script>", 3, 2,
                new TreeSet<>(List.of("dns.bogon", "\"><img src=x onerror=alert(2)>"))),
            new NetworkDay(LocalDate.of(2026, 11, 22), "AS9198", 5, 0, new TreeSet<>())),
        LocalDateTime.of(2026, 11, 1, 0, 0), LocalDateTime.of(2026, 12, 1, 0, 0), Instant.parse("2026-12-01T00:00:00Z"));
    assertFalse(html.contains("<script"), "a script element got through");
    assertFalse(html.contains("<img"), "an element got through");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), html);
    assertTrue(html.contains("default-src 'none'"), "no script may run even if something were missed");
    assertFalse(html.contains("http://") || html.contains("src=\""), "self-contained: nothing loaded from outside");
    assertTrue(html.contains("8 measurements, 2 blocked, in 2 networks"), html);
  }
}
