package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Verdict;

/**
 * {@code kuzet run --once} with what surrounds the measuring: upload after the run, consent on the first run,
 * the connectivity check before it. Loopback only: anchors are given on the command line, or the check skipped.
 */
class RunUploadConsentTest {
  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();
  private SqliteCollectorStore collectorStore;
  private CollectorServer collector;
  private Path db;

  @BeforeEach
  void setUp() throws IOException {
    dns.nxdomain("gone.kz");
    collectorStore = SqliteCollectorStore.open(dir.resolve("collector.db"));
    collector = CollectorServer.builder(collectorStore).start();
    db = dir.resolve("probe/kuzet.db");
  }

  @AfterEach
  void tearDown() throws IOException {
    dns.close();
    collector.close();
    collectorStore.close();
  }

  /** A run of one URL whose name does not exist (answered at once by the fake resolver). */
  private String[] run(String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--once", "--db", db.toString(),
        "--config", dir.resolve("kuzet.conf").toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "5s", "--timeout-connect", "5s"));
    args.addAll(List.of(extra));
    args.add("https://gone.kz/");
    return args.toArray(String[]::new);
  }

  private void config(String text) throws IOException {
    Files.writeString(dir.resolve("kuzet.conf"), text);
  }

  @Test
  void uploadsAfterTheRunWhenAsked() throws IOException {
    config("");
    CliRun r = CliRun.of(run("--skip-connectivity-check", "--upload", "--collector", collector.uploadUri().toString()));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("1 uploaded, 0 duplicate, 0 rejected, 0 retried; 0 remaining"), r.out());
    assertEquals(1, collectorStore.count());
  }

  @Test
  void aCollectorThatIsDownDoesNotFailTheRun() throws IOException {
    config("");
    InetAddress a = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(a);
    CliRun r = CliRun.of(run("--skip-connectivity-check", "--upload", "--collector",
        "http://" + a.getHostAddress() + ":" + port));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("1 retried; 1 remaining") && r.out().contains("stay queued"), r.out());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(1, store.uploadQueue().counts().pending(), "the measurement waits in the queue");
    }
  }

  @Test
  void uploadNeedsACollectorAndSaysSoBeforeMeasuring() throws IOException {
    config("");
    CliRun r = CliRun.of(run("--skip-connectivity-check", "--upload"));
    assertEquals(Main.EXIT_USAGE, r.exit(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(db), "nothing measured");
  }

  @Test
  void recordedAgreementToUploadAndAConfiguredCollectorUpload() throws IOException {
    config("[upload]\nenabled = true\ncollector = " + collector.uploadUri() + "\n");
    ConsentFile.write(db, new Consent(Instant.now(), true, ConsentText.VERSION));
    CliRun r = CliRun.of(run("--skip-connectivity-check"));
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, collectorStore.count(), r.out());
    assertFalse(r.err().contains("nothing is uploaded without your agreement"), "consent is recorded: no notice");
  }

  @Test
  void withoutConsentAndNoTerminalANoticeIsPrintedAndNothingUploaded() throws IOException {
    config("[upload]\nenabled = true\ncollector = " + collector.uploadUri() + "\n");
    CliRun r = CliRun.of(run("--skip-connectivity-check"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("can see this computer connect") && r.err().contains("nothing is uploaded without"
        + " your agreement"), r.err());
    assertEquals(1, r.err().lines().count(), "one paragraph: " + r.err());
    assertTrue(r.out().contains("1 measurement(s) queued for upload; upload is off"), r.out());
    assertEquals(0, collectorStore.count(), "nothing sent");
    assertFalse(Files.exists(ConsentFile.path(db)), "no consent invented");
  }

  @Test
  void theFirstRunAtATerminalAsksAndRecordsTheAnswer() throws IOException {
    config("");
    CliRun r = CliRun.atTerminal("y\nn\n", run("--skip-connectivity-check"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains(ConsentText.QUESTION_RUN.strip()), r.out());
    Consent c = ConsentFile.read(db).orElseThrow();
    assertFalse(c.upload());
    CliRun second = CliRun.atTerminal("", run("--skip-connectivity-check"));
    assertFalse(second.out().contains(ConsentText.QUESTION_RUN.strip()), "asked once: " + second.out());
  }

  @Test
  void declinedAtTheTerminalNothingIsMeasured() throws IOException {
    config("");
    CliRun r = CliRun.atTerminal("n\n", run("--skip-connectivity-check"));
    assertEquals(Main.EXIT_FAILED, r.exit(), r.err());
    assertTrue(r.out().contains("nothing measured"), r.out());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertTrue(store.runs().lastRun().isEmpty());
    }
  }

  @Test
  void offlineBeforeTheRunMarksTheMeasurementsOffline() throws IOException {
    config("");
    InetAddress a = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(a);
    CliRun r = CliRun.of(run("--connectivity-anchor", "tcp " + a.getHostAddress() + ":" + port));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("the network is offline"), r.err());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(NetworkState.OFFLINE, store.runs().lastRun().orElseThrow().connectivity());
      StoredMeasurement m = store.measurements().find(MeasurementFilter.all()).get(0);
      String json = store.measurements().byUid(m.uid()).orElseThrow().measurementJson();
      assertEquals(Verdict.OFFLINE, MeasurementJson.parse(json).testKeys().xVerdict());
    }
  }

  @Test
  void onlineBeforeTheRunIsRecordedAndTheVerdictStands() throws IOException {
    config("");
    CliRun r = CliRun.of(run("--connectivity-anchor", "tcp " + collector.address().getAddress().getHostAddress()
        + ":" + collector.address().getPort()));
    assertEquals(0, r.exit(), r.err());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(NetworkState.ONLINE, store.runs().lastRun().orElseThrow().connectivity());
      StoredMeasurement m = store.measurements().find(MeasurementFilter.all()).get(0);
      String json = store.measurements().byUid(m.uid()).orElseThrow().measurementJson();
      assertTrue(MeasurementJson.parse(json).testKeys().xVerdict() != Verdict.OFFLINE, json);
    }
  }
}
