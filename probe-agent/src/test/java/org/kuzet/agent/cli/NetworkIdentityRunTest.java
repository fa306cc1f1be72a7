package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.core.identity.IpDatabaseWriter;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.StunResponder;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.MeasurementJson;

/**
 * The network identity of a whole {@code kuzet run --once}: the loopback STUN server reports a documentation
 * address standing for this machine's public address (198.51.100.77, never contacted), a test IP table maps it to
 * AS9198/KZ, and afterwards that address is nowhere (database bytes, exports, output) while the names are
 * everywhere they belong.
 */
class NetworkIdentityRunTest {
  private static final String PUBLIC = "198.51.100.77";
  private static final String RESOLVER_EGRESS = "203.0.113.53";

  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();
  private MockWebServer site;
  private StunResponder stun;

  @AfterEach
  void close() {
    dns.close();
    if (site != null) {
      site.close();
    }
    if (stun != null) {
      stun.close();
    }
  }

  private Path testIpDatabase() throws Exception {
    Path file = dir.resolve("ip-test.bin.gz");
    Files.write(file, IpDatabaseWriter.fromCsv("""
        198.51.100.0,198.51.100.255,9198,JSC Kazakhtelecom
        203.0.113.0,203.0.113.255,29355,Kcell JSC
        """, """
        198.51.100.0,198.51.100.255,KZ
        203.0.113.0,203.0.113.255,KZ
        """, "test table"));
    return file;
  }

  private List<String> runArgs(Path db, String... extra) throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    site = TlsSites.http(ip);
    // The page echoes the visitor's public address (as many do): the looked-up address must be scrubbed from it.
    site.enqueue(new MockResponse.Builder().addHeader("X-Client-IP", PUBLIC)
        .body("<title>Hola</title>news of the day; your address is " + PUBLIC).build());
    dns.answer("plain.kz", ip.getHostAddress());
    dns.nxdomain("gone.kz");
    List<String> args = new ArrayList<>(List.of("run", "--once", "--db", db.toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "2s", "--timeout-connect", "2s",
        "--timeout-http", "3s", "--skip-connectivity-check", "--no-control"));
    args.addAll(List.of(extra));
    args.add(TlsSites.httpUrl(site, "plain.kz", "/").toString());
    args.add("http://gone.kz/");
    return args;
  }

  /** {@code kuzet [leading…] run --once …} with this test's STUN responder and IP database. */
  private CliRun runWithLookup(Path db, String... leading) throws Exception {
    List<String> args = new ArrayList<>(List.of(leading));
    args.addAll(runArgs(db, "--stun-server", stun.hostPort(), "--ip-database", testIpDatabase().toString()));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Every way the address could be written: text, reversed (PTR), mapped IPv6, raw bytes, hex, integer. */
  private static List<byte[]> spellings() throws Exception {
    byte[] raw = InetAddress.getByName(PUBLIC).getAddress();
    String hex = HexFormat.of().formatHex(raw);
    List<String> texts = List.of(PUBLIC, "77.100.51.198", "198-51-100-77", "198_51_100_77", "::ffff:" + PUBLIC,
        "::ffff:c633:644d", hex, hex.toUpperCase(Locale.ROOT), Long.toString(Integer.toUnsignedLong(
            java.nio.ByteBuffer.wrap(raw).getInt())));
    List<byte[]> out = new ArrayList<>();
    texts.forEach(t -> out.add(t.getBytes(StandardCharsets.UTF_8)));
    texts.forEach(t -> out.add(t.getBytes(StandardCharsets.UTF_16LE))); // SQLite may store text as UTF-16
    out.add(raw);
    return out;
  }

  private static void assertAbsent(String where, byte[] haystack) throws Exception {
    for (byte[] needle : spellings()) {
      assertEquals(-1, indexOf(haystack, needle), where + " contains the public address as "
          + new String(needle, StandardCharsets.ISO_8859_1));
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void theNetworkLineSpeaksTheVolunteersLanguageAndKeepsTheNetworksNames() throws Exception {
    stun = new StunResponder(InetAddress.getByName(PUBLIC));
    dns.answer(IdentityLookup.WHOAMI_NAME, RESOLVER_EGRESS);
    CliRun run = runWithLookup(dir.resolve("ru/kuzet.db"), "--lang", "ru");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("kuzet run: сеть AS9198 (JSC Kazakhtelecom), KZ; резолвер AS29355"), run.err());
    assertFalse(run.err().contains("kuzet run: network "), run.err());
  }

  @Test
  void theLookupsNotesSpeakTheVolunteersLanguage() throws Exception {
    stun = new StunResponder(InetAddress.getByName(PUBLIC)); // the resolver's whoami gets no answer
    CliRun run = runWithLookup(dir.resolve("kk/kuzet.db"), "--lang", "kk");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("kuzet run: желіні анықтау: резолвер"), run.err());
    assertFalse(run.err().contains("network lookup:"), run.err());
  }

  @Test
  void aRunRecordsTheNetworkByNameAndTheAddressAppearsNowhere() throws Exception {
    stun = new StunResponder(InetAddress.getByName(PUBLIC));
    dns.answer(IdentityLookup.WHOAMI_NAME, RESOLVER_EGRESS);
    Path db = dir.resolve("results/kuzet.db");
    CliRun run = runWithLookup(db);
    assertEquals(0, run.exit(), run.err());
    assertTrue(stun.requests() >= 1, "the STUN server was asked");
    assertTrue(run.err().contains("kuzet run: network AS9198 (JSC Kazakhtelecom), KZ; resolver AS29355"),
        run.err());

    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      RunRecord r = store.runs().lastRun().orElseThrow();
      assertEquals("AS9198", r.probeAsn());
      assertEquals("KZ", r.probeCc());
      assertEquals("JSC Kazakhtelecom", r.probeNetworkName());
      assertEquals("AS29355", r.resolverAsn());
      assertEquals("Kcell JSC", r.resolverNetworkName());
    }
    CliRun jsonl = CliRun.of("export", "--db", db.toString());
    CliRun ooni = CliRun.of("export", "--db", db.toString(), "--format", "ooni");
    CliRun csv = CliRun.of("export", "--db", db.toString(), "--format", "csv");
    CliRun results = CliRun.of("results", "--db", db.toString());
    assertEquals(2, jsonl.out().lines().count(), jsonl.err());
    for (CliRun export : List.of(jsonl, ooni)) {
      for (String line : export.out().lines().toList()) {
        JsonNode m = MeasurementJson.mapper().readTree(line);
        assertEquals("AS9198", m.get("probe_asn").asText(), line);
        assertEquals("KZ", m.get("probe_cc").asText(), line);
        assertEquals("JSC Kazakhtelecom", m.get("probe_network_name").asText(), line);
        assertEquals("AS29355", m.get("resolver_asn").asText(), line);
        assertEquals("Kcell JSC", m.get("resolver_network_name").asText(), line);
      }
    }
    jsonl.out().lines().forEach(ExportSchema::assertValid);
    assertTrue(jsonl.out().contains("your address is [scrubbed]"), "the echoed address is scrubbed: " + jsonl.out());

    // The database with its journal files, every table, as raw bytes; then everything printed.
    try (Stream<Path> files = Files.list(db.getParent())) {
      for (Path f : files.toList()) {
        assertAbsent(f.toString(), Files.readAllBytes(f));
      }
    }
    for (CliRun c : List.of(run, jsonl, ooni, csv, results)) {
      assertAbsent("output", (c.out() + c.err()).getBytes(StandardCharsets.UTF_8));
      assertAbsent("output", (c.out() + c.err()).getBytes(StandardCharsets.UTF_16LE));
      assertFalse(c.out().contains(RESOLVER_EGRESS) || c.err().contains(RESOLVER_EGRESS),
          "the resolver's egress address is not kept either");
    }
    try (Stream<Path> files = Files.list(db.getParent())) {
      for (Path f : files.toList()) {
        assertEquals(-1, indexOf(Files.readAllBytes(f), RESOLVER_EGRESS.getBytes(StandardCharsets.UTF_8)), f.toString());
      }
    }
  }

  @Test
  void overridesWinAndWithTheLookupOffNothingIsAsked() throws Exception {
    stun = new StunResponder(InetAddress.getByName(PUBLIC));
    Path db = dir.resolve("kuzet.db");
    CliRun run = CliRun.of(runArgs(db, "--no-network-lookup", "--probe-asn", "AS48503", "--probe-cc", "KZ")
        .toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    assertEquals(0, stun.requests());
    assertEquals(0, dns.queryCount(IdentityLookup.WHOAMI_NAME));
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      RunRecord r = store.runs().lastRun().orElseThrow();
      assertEquals("AS48503", r.probeAsn());
      assertEquals("KZ", r.probeCc());
    }
  }

  @Test
  void underTheTestEnvironmentTheLookupIsOffUnlessServersAreNamed() throws Exception {
    stun = new StunResponder(InetAddress.getByName(PUBLIC));
    Path db = dir.resolve("kuzet.db");
    CliRun run = CliRun.of(runArgs(db).toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    assertEquals(0, dns.queryCount(IdentityLookup.WHOAMI_NAME), "KUZET_STUN=none: no whoami either");
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals("AS0", store.runs().lastRun().orElseThrow().probeAsn());
      assertEquals("ZZ", store.runs().lastRun().orElseThrow().probeCc());
    }
  }

  @Test
  void badOverridesAreUsageErrorsSayingWhatToWrite() {
    Path db = dir.resolve("kuzet.db");
    CliRun asn = CliRun.of("run", "--once", "--db", db.toString(), "--probe-asn", "9198", "https://a.kz/");
    assertEquals(Main.EXIT_USAGE, asn.exit(), asn.err());
    assertTrue(asn.err().contains("--probe-asn '9198'") && asn.err().contains("e.g. AS9198"), asn.err());
    CliRun cc = CliRun.of("run", "--once", "--db", db.toString(), "--probe-cc", "kz", "https://a.kz/");
    assertEquals(Main.EXIT_USAGE, cc.exit(), cc.err());
    assertTrue(cc.err().contains("--probe-cc 'kz'") && cc.err().contains("e.g. KZ"), cc.err());
    CliRun both = CliRun.of("measure", "--no-network-lookup", "--stun-server", "127.0.0.1:3478", "https://a.kz/");
    assertEquals(Main.EXIT_USAGE, both.exit(), both.err());
    assertTrue(both.err().contains("choose one"), both.err());
    assertFalse(Files.exists(db), "nothing opened before the flags are checked");
  }
}
