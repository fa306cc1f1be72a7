package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.agent.upload.UploadQueue;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestMeasurements;

/** {@code kuzet upload} end to end against the real collector on loopback. */
class UploadCommandTest {
  private static final Instant T = Instant.parse("2026-11-23T09:00:00Z");

  @TempDir Path dir;
  private SqliteCollectorStore collectorStore;
  private CollectorServer collector;
  private Path db;
  private final List<String> uids = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    collectorStore = SqliteCollectorStore.open(dir.resolve("collector.db"));
    collector = CollectorServer.builder(collectorStore).start();
    db = dir.resolve("probe/kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "test", null, T);
      for (int i = 0; i < 3; i++) {
        var m = TestMeasurements.accessible("https://site" + i + ".kz/", T.plusSeconds(i));
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
        uids.add(m.measurementUid());
      }
      store.runs().finishRun(run, T.plusSeconds(10));
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    collector.close();
    collectorStore.close();
  }

  private String url() {
    return collector.uploadUri().toString();
  }

  @Test
  void uploadsTheQueueOnceAndRetriesRejectedOnesOnRequest() throws IOException {
    try (ResultsStore store = ResultsStore.open(db)) {
      store.uploadQueue().markRejected(uids.get(0), "bad signature: test", T); // as if a collector had refused it earlier
    }

    CliRun first = CliRun.of("upload", "--db", db.toString(), "--collector", url());
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().contains("2 uploaded, 0 duplicate, 0 rejected, 0 retried; 0 remaining"), first.out());
    assertEquals(2, collectorStore.count(), "the collector verified and stored both");
    assertTrue(Files.exists(dir.resolve("probe/probe-key")), "the probe key is created beside the database");

    CliRun again = CliRun.of("upload", "--db", db.toString(), "--collector", url());
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("0 uploaded, 0 duplicate, 0 rejected, 0 retried"), again.out());
    assertEquals(2, collectorStore.count());

    CliRun retry = CliRun.of("upload", "--db", db.toString(), "--collector", url(), "--retry-failed");
    assertEquals(0, retry.exit(), retry.err());
    assertTrue(retry.out().contains("1 rejected measurement(s) put back in the queue"), retry.out());
    assertTrue(retry.out().contains("1 uploaded"), retry.out());
    assertEquals(3, collectorStore.count());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(new UploadQueue.QueueCounts(0, 3, 0), store.uploadQueue().counts());
    }
  }

  @Test
  void theCollectorComesFromTheConfigFile() throws IOException {
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, "[upload]\nenabled = true\ncollector = " + url() + "\n");
    CliRun run = CliRun.of("upload", "--db", db.toString(), "--config", conf.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals(3, collectorStore.count());
  }

  @Test
  void withoutACollectorItIsAOneLineUsageError() {
    CliRun run = CliRun.of("upload", "--db", db.toString(), "--config", dir.resolve("none.conf").toString());
    assertEquals(Main.EXIT_USAGE, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    CliRun noUrl = CliRun.of("upload", "--db", db.toString(), "--collector", "ftp://x/");
    assertEquals(Main.EXIT_USAGE, noUrl.exit(), noUrl.err());
    assertTrue(noUrl.err().contains("--collector"), noUrl.err());
  }

  @Test
  void aCollectorThatIsDownLeavesEverythingQueued() throws IOException {
    InetAddress a = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(a);
    CliRun run = CliRun.of("upload", "--db", db.toString(), "--collector", "http://" + a.getHostAddress() + ":"
        + port);
    assertEquals(Main.EXIT_FAILED, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("stay queued"), run.out());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(3, store.uploadQueue().counts().pending());
    }
    assertTrue(run.out().contains("'kuzet upload' sends them by hand"), run.out());
    // The hint is true: a hand-started upload does not wait out the backoff the failure left.
    CliRun later = CliRun.of("upload", "--db", db.toString(), "--collector", url());
    assertEquals(0, later.exit(), later.out() + later.err());
    assertTrue(later.out().contains("3 uploaded"), later.out());
    assertEquals(3, collectorStore.count());
  }
}
