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
import org.kuzet.targets.SharedData;

/**
 * OONI's own QA cases, replayed: the 50 measurements OONI's QA tool recorded for every case of probe-cli's
 * {@code internal/webconnectivityqa} (shared data {@code ooni-qa/generated}, see its README) go through
 * {@code kuzet analyze --json}, and kuzet's {@code blocking}, {@code accessible} and {@code dns_consistency} are
 * compared with OONI's, as written in each file.
 *
 * <p>Every case must be read; every case kuzet disagrees on must be a row of {@link #DEVIATIONS}; a row of class
 * {@code A} (a deliberate difference) must stay exactly as written; a row of class {@code B} (expected to be
 * fixed by issue 16's verdict rules) may also come to agree with OONI, and the test then says the row can go.
 */
class OoniQaReplayTest {

  /**
   * One line per case: name | OONI's keys that differ (from the file) | kuzet's | class | why. Class A: a
   * deliberate kuzet difference. Class B: expected to be fixed by the verdict-rule change of issue 16 (the user's
   * view decides DNS blocking; ghost DNS).
   */
  static final String DEVIATIONS = """
      badSSLWithUnknownAuthorityWithInconsistentDNS | blocking=dns accessible=false | blocking=false accessible=true | B | the system resolver's address served a certificate of an unknown authority; kuzet fetched the page from the address DoH/UDP gave and the validated HTTPS response won (user's view)
      dnsBlockingAndroidDNSCacheNoData | blocking=dns accessible=false | blocking=false accessible=true | B | getaddrinfo failed (android_dns_cache_no_data); the page came through DoH's address (user's view)
      dnsBlockingNXDOMAIN | blocking=dns accessible=false | blocking=false accessible=true | B | the system resolver said NXDOMAIN; the page came through DoH/UDP's address (user's view; issue 16's own example)
      dnsHijackingToLocalhostWithHTTP | blocking=dns accessible=false | blocking=false accessible=true | B | the system resolver answered 127.0.0.1; the page came through DoH's address (user's view)
      dnsHijackingToLocalhostWithHTTPS | blocking=dns accessible=false | blocking=false accessible=true | B | the system resolver answered 127.0.0.1; the page came through DoH's address (user's view)
      dnsHijackingToProxyWithHTTPSURL | dns_consistency=inconsistent | dns_consistency=consistent | A | the system resolver's address completed a TLS handshake valid for the domain, for the probe and the helper (ip_info flag 8): kuzet counts an address proven by a valid certificate as the site's, as ooni/data's pipeline does (probe-cli does not); blocking and accessible agree
      dnsHijackingToProxyWithHTTPURL | dns_consistency=inconsistent | dns_consistency=consistent | A | as dnsHijackingToProxyWithHTTPSURL: the address is proven by a valid TLS handshake for the domain (ooni/data's rule); blocking and accessible agree
      ghostDNSBlockingWithHTTP | blocking=dns accessible=false | blocking=null accessible=null | B | ghost DNS: the probe's resolver invents an address for a name the control gets NXDOMAIN for (issue 16 point 4)
      ghostDNSBlockingWithHTTPS | blocking=dns | blocking=false | B | ghost DNS: kuzet says down because the helper could not fetch the name (issue 16 point 4)
      httpDiffWithInconsistentDNS | blocking=dns dns_consistency=inconsistent | blocking=http-diff dns_consistency=consistent | A | the hijacked address completed a TLS handshake valid for the domain (ooni/data's rule: consistent), so kuzet names where the block happened: that address serves another page over HTTP; blocked either way
      redirectWithConsistentDNSAndThenConnectionRefusedForHTTP | blocking=http-failure | blocking=tcp_ip | A | kuzet names the step of the hop that failed: the redirect's target refused TCP (tcp.refused); OONI calls any failure after the first hop http-failure
      redirectWithConsistentDNSAndThenConnectionRefusedForHTTPS | blocking=http-failure | blocking=tcp_ip | A | as the HTTP case: the redirect's target refused TCP (tcp.refused), named by its step
      tcpBlockingConnectionRefusedWithInconsistentDNS | blocking=dns accessible=false | blocking=false accessible=true | B | the system resolver's address refused connections; the page came through another resolver's address (user's view)
      tlsBlockingConnectionResetWithInconsistentDNS | blocking=dns dns_consistency=inconsistent | blocking=http-failure dns_consistency=consistent | A | the system resolver's address is proven by the helper's valid TLS handshake (ooni/data's rule: consistent); the block is named where it happened, a TLS reset (tls.reset); blocked either way
      """;

  private static final List<String> KEYS = List.of("blocking", "accessible", "dns_consistency");

  enum Kind { A, B }

  record Deviation(String name, Map<String, String> ooni, Map<String, String> kuzet, Kind kind, String why) {}

  static Map<String, Deviation> deviations() {
    Map<String, Deviation> out = new LinkedHashMap<>();
    for (String line : DEVIATIONS.strip().split("\n")) {
      String[] f = line.strip().split("\\s*\\|\\s*", 5);
      assertEquals(5, f.length, "deviation row needs 5 fields: " + line);
      out.put(f[0], new Deviation(f[0], pairs(f[1]), pairs(f[2]), Kind.valueOf(f[3]), f[4]));
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
    for (String line : run.out().split("\n")) {
      JsonNode o = MeasurementJson.mapper().readTree(line);
      String name = Path.of(o.path("source").asText()).getFileName().toString().replace(".json", "");
      kuzet.put(name, values(o.path("kuzet")));
    }
    assertEquals(50, kuzet.size());

    Map<String, Deviation> table = deviations();
    List<String> problems = new ArrayList<>();
    List<String> fixed = new ArrayList<>();
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
        if (d != null && d.kind() == Kind.B) {
          fixed.add(name);
        } else if (d != null) {
          problems.add(name + ": agrees with OONI now; its class A row is stale");
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
    long a = table.values().stream().filter(d -> d.kind() == Kind.A).count();
    System.out.println("OONI QA replay: kuzet agrees with OONI's blocking, accessible and dns_consistency on " + agree
        + " of " + files.size() + " cases; deviation table: " + a + " deliberate (A), " + (table.size() - a)
        + " expected to be fixed by the verdict rules (B)" + (fixed.isEmpty() ? "" : "; rows now agreeing with OONI,"
        + " remove them: " + fixed));
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
    for (String name : table.keySet()) {
      assertTrue(kuzet.containsKey(name), "deviation row for a case that does not exist: " + name);
    }
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
