package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.MeasurementJson;

/** {@code kuzet run --once} end to end on a loopback network: every measurement ends up in the database. */
class RunCommandTest {
  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();
  private final TestPki pki = new TestPki();
  private MockWebServer http;
  private MockWebServer https;

  @AfterEach
  void close() {
    dns.close();
    for (MockWebServer s : new MockWebServer[] {http, https}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void storesEveryMeasurementOfTheRunAndPrintsASummary() throws Exception {
    InetAddress httpIp = LoopbackAddresses.next();
    InetAddress httpsIp = LoopbackAddresses.next();
    http = TlsSites.http(httpIp);
    http.enqueue(new MockResponse.Builder().body("<title>Hola</title>news").build());
    https = TlsSites.https(httpsIp, pki.serverCertificate("secure.kz"));
    https.enqueue(new MockResponse.Builder().code(451).body("<title>Blocked</title>").build());
    dns.answer("plain.kz", httpIp.getHostAddress());
    dns.answer("secure.kz", httpsIp.getHostAddress());
    dns.nxdomain("gone.kz");
    Path roots = dir.resolve("roots.pem");
    Files.writeString(roots, pki.rootPem());
    Path db = dir.resolve("results/kuzet.db");
    List<String> urls = List.of(TlsSites.httpUrl(http, "plain.kz", "/").toString(),
        TlsSites.httpsUrl(https, "secure.kz", "/").toString(), "https://gone.kz/");

    List<String> args = new ArrayList<>(List.of("run", "--once", "--db", db.toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "5s", "--timeout-connect", "5s",
        "--timeout-tls", "10s", "--timeout-http", "10s", "--trust-roots", roots.toString(),
        "--skip-connectivity-check"));
    args.addAll(urls);
    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertEquals(0, run.exit(), run.err());
    for (String url : urls) {
      assertTrue(run.out().lines().anyMatch(l -> l.matches("\\[\\d/3\\] .*" + java.util.regex.Pattern.quote(url)
          + ".*")), "one log line per measurement (not a terminal): " + run.out());
    }
    assertTrue(run.out().contains("3 measurement(s) stored in " + db.toAbsolutePath()), run.out());
    assertTrue(run.out().contains("VERDICT"), run.out());
    assertTrue(run.out().contains("blocked:\n  " + urls.get(1) + "  http.451"), "the 451 site in the summary: "
        + run.out());
    assertTrue(run.out().contains("kuzet results --run 1"), run.out());

    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      List<StoredMeasurement> stored = store.measurements().find(MeasurementFilter.all());
      assertEquals(Set.copyOf(urls), stored.stream().map(StoredMeasurement::input).collect(Collectors.toSet()));
      RunRecord r = store.runs().lastRun().orElseThrow();
      assertEquals(Trigger.MANUAL, r.trigger());
      assertEquals(3, r.measurementCount());
      assertTrue(r.endedAt() != null, "a completed run is closed");
      assertEquals(3, store.uploadQueue().counts().pending(), "every stored measurement is queued for upload");
      for (StoredMeasurement s : stored) {
        StoredMeasurement full = store.measurements().byUid(s.uid()).orElseThrow();
        assertEquals(s.input(), MeasurementJson.parse(full.measurementJson()).input());
        assertEquals("command line", full.targetList());
        assertTrue(!full.measurementJson().contains("probe_ip"), "the volunteer's address is never stored");
      }
    }
    CliRun export = CliRun.of("export", "--db", db.toString());
    assertEquals(3, export.out().lines().count(), export.err());
    export.out().lines().forEach(ExportSchema::assertValid); // real measurements, not only synthetic ones
  }

  @Test
  void eachProgressLineIsWrittenAsItsMeasurementIsStoredNotLater() throws Exception {
    // Not a terminal: one line per measurement. At the moment each line reaches the output, the database holds
    // exactly as many measurements as lines written: none is stored without its line, none printed before it.
    Path db = dir.resolve("progress.db");
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      urls.add("https://gone" + i + ".kz/");
      dns.nxdomain("gone" + i + ".kz");
    }
    List<Long> storedAtEachLine = new ArrayList<>();
    java.io.Writer watching = new java.io.Writer() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
          if (buf[i] != '\n') {
            line.append(buf[i]);
            continue;
          }
          if (line.toString().matches("\\[\\s*\\d+/12\\] .*")) {
            try (ResultsStore store = ResultsStore.openReadOnly(db)) {
              storedAtEachLine.add(store.status().statusCounts().measurements());
            }
          }
          line.setLength(0);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    List<String> args = new ArrayList<>(List.of("run", "--once", "--db", db.toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--skip-connectivity-check", "--no-control", "--parallel", "4"));
    args.addAll(urls);
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = Main.run(args.toArray(String[]::new), new java.io.PrintWriter(watching),
        new java.io.PrintWriter(err, true));

    assertEquals(0, exit, err.toString());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L), storedAtEachLine,
        "stored measurements when each progress line was written");
  }

  @Test
  void anUnreachableControlIsNamedInTheSummaryInShowAndInStatus() throws Exception {
    InetAddress httpIp = LoopbackAddresses.next();
    http = TlsSites.http(httpIp);
    http.enqueue(new MockResponse.Builder().body("<title>Hola</title>news").build());
    dns.answer("plain.kz", httpIp.getHostAddress());
    InetAddress controlIp = LoopbackAddresses.next();
    String control = "http://" + controlIp.getHostAddress() + ":" + LoopbackAddresses.closedPort(controlIp) + "/";
    Path db = dir.resolve("control.db");
    String url = TlsSites.httpUrl(http, "plain.kz", "/").toString();

    CliRun run = CliRun.of("run", "--once", "--db", db.toString(), "--control", control,
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--skip-connectivity-check", url);

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("control: 1 of 1 measurement(s) got no control answer: unreachable (connection"
        + " refused) ×1; their verdicts rest on local evidence only"), run.out());
    String uid;
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      uid = store.measurements().find(MeasurementFilter.all()).get(0).uid();
    }
    CliRun show = CliRun.of("show", uid, "--db", db.toString());
    assertTrue(show.out().lines().anyMatch(l -> l.matches("control +unreachable \\(connection refused\\)")),
        show.out());
    CliRun status = CliRun.of("status", "--db", db.toString());
    assertTrue(status.out().contains("control:      last run: 1 of 1 measurement(s) got no control answer:"
        + " unreachable (connection refused) ×1"), status.out() + status.err());
  }

  @Test
  void withoutOncePointsToTheService() {
    CliRun run = CliRun.of("run", "--db", dir.resolve("k.db").toString(), "https://a.kz/");
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertTrue(run.err().contains("kuzet service"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(!Files.exists(dir.resolve("k.db")));
  }

  @Test
  void aDamagedDatabaseIsAOneLineUsageErrorAndStaysUntouched() throws Exception {
    Path db = dir.resolve("kuzet.db");
    Files.writeString(db, "this is not a database\n");
    CliRun run = CliRun.of("run", "--once", "--db", db.toString(), "https://a.kz/");
    assertEquals(Main.EXIT_USAGE, run.exit(), run.err());
    assertTrue(run.err().contains(db.toString()) && run.err().contains("not an SQLite database"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertEquals("this is not a database\n", Files.readString(db));
  }
}
