package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import org.kuzet.core.LocalBaseline;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.analysis.Throttling;
import org.kuzet.core.ooni.OoniMeasurementReader;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/** {@code kuzet analyze} through the real command line. */
class AnalyzeCommandTest {
  /** An OONI LTE measurement of a site that answers the same page as the control: accessible. */
  private static final String GOOD = "{\"test_name\":\"web_connectivity\",\"input\":\"http://www.example.com/\","
      + "\"measurement_start_time\":\"2024-02-12 20:33:47\",\"probe_asn\":\"AS137\",\"probe_cc\":\"IT\","
      + "\"report_id\":\"r1\",\"measurement_uid\":\"UID-GOOD\",\"test_keys\":{"
      + "\"queries\":[{\"engine\":\"getaddrinfo\",\"hostname\":\"www.example.com\",\"query_type\":\"ANY\","
      + "\"answers\":[{\"answer_type\":\"A\",\"ipv4\":\"93.184.216.34\",\"ttl\":null}],\"failure\":null}],"
      + "\"tcp_connect\":[{\"ip\":\"93.184.216.34\",\"port\":80,\"status\":{\"success\":true,\"failure\":null}}],"
      + "\"requests\":[{\"address\":\"93.184.216.34:80\",\"failure\":null,\"request\":{\"url\":\"http://www.example.com/\"},"
      + "\"response\":{\"code\":200,\"body\":\"<title>Default Web Page</title>\",\"headers\":{\"Server\":\"x\"}}}],"
      + "\"control\":{\"tcp_connect\":{\"93.184.216.34:80\":{\"status\":true,\"failure\":null}},"
      + "\"http_request\":{\"body_length\":31,\"failure\":null,\"title\":\"Default Web Page\","
      + "\"headers\":{\"Server\":\"x\"},\"status_code\":200},\"dns\":{\"failure\":null,\"addrs\":[\"93.184.216.34\"]},"
      + "\"ip_info\":{}},\"control_failure\":null,\"dns_consistency\":\"consistent\",\"blocking\":false,"
      + "\"accessible\":true}}";

  /** The same site with the system resolver answering NXDOMAIN and no fetch: blocked by DNS. */
  private static final String NXDOMAIN = GOOD.replace("UID-GOOD", "UID-NX")
      .replace("\"answers\":[{\"answer_type\":\"A\",\"ipv4\":\"93.184.216.34\",\"ttl\":null}],\"failure\":null",
          "\"answers\":null,\"failure\":\"dns_nxdomain_error\"")
      .replaceFirst("\"tcp_connect\":\\[[^\\]]*\\]", "\"tcp_connect\":[]")
      .replaceFirst("\"requests\":\\[.*?}}],", "\"requests\":[],\"http_experiment_failure\":\"dns_nxdomain_error\",")
      .replace("\"dns_consistency\":\"consistent\",\"blocking\":false,\"accessible\":true",
          "\"dns_consistency\":\"inconsistent\",\"blocking\":\"dns\",\"accessible\":false");

  private static final String DNSCHECK = "{\"test_name\":\"dnscheck\",\"input\":\"dot://1.1.1.1/\",\"test_keys\":{}}";

  @TempDir Path dir;

  private Path file(String name, String... lines) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  @Test
  void printsKuzetsVerdictBesideOonisAndReportsBadLinesByFileAndLine() throws Exception {
    Path f = file("m.jsonl", GOOD, "{not json", DNSCHECK, "", "{\"test_name\":\"web_connectivity\"}", NXDOMAIN);
    CliRun run = CliRun.of("analyze", f.toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    String[] rows = run.out().split("\n");
    assertTrue(rows[0].startsWith("LINE"), run.out());
    assertTrue(rows[1].matches(".*m\\.jsonl:1 +accessible +- +false +true +http://www\\.example\\.com/"), rows[1]);
    assertTrue(rows[2].matches(".*m\\.jsonl:6 +blocked +dns\\.inconsistent,dns\\.nxdomain +dns +false .*"), rows[2]);
    assertTrue(run.err().contains(f + ":2: not JSON"), run.err());
    assertTrue(run.err().contains(f + ":5: no input (the measured URL); skipped"), run.err());
    assertTrue(run.out().contains("2 analysed, 1 skipped (not web_connectivity: dnscheck 1), 2 bad;"
        + " kuzet's blocking equals the recorded one for 2 of 2"), run.out());
  }

  @Test
  void jsonIsOneObjectPerMeasurementWithTheSummaryOnStderr() throws Exception {
    CliRun run = CliRun.of("analyze", "--json", file("m.jsonl", GOOD, NXDOMAIN).toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    String[] lines = run.out().split("\n");
    assertEquals(2, lines.length, run.out());
    JsonNode o = MeasurementJson.mapper().readTree(lines[1]);
    assertEquals(2, o.get("line").asInt());
    assertEquals("UID-NX", o.get("measurement_uid").asText());
    assertEquals("blocked", o.at("/kuzet/verdict").asText());
    assertEquals("dns", o.at("/kuzet/blocking").asText());
    assertEquals("dns.nxdomain", o.at("/kuzet/signals/1").asText());
    assertEquals("dns", o.at("/recorded/blocking").asText());
    assertFalse(o.at("/recorded/accessible").asBoolean(true));
    assertTrue(run.err().startsWith("2 analysed, 0 skipped, 0 bad"), run.err());
  }

  @Test
  void readsPrettyPrintedFilesGzipAndStandardInput() throws Exception {
    String pretty = MeasurementJson.mapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(MeasurementJson.mapper().readTree(GOOD));
    Path gz = dir.resolve("m.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write((GOOD + "\n" + NXDOMAIN + "\n").getBytes(StandardCharsets.UTF_8));
    }
    CliRun run = CliRun.of("analyze", file("pretty.json", pretty).toString(), gz.toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(run.out().contains("pretty.json:1 "), run.out());
    assertTrue(run.out().contains("m.jsonl.gz:2 "), run.out());
    assertTrue(run.out().contains("3 analysed, 0 skipped, 0 bad"), run.out());

    CliRun stdin = CliRun.atTerminal(NXDOMAIN + "\n", "analyze", "-");
    assertEquals(Main.EXIT_OK, stdin.exit(), stdin.err());
    assertTrue(stdin.out().contains("stdin:1 "), stdin.out());
  }

  @Test
  void anUnreadableFileOrABadFlagIsAUsageError() {
    CliRun missing = CliRun.of("analyze", dir.resolve("nope.jsonl").toString());
    assertEquals(Main.EXIT_USAGE, missing.exit());
    assertTrue(missing.err().contains("nope.jsonl: no such file"), missing.err());
    assertEquals(Main.EXIT_USAGE, CliRun.of("analyze", dir.toString()).exit());
    assertEquals(Main.EXIT_USAGE, CliRun.of("analyze", "--frobnicate", "x").exit());
    assertEquals(Main.EXIT_USAGE, CliRun.of("analyze").exit());
    assertEquals(Main.EXIT_USAGE, CliRun.of("analyze", "-", "-").exit());
  }

  @Test
  void dbStoresAnImportedRunThatIsNeverUploaded() throws Exception {
    Path db = dir.resolve("kuzet.db");
    Path f = file("ooni.jsonl", GOOD, NXDOMAIN);
    CliRun run = CliRun.of("analyze", "--db", db.toString(), f.toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(run.out().contains("stored 2 in " + db), run.out());

    CliRun results = CliRun.of("results", "--db", db.toString());
    assertTrue(results.out().contains("UID-NX") && results.out().contains("dns.inconsistent,dns.nxdomain"),
        results.out());
    CliRun query = CliRun.of("query", "--db", db.toString(), "SELECT r.trigger, m.upload_state, m.target_list,"
        + " json_extract(m.measurement_json, '$.annotations.recorded_blocking') FROM measurements m"
        + " JOIN runs r ON r.id = m.run_id ORDER BY m.id");
    String[] rows = query.out().split("\n");
    assertTrue(rows[1].matches("imported +local +" + java.util.regex.Pattern.quote(f.toString()) + " +false"), rows[1]);
    assertTrue(rows[2].matches("imported +local +" + java.util.regex.Pattern.quote(f.toString()) + " +dns"), rows[2]);
    try (ResultsStore store = ResultsStore.open(db)) {
      assertEquals(Trigger.IMPORTED, store.runs().lastRun().orElseThrow().trigger());
      assertEquals(List.of(), store.uploadQueue().due(10, Instant.now().plusSeconds(3600)),
          "imported measurements are not ours");
      assertEquals(new QueueCounts(0, 0, 0), store.uploadQueue().counts());
    }

    CliRun again = CliRun.of("analyze", "--db", db.toString(), f.toString());
    assertTrue(again.out().contains("stored 0 in " + db) && again.out().contains("2 were already there"),
        again.out());
  }

  @Test
  void readsKuzetsOwnExportsBack() throws Exception {
    Path db = dir.resolve("kuzet.db");
    Measurement a = TestMeasurements.accessible("https://holanews.kz/", Instant.parse("2026-11-01T10:00:00Z"));
    Measurement b = TestMeasurements.blocked("https://kuresker.org/", Instant.parse("2026-11-01T10:01:00Z"));
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null);
      store.measurements().save(run, a.input(), "kz", "NEWS", a);
      store.measurements().save(run, b.input(), "kz", "NEWS", b);
    }
    for (String format : List.of("jsonl", "ooni")) {
      Path out = dir.resolve("export." + format);
      assertEquals(Main.EXIT_OK, CliRun.of("export", "--db", db.toString(), "--format", format, "--output",
          out.toString()).exit());
      CliRun run = CliRun.of("analyze", "--json", out.toString());
      assertEquals(Main.EXIT_OK, run.exit(), run.err());
      assertTrue(run.err().startsWith("2 analysed, 0 skipped, 0 bad"), format + ": " + run.err());
      String[] lines = run.out().split("\n");
      for (int i = 0; i < 2; i++) {
        Measurement original = i == 0 ? a : b;
        String expected = Analysis.analyze(original.testKeys()).xVerdict().wire();
        assertEquals(expected, MeasurementJson.mapper().readTree(lines[i]).at("/kuzet/verdict").asText(), format);
      }
    }
  }

  @Test
  void printsTheInterceptionDetails() throws Exception {
    okhttp3.tls.HeldCertificate injected = new okhttp3.tls.HeldCertificate.Builder()
        .commonName("www.example.com").addSubjectAlternativeName("www.example.com").build();
    String der = java.util.Base64.getEncoder().encodeToString(injected.certificate().getEncoded());
    String line = "{\"test_name\":\"web_connectivity\",\"input\":\"https://www.example.com/\","
        + "\"measurement_start_time\":\"2024-02-12 20:33:47\",\"test_keys\":{"
        + "\"queries\":[{\"engine\":\"getaddrinfo\",\"hostname\":\"www.example.com\",\"answers\":[{"
        + "\"answer_type\":\"A\",\"ipv4\":\"93.184.216.34\"}]}],"
        + "\"tcp_connect\":[{\"ip\":\"93.184.216.34\",\"port\":443,\"status\":{\"success\":true}}],"
        + "\"tls_handshakes\":[{\"address\":\"93.184.216.34:443\",\"server_name\":\"www.example.com\","
        + "\"failure\":\"ssl_unknown_authority\",\"peer_certificates\":[{\"format\":\"base64\",\"data\":\""
        + der + "\"}]}],\"requests\":[],\"http_experiment_failure\":\"ssl_unknown_authority\","
        + "\"control\":{\"tcp_connect\":{\"93.184.216.34:443\":{\"status\":true}},\"tls_handshake\":{"
        + "\"93.184.216.34:443\":{\"server_name\":\"www.example.com\",\"status\":true,\"failure\":null}},"
        + "\"http_request\":{\"status_code\":200,\"body_length\":10,\"title\":\"\",\"headers\":{}},"
        + "\"dns\":{\"addrs\":[\"93.184.216.34\"]}},\"blocking\":\"http-failure\",\"accessible\":false}}";
    CliRun run = CliRun.of("analyze", file("intercepted.jsonl", line).toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(run.out().contains("blocked       tls.interception"), run.out());
    assertTrue(run.out().contains("  interception: issuer CN=www.example.com, spki "), run.out());
  }
  /**
   * An OONI line whose TLS chain (forged leaf and intermediate, as sent) only carries the Qaznet root's name, with
   * a key that is none of the shipped roots': a look-alike, reported by name, never counted.
   */
  private static String lookAlikeLine() throws Exception {
    okhttp3.tls.HeldCertificate real = new okhttp3.tls.HeldCertificate.Builder()
        .commonName("www.example.com").addSubjectAlternativeName("www.example.com").build();
    org.kuzet.core.testing.InterceptionCa ca = new org.kuzet.core.testing.InterceptionCa(
        "C=KZ, CN=Qaznet Trust Network", org.kuzet.core.testing.InterceptionCa.DEFAULT_INTERMEDIATE_DN);
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String leaf = b64.encodeToString(ca.forgeLeaf(real.certificate()).certificate().getEncoded());
    String intermediate = b64.encodeToString(ca.intermediateCertificate().getEncoded());
    return "{\"test_name\":\"web_connectivity\",\"input\":\"https://www.example.com/\","
        + "\"measurement_uid\":\"UID-LOOKALIKE\",\"measurement_start_time\":\"2024-02-12 20:33:47\","
        + "\"probe_asn\":\"AS9198\",\"probe_cc\":\"KZ\",\"test_keys\":{"
        + "\"queries\":[{\"engine\":\"getaddrinfo\",\"hostname\":\"www.example.com\",\"answers\":[{"
        + "\"answer_type\":\"A\",\"ipv4\":\"93.184.216.34\"}]}],"
        + "\"tcp_connect\":[{\"ip\":\"93.184.216.34\",\"port\":443,\"status\":{\"success\":true}}],"
        + "\"tls_handshakes\":[{\"address\":\"93.184.216.34:443\",\"server_name\":\"www.example.com\","
        + "\"failure\":\"ssl_unknown_authority\",\"peer_certificates\":[{\"format\":\"base64\",\"data\":\""
        + leaf + "\"},{\"format\":\"base64\",\"data\":\"" + intermediate + "\"}]}],\"requests\":[],"
        + "\"http_experiment_failure\":\"ssl_unknown_authority\","
        + "\"control\":{\"tcp_connect\":{\"93.184.216.34:443\":{\"status\":true}},\"tls_handshake\":{"
        + "\"93.184.216.34:443\":{\"server_name\":\"www.example.com\",\"status\":true,\"failure\":null}},"
        + "\"http_request\":{\"status_code\":200,\"body_length\":10,\"title\":\"\",\"headers\":{}},"
        + "\"dns\":{\"addrs\":[\"93.184.216.34\"]}},\"blocking\":\"http-failure\",\"accessible\":false}}";
  }

  @Test
  void theTableShowsALookAlikeRootByNameOnly() throws Exception {
    CliRun run = CliRun.of("analyze", file("lookalike.jsonl", lookAlikeLine()).toString());
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(run.out().contains("blocked       tls.interception "), run.out());
    assertFalse(run.out().contains("known root"), "a name is not a key: " + run.out());
    assertTrue(run.out().contains(", look-alike of qaznet-trust-network-2016 (name only, key differs)\n"),
        run.out());
  }

  @Test
  void showPrintsALookAlikeRootByNameOnly() throws Exception {
    Path db = dir.resolve("k.db");
    CliRun stored = CliRun.of("analyze", "--db", db.toString(), file("lookalike.jsonl", lookAlikeLine()).toString());
    assertEquals(Main.EXIT_OK, stored.exit(), stored.err());
    CliRun show = CliRun.of("show", "--db", db.toString(), "UID-LOOKALIKE");
    assertEquals(Main.EXIT_OK, show.exit(), show.err());
    assertTrue(show.out().contains("  intercept CN=Security Certificate,C=KZ  look-alike of qaznet-trust-network-2016"
        + " (name only, key differs)\n"), show.out());
    assertFalse(show.out().contains("known root"), show.out());
  }

  @Test
  void aNameSharedBySeveralRootsNamesTheFirstAndCountsTheOthers() throws Exception {
    JsonNode x = MeasurementJson.mapper().readTree("{\"look_alike\":{\"matched_by\":\"name_only\","
        + "\"names\":[\"isca-2020-0539\",\"isca-2020-0616\",\"isca-2020-0630\"]}}");
    assertEquals("look-alike of isca-2020-0539 and 2 more roots of that name (name only, key differs)",
        HumanSummary.lookAlike(x));
    assertEquals(null, HumanSummary.lookAlike(MeasurementJson.mapper().readTree("{\"issuer\":\"CN=x\"}")));
  }

  /**
   * GOOD as kuzet measured it in a run, with its page's body taking {@code bodySeconds} from the first to the last
   * byte, judged for throttling by the run's baseline as the runner does ({@link LocalBaseline}).
   */
  private static Measurement judgedInARun(String uid, double bodySeconds, LocalBaseline baseline,
      boolean baselineSite) {
    Measurement m = ((OoniMeasurementReader.Read) OoniMeasurementReader.read(GOOD.replace("UID-GOOD", uid)))
        .measurement();
    TestKeys k = m.testKeys();
    List<HttpTransaction> requests = k.requests().stream().map(tx -> tx.withBodyTimes(0.5, 0.5 + bodySeconds))
        .toList();
    TestKeys analysed = Analysis.analyze(k.withObservations(k.observations().withRequests(requests)));
    return baseline.judge(m.withTestKeys(analysed), baselineSite);
  }

  @Test
  void aMeasurementJudgedThrottledInARunIsStillThrottledWhenAnalysedFromTheDatabase() throws Exception {
    LocalBaseline run = new LocalBaseline(Throttling.Thresholds.DEFAULT);
    judgedInARun("UID-BASE", 0.001, run, true); // a control-list site: the volunteer's own speed
    Measurement slow = judgedInARun("UID-SLOW", 20.0, run, false);
    assertEquals(Verdict.BLOCKED, slow.testKeys().xVerdict(), "the run judged it throttled");
    assertEquals(List.of(Signal.THROTTLED), slow.testKeys().xSignals());
    assertEquals(1, slow.testKeys().xThrottlingBaseline().samples());
    Measurement unjudged = judgedInARun("UID-NOBASE", 20.0, new LocalBaseline(Throttling.Thresholds.DEFAULT), false);
    assertEquals(Verdict.ACCESSIBLE, unjudged.testKeys().xVerdict(), "no baseline: not judged by time");
    assertEquals(null, unjudged.testKeys().xThrottlingBaseline());

    Path db = dir.resolve("kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      long runId = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null);
      store.measurements().save(runId, slow.input(), "kz", "NEWS", slow);
      store.measurements().save(runId, unjudged.input(), "kz", "NEWS", unjudged);
    }
    Path out = dir.resolve("export.jsonl");
    assertEquals(Main.EXIT_OK, CliRun.of("export", "--db", db.toString(), "--format", "jsonl", "--output",
        out.toString()).exit());
    CliRun analysed = CliRun.of("analyze", "--json", out.toString());
    assertEquals(Main.EXIT_OK, analysed.exit(), analysed.err());
    java.util.Map<String, JsonNode> byUid = new java.util.HashMap<>();
    for (String line : analysed.out().split("\n")) {
      JsonNode o = MeasurementJson.mapper().readTree(line);
      byUid.put(o.get("measurement_uid").asText(), o);
    }
    assertEquals("blocked", byUid.get("UID-SLOW").at("/kuzet/verdict").asText(), analysed.out());
    assertEquals("throttled", byUid.get("UID-SLOW").at("/kuzet/signals/0").asText(), analysed.out());
    assertEquals("accessible", byUid.get("UID-NOBASE").at("/kuzet/verdict").asText(), analysed.out());

    CliRun table = CliRun.of("analyze", out.toString());
    assertTrue(table.out().lines().anyMatch(l -> l.contains("blocked") && l.contains("throttled")), table.out());
    // OONI's format drops kuzet's keys: OONI's own lines carry no baseline, so nothing is judged by time.
    Path ooni = dir.resolve("export.ooni");
    assertEquals(Main.EXIT_OK, CliRun.of("export", "--db", db.toString(), "--format", "ooni", "--output",
        ooni.toString()).exit());
    assertFalse(Files.readString(ooni).contains("x_throttling_baseline"));
  }
}
