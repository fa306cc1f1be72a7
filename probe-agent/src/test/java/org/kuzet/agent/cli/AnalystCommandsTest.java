package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Verdict;

/** results, show, export, query and report through the real command line, on a database filled directly. */
class AnalystCommandsTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static final String HOSTILE = "https://evil.kz/<script>alert('x')</script>&\"";

  @TempDir Path dir;

  private Path db;
  private Measurement blockedFirst;
  private Measurement hostile;

  @BeforeEach
  void fill() {
    db = dir.resolve("kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      long run1 = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE, T0);
      long run2 = store.runs().beginRun(Trigger.SCHEDULED, null, "0.1.0", NetworkState.ONLINE, T0.plusSeconds(86400));
      for (int day = 0; day < 4; day++) {
        Instant t = T0.plus(Duration.ofDays(day));
        long run = day < 2 ? run1 : run2;
        Measurement b = TestMeasurements.blocked("https://kuresker.org/", t);
        if (day == 0) {
          blockedFirst = b;
        }
        store.measurements().save(run, b.input(), "kz", "NEWS", b);
        Measurement a = TestMeasurements.accessible("https://holanews.kz/", t.plusSeconds(5));
        store.measurements().save(run, a.input(), "kz", "NEWS", a);
      }
      hostile = TestMeasurements.of(HOSTILE, T0.plusSeconds(60), Verdict.DOWN, null, false, List.of(), null);
      store.measurements().save(run1, hostile.input(), "file,with,commas.csv", "MISC", hostile);
      store.connectivity().openConnectivityEvent(NetworkState.ONLINE, T0, null);
      store.connectivity().openConnectivityEvent(NetworkState.DOMESTIC_ONLY, T0.plusSeconds(3600),
          "{\"anchors\":\"<b>\"}");
      store.connectivity().openConnectivityEvent(NetworkState.ONLINE, T0.plusSeconds(7200), null);
    }
  }

  private CliRun kuzet(String... args) {
    return CliRun.onDatabase(db, args);
  }

  @Test
  void everyStoreCommandHasCleanHelp() {
    for (String command : List.of("run", "results", "show", "export", "query", "report")) {
      CliRun help = CliRun.of(command, "--help");
      assertEquals(0, help.exit(), command);
      assertEquals("", help.err(), command + " --help printed warnings");
      assertTrue(help.out().contains("--db=FILE"), command);
    }
  }

  @Test
  void resultsListsAndFilters() {
    CliRun all = kuzet("results");
    assertEquals(0, all.exit(), all.err());
    assertTrue(all.out().startsWith("ID        RUN  TIME (UTC)"), all.out());
    assertEquals(1 + 9, all.out().lines().count(), all.out());
    assertTrue(all.out().lines().skip(1).findFirst().orElseThrow().contains("2026-11-04 10:00:05"), "newest first");

    CliRun blocked = kuzet("results", "--verdict", "blocked");
    assertEquals(1 + 4, blocked.out().lines().count(), blocked.out());
    assertTrue(blocked.out().contains("tls.interception,tls.known_interception_root"), blocked.out());

    CliRun range = kuzet("results", "--since", "2026-11-02", "--until", "2026-11-02");
    assertEquals(1 + 2, range.out().lines().count(), "a date --until includes that day: " + range.out());
    CliRun instant = kuzet("results", "--since", "2026-11-01T10:00:01Z", "--until", "2026-11-01T13:00:00+02:00");
    assertEquals(1 + 2, instant.out().lines().count(), instant.out());
    assertEquals(1 + 2, kuzet("results", "--url", "kuresker", "--run", "1").out().lines().count());
    assertEquals(1 + 4, kuzet("results", "--url", "https://holanews.*").out().lines().count());

    CliRun limited = kuzet("results", "--limit", "2");
    assertEquals(1 + 2 + 1, limited.out().lines().count(), limited.out());
    assertTrue(limited.out().contains("raise --limit"), limited.out());
  }

  @Test
  void malformedInputIsAOneLineUsageError() {
    Map<String, String[]> cases = Map.of(
        "--since 'yesterday'", new String[] {"results", "--since", "yesterday"},
        "--until '2026-13-01'", new String[] {"results", "--until", "2026-13-01"},
        "--verdict 'censored'", new String[] {"results", "--verdict", "censored"},
        "is not before", new String[] {"results", "--since", "2026-11-05", "--until", "2026-11-01"},
        "no measurement with UID 'nope'", new String[] {"show", "nope"},
        "--format 'xml'", new String[] {"export", "--format", "xml"},
        "--limit 0", new String[] {"results", "--limit", "0"});
    cases.forEach((message, args) -> {
      CliRun run = kuzet(args);
      assertEquals(Main.EXIT_USAGE, run.exit(), String.join(" ", args) + " → " + run.err());
      assertTrue(run.err().contains(message), "expected " + message + " in " + run.err());
      assertEquals(1, run.err().lines().count(), run.err());
    });
    CliRun missing = CliRun.of("results", "--db", dir.resolve("none.db").toString());
    assertEquals(Main.EXIT_USAGE, missing.exit());
    assertTrue(missing.err().contains("no database at"), missing.err());
    assertFalse(Files.exists(dir.resolve("none.db")));
  }

  @Test
  void showPrintsOneMeasurementInFull() {
    CliRun show = kuzet("show", blockedFirst.measurementUid());
    assertEquals(0, show.exit(), show.err());
    for (String expected : List.of("https://kuresker.org/", "2026-11-01 10:00:00 UTC", "AS9198 KZ", "blocked",
        "tls.interception", "http-diff", "CN=Qaznet Trust Network", "pending", "dns      system A 93.184.216.34",
        "category NEWS")) {
      assertTrue(show.out().contains(expected), "expected " + expected + " in\n" + show.out());
    }
    CliRun json = kuzet("show", "--json", blockedFirst.measurementUid());
    assertEquals(blockedFirst, MeasurementJson.parse(json.out().strip()));
  }

  @Test
  void exportJsonlIsValidAgainstTheJsonSchema() throws Exception {
    CliRun export = kuzet("export", "--format", "jsonl");
    assertEquals(0, export.exit(), export.err());
    List<String> lines = export.out().lines().toList();
    assertEquals(9, lines.size());
    lines.forEach(ExportSchema::assertValid);
    assertEquals(blockedFirst, MeasurementJson.parse(lines.get(0)), "oldest first, the stored record unchanged");

    // The schema does reject what is not a kuzet line.
    String broken = lines.get(0).replace("\"x_verdict\":\"blocked\"", "\"x_verdict\":\"censored\"");
    assertFalse(ExportSchema.errors(broken).isEmpty());
    assertFalse(ExportSchema.errors(lines.get(0).replace("{\"measurement_uid\"", "{\"probe_ip\":\"1.2.3.4\","
        + "\"measurement_uid\"")).isEmpty(), "a probe_ip is not allowed in kuzet's format");

    Path file = dir.resolve("out/export.jsonl");
    Files.createDirectories(file.getParent());
    CliRun toFile = kuzet("export", "--since", "2026-11-03", "--output", file.toString());
    assertEquals(0, toFile.exit(), toFile.err());
    assertEquals(4, Files.readAllLines(file).size());
    assertEquals("", toFile.out());
  }

  @Test
  void exportCsvQuotesAndOoniDropsExtensions() throws Exception {
    CliRun csv = kuzet("export", "--format", "csv", "--verdict", "down");
    assertEquals(0, csv.exit(), csv.err());
    List<String> rows = csv.out().lines().toList();
    assertEquals(String.join(",", ExportCommand.CSV_COLUMNS), rows.get(0));
    assertEquals(2, rows.size(), csv.out());
    assertTrue(rows.get(1).contains(",\"https://evil.kz/<script>alert('x')</script>&\"\"\",\"file,with,commas.csv\","),
        rows.get(1));

    CliRun ooni = kuzet("export", "--format", "ooni", "--url", "kuresker");
    assertEquals(0, ooni.exit(), ooni.err());
    List<String> lines = ooni.out().lines().toList();
    assertEquals(4, lines.size());
    for (String line : lines) {
      JsonNode m = MeasurementJson.mapper().readTree(line);
      for (String own : org.kuzet.schema.OoniExport.KUZET_KEYS) {
        assertFalse(line.contains("\"" + own + "\""), "no kuzet extension key: " + line); // OONI's x_ keys stay
      }
      for (String key : List.of("measurement_uid", "input", "measurement_start_time", "probe_asn", "probe_cc",
          "software_name", "software_version", "test_name", "test_runtime", "test_keys", "report_id")) {
        assertTrue(m.has(key), key);
      }
      assertEquals("127.0.0.1", m.get("probe_ip").asText(), "OONI's scrubbed placeholder, not an address");
      assertEquals("http-diff", m.get("test_keys").get("blocking").asText());
      assertEquals(1, m.get("test_keys").get("queries").size());
    }
  }

  @Test
  void queryReadsButRefusesWrites() throws Exception {
    CliRun q = kuzet("query", "SELECT x_verdict, count(*) AS n FROM measurements GROUP BY 1 ORDER BY 1");
    assertEquals(0, q.exit(), q.err());
    assertEquals(List.of("x_verdict   n", "accessible  4", "blocked     4", "down        1", "(3 rows)"),
        q.out().lines().toList());
    byte[] before = Files.readAllBytes(db);
    for (String sql : List.of("DELETE FROM measurements", "UPDATE runs SET campaign = 'x'", "DROP TABLE runs",
        "PRAGMA user_version = 7", "CREATE TABLE t (x)")) {
      CliRun w = kuzet("query", sql);
      assertEquals(Main.EXIT_USAGE, w.exit(), sql + " → " + w.out() + w.err());
      assertTrue(w.err().contains("read-only") && w.err().contains("writes are refused"), w.err());
      assertEquals(1, w.err().lines().count(), w.err());
    }
    assertEquals(9, Integer.parseInt(kuzet("query", "SELECT count(*) FROM measurements").out().lines().toList()
        .get(1).strip()));
    CliRun bad = kuzet("query", "SELEKT 1");
    assertEquals(Main.EXIT_USAGE, bad.exit());
    assertTrue(bad.err().contains("SQL error"), bad.err());
    assertEquals(before.length, Files.readAllBytes(db).length);
  }

  @Test
  void everyExampleQueryOfTheSchemaReadmeRuns() throws Exception {
    String readme = Files.readString(Path.of("..", "results-schema", "README.md"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("```sql\\n(.*?)```", java.util.regex.Pattern.DOTALL)
        .matcher(readme);
    int n = 0;
    while (m.find()) {
      CliRun q = kuzet("query", m.group(1).strip());
      assertEquals(0, q.exit(), m.group(1) + " → " + q.err());
      n++;
    }
    assertTrue(n >= 5, "examples found: " + n);
    CliRun timeline = kuzet("query", "SELECT start_time, x_verdict FROM measurements WHERE input ="
        + " 'https://kuresker.org/' AND start_time >= '2026-11-01' AND start_time < '2026-12-01'");
    assertEquals(1 + 4 + 1, timeline.out().lines().count(), timeline.out());
  }

  @Test
  void reportOfARunOnceDuringAShutdownShowsTheGapAndWhatIsBlockedNow() throws Exception {
    Path offline = dir.resolve("offline.db");
    try (ResultsStore store = ResultsStore.open(offline)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.OFFLINE, T0);
      Measurement m = TestMeasurements.of("https://a.kz/", T0.plusSeconds(1), Verdict.OFFLINE, null, null, List.of(),
          null);
      store.measurements().save(run, m.input(), "kz", "NEWS", m);
      store.runs().finishRun(run, T0.plusSeconds(30));
    }
    Path html = dir.resolve("offline.html");
    CliRun run = CliRun.of("report", "--html", html.toString(), "--db", offline.toString());
    assertEquals(0, run.exit(), run.err());
    String page = Files.readString(html);
    assertFalse(page.contains("No connectivity gap recorded"), "the run's own check found the network offline");
    assertTrue(page.contains("run #1: its connectivity check found the network offline"), page);

    kuzet("report", "--html", html.toString());
    String blocked = Files.readString(html);
    assertTrue(blocked.contains("<h2>Blocked now</h2>") && blocked.contains("<tr><td>https://kuresker.org/</td>"),
        blocked);
  }

  @Test
  void reportIsSelfContainedWellFormedAndEscaped() throws Exception {
    Path html = dir.resolve("report.html");
    CliRun run = kuzet("report", "--html", html.toString());
    assertEquals(0, run.exit(), run.err());
    String page = Files.readString(html);
    assertTrue(page.startsWith("<!DOCTYPE html>"), page);
    assertTrue(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "inline SVG timeline");
    assertTrue(page.contains("https://kuresker.org/"));
    assertTrue(page.contains("tls.known_interception_root"), "blocking methods seen");
    assertTrue(page.contains("CN=Qaznet Trust Network &lt;root&gt;"), "interception details, escaped");
    assertTrue(page.contains("domestic_only") && page.contains("1h 00m"), "the connectivity gap");
    assertFalse(page.contains("<script"), "stored text is escaped, never markup");
    assertFalse(page.contains("<b>"), "event detail escaped");
    // In text, < and & are what must be escaped (jte's HTML escaping); quotes are escaped where they matter, in
    // attribute values.
    assertTrue(page.contains("&lt;script&gt;alert('x')&lt;/script&gt;&amp;\""), "the hostile URL, escaped");
    for (String external : List.of("src=", "href=", "@import", "url(")) {
      assertFalse(page.contains(external), "no external asset: " + external);
    }
    // Well-formed: the whole page (minus the doctype) parses as XML, so the SVG is intact.
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
        page.replaceFirst("<!DOCTYPE html>", "").getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    CliRun noFile = kuzet("report", "--html", dir.resolve("no/such/dir/r.html").toString());
    assertEquals(Main.EXIT_USAGE, noFile.exit());
    assertTrue(noFile.err().contains("no such directory"), noFile.err());
  }
}
