package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.core.testing.SharedData;

/**
 * OONI's own QA cases, replayed: the 50 measurements OONI's QA tool recorded for every case of probe-cli's
 * {@code internal/webconnectivityqa} (shared data {@code ooni-qa/generated}, see its README) go through
 * {@code kuzet analyze --json}, and kuzet's {@code blocking}, {@code accessible} and {@code dns_consistency} are
 * compared with OONI's, as written in each file.
 *
 * <p>Every case must be read; kuzet must agree with OONI on at least {@link #AGREEMENT_FLOOR} of them; every case
 * it disagrees on must be a row of {@link #DEVIATIONS}, deviating exactly as written there (a row that comes to
 * agree, or deviates otherwise, fails the test: the table stays true). OONI's keys follow OONI probe-cli's classic
 * analysis; kuzet's own reading ({@code x_verdict}, {@code x_signals}) may tell the story differently, and where it
 * does on these cases, {@link #KUZET_READING} pins it.
 */
class OoniQaReplayTest {

  /** The agreement this table documents: 48 of 50, the two deviations below. Never lower it silently. */
  static final int AGREEMENT_FLOOR = 48;

  /**
   * One line per case kuzet deliberately disagrees on: name | OONI's keys that differ (from the file) | kuzet's |
   * why.
   */
  static final String DEVIATIONS = """
      redirectWithConsistentDNSAndThenConnectionRefusedForHTTP | blocking=http-failure | blocking=tcp_ip | kuzet names the step of the hop that failed: the redirect's target refused TCP (tcp.refused); OONI classic has no control for redirect hops and calls any failure after the first hop http-failure, so an analyst counting TCP/IP blocking would miss it
      redirectWithConsistentDNSAndThenConnectionRefusedForHTTPS | blocking=http-failure | blocking=tcp_ip | as the HTTP case: the redirect's target refused TCP (tcp.refused), named by its step
      """;

  /**
   * Cases where OONI's keys agree but kuzet's own reading differs from OONI's story: name | x_verdict |
   * x_signals (comma-separated, "-" for none) | why. An address that served a certificate valid for the domain
   * (the helper's ip_info flag 8, or the probe's handshake) is the site's for kuzet, so it raises no
   * {@code dns.inconsistent} and the block is named where it happened; OONI's classic keys say
   * {@code dns_consistency: inconsistent} (no shared address or ASN) and {@code blocking: "dns"}.
   */
  static final String KUZET_READING = """
      dnsHijackingToProxyWithHTTPSURL | accessible | - | the hijacked address is a transparent proxy that passes the real site through, proven by the valid certificate: accessible, no DNS signal
      dnsHijackingToProxyWithHTTPURL | accessible | - | as the HTTPS case: the page is right and the helper validated TLS for the domain at that address
      httpDiffWithInconsistentDNS | blocked | http.diff | the address is the site's by its certificate; the block is where it happened: that address serves another page over plain HTTP (OONI: blocking dns)
      tlsBlockingConnectionResetWithInconsistentDNS | blocked | tls.reset | the helper validated TLS at the address the probe got; the probe's handshake was reset there (OONI: blocking dns)
      """;

  private static final List<String> KEYS = List.of("blocking", "accessible", "dns_consistency");

  record Deviation(String name, Map<String, String> ooni, Map<String, String> kuzet, String why) {}

  static Map<String, Deviation> deviations() {
    Map<String, Deviation> out = new LinkedHashMap<>();
    for (String line : DEVIATIONS.strip().split("\n")) {
      String[] f = line.strip().split("\\s*\\|\\s*", 4);
      assertEquals(4, f.length, "deviation row needs 4 fields: " + line);
      out.put(f[0], new Deviation(f[0], pairs(f[1]), pairs(f[2]), f[3]));
    }
    return out;
  }

  private static Map<String, String> pairs(String s) {
    Map<String, String> m = new TreeMap<>();
    for (String kv : s.split("\\s+")) {
      String[] p = kv.split("=", 2);
      assertTrue(KEYS.contains(p[0]), "unknown key in deviation table: " + kv);
      m.put(p[0], p[1]);
    }
    return m;
  }

  @Test
  void kuzetAgreesWithOoniOnItsQaCasesExceptTheListedDeviations() throws Exception {
    Path dir = SharedData.directory("ooni-qa/generated");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    assertEquals(50, files.size(), "OONI's QA set has 50 measurements");

    List<String> args = new ArrayList<>(List.of("analyze", "--json"));
    files.forEach(p -> args.add(p.toString()));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertFalse(run.err().contains("; skipped") || run.err().contains("is skipped"), "every QA measurement must be read: " + run.err());
    assertTrue(run.err().startsWith("50 analysed, 0 skipped, 0 bad"), run.err());

    Map<String, Map<String, String>> kuzet = new TreeMap<>();
    Map<String, JsonNode> reading = new TreeMap<>();
    for (String line : run.out().split("\n")) {
      JsonNode o = MeasurementJson.mapper().readTree(line);
      String name = Path.of(o.path("source").asText()).getFileName().toString().replace(".json", "");
      kuzet.put(name, values(o.path("kuzet")));
      reading.put(name, o.path("kuzet"));
    }
    assertEquals(50, kuzet.size());

    Map<String, Deviation> table = deviations();
    List<String> problems = new ArrayList<>();
    int agree = 0;
    for (Path p : files) {
      String name = p.getFileName().toString().replace(".json", "");
      Map<String, String> ooni = values(MeasurementJson.mapper().readTree(p.toFile()).path("test_keys"));
      Map<String, String> ours = kuzet.get(name);
      Map<String, String> ooniDiff = new TreeMap<>();
      Map<String, String> ourDiff = new TreeMap<>();
      for (String k : KEYS) {
        if (!ooni.get(k).equals(ours.get(k))) {
          ooniDiff.put(k, ooni.get(k));
          ourDiff.put(k, ours.get(k));
        }
      }
      Deviation d = table.get(name);
      if (ooniDiff.isEmpty()) {
        agree++;
        if (d != null) {
          problems.add(name + ": agrees with OONI now; its deviation row is stale, remove it");
        }
        continue;
      }
      String seen = name + " | " + format(ooniDiff) + " | " + format(ourDiff);
      if (d == null) {
        problems.add("not in the deviation table: " + seen);
      } else if (!d.ooni().equals(ooniDiff) || !d.kuzet().equals(ourDiff)) {
        problems.add("differs from its row (" + format(d.ooni()) + " | " + format(d.kuzet()) + "): " + seen);
      }
    }
    for (String line : KUZET_READING.strip().split("\n")) {
      String[] f = line.strip().split("\\s*\\|\\s*", 4);
      assertEquals(4, f.length, "reading row needs 4 fields: " + line);
      JsonNode k = reading.get(f[0]);
      assertTrue(k != null, "reading row for a case that does not exist: " + f[0]);
      List<String> signals = new ArrayList<>();
      k.path("signals").forEach(x -> signals.add(x.asText()));
      String seen = k.path("verdict").asText() + " | " + (signals.isEmpty() ? "-" : String.join(",", signals));
      if (!(f[1] + " | " + f[2]).equals(seen)) {
        problems.add("kuzet's reading of " + f[0] + " is " + seen + ", its row says " + f[1] + " | " + f[2]);
      }
    }
    System.out.println("OONI QA replay: kuzet agrees with OONI's blocking, accessible and dns_consistency on " + agree
        + " of " + files.size() + " cases; " + table.size() + " deviations, listed and argued");
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
    for (String name : table.keySet()) {
      assertTrue(kuzet.containsKey(name), "deviation row for a case that does not exist: " + name);
    }
    assertTrue(agree >= AGREEMENT_FLOOR, "kuzet agrees with OONI on " + agree + " of 50, fewer than " + AGREEMENT_FLOOR);
    assertEquals(files.size() - table.size(), agree, "every case but the deviation rows agrees");
  }

  /** blocking, accessible and dns_consistency as text ("false", "dns", "true", "null"…). */
  private static Map<String, String> values(JsonNode keys) {
    Map<String, String> m = new TreeMap<>();
    for (String k : KEYS) {
      JsonNode v = keys.get(k);
      m.put(k, v == null || v.isNull() ? "null" : v.asText());
    }
    return m;
  }

  private static String format(Map<String, String> m) {
    StringBuilder s = new StringBuilder();
    m.forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return s.toString();
  }

  @Test
  void everyQaCaseIsStoredAsAValidExportLine(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path dir = SharedData.directory("ooni-qa/generated");
    List<String> args = new ArrayList<>(List.of("analyze", "--json", "--db", tmp.resolve("qa.db").toString()));
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(p -> args.add(p.toString()));
    }
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    assertTrue(run.err().contains("stored 50 in "), run.err());
    CliRun export = CliRun.of("export", "--db", tmp.resolve("qa.db").toString(), "--format", "jsonl");
    String[] lines = export.out().split("\n");
    assertEquals(50, lines.length);
    for (String line : lines) {
      ExportSchema.assertValid(line);
    }
  }
}
