package org.kuzet.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.FaultyFront.Action;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.backend.tls.ServerTls;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.upload.ProbeKey;

/**
 * Store-and-forward against a real collector on loopback while things go wrong: the collector down, answering
 * 500, hanging up after storing, a tampering middlebox, a probe killed mid-upload. Time is a hand-moved clock.
 */
class UploaderFaultTest {
  private static final Instant START = Instant.parse("2026-11-23T09:00:00Z");
  private static final Duration BASE = Duration.ofSeconds(30);
  private static final Duration CAP = Duration.ofMinutes(30);

  @TempDir Path dir;
  private final ProbeKey key = ProbeKey.generate(new SecureRandom());
  private final TickingClock clock = TickingClock.at(START);
  private final MemoryUploadQueue queue = new MemoryUploadQueue();
  private SqliteCollectorStore store;
  private CollectorServer collector;

  @BeforeEach
  void openStore() throws IOException {
    store = SqliteCollectorStore.open(dir.resolve("collector.db"));
  }

  @AfterEach
  void closeAll() throws IOException {
    if (collector != null) {
      collector.close();
    }
    store.close();
  }

  private void startCollector() throws IOException {
    collector = CollectorServer.builder(store).start();
  }

  private Uploader.Builder uploader(URI uri) {
    return Uploader.builder(uri, key).clock(clock).random(new Random(7)).backoff(BASE, CAP);
  }

  private void fill(int n) {
    for (int i = 0; i < n; i++) {
      String uid = String.format("20261123T090000Z_webconnectivity_KZ_9198_n1_%08d", i);
      queue.add(uid, TestMeasurements.exportJson(uid, "https://site" + i + ".kz/", Verdict.ACCESSIBLE));
    }
  }

  @Test
  void collectorDownThenBack() throws IOException {
    fill(250);
    InetAddress address = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(address);
    Uploader up = uploader(URI.create("http://" + address.getHostAddress() + ":" + port)).build();

    Uploader.Result down = up.drain(queue);

    // One batch tried and put off; the rest was not hammered against a dead collector.
    assertEquals(new Uploader.Result(0, 0, 0, 100, 250), down);
    assertTrue(queue.reason(uid(0)).contains("cannot reach the collector"), queue.reason(uid(0)));

    collector = CollectorServer.builder(store).listen(new InetSocketAddress(address, port)).start();
    Uploader.Result back = up.drain(queue);
    assertEquals(new Uploader.Result(150, 0, 0, 0, 100), back, "the put-off batch waits for its backoff");

    clock.advance(BASE);
    assertEquals(new Uploader.Result(100, 0, 0, 0, 0), up.drain(queue));
    assertEquals(250, store.count());
    assertEquals(new UploadQueue.QueueCounts(0, 250, 0), queue.counts());
  }

  @Test
  void collectorHangsUpAfterStoringThenResendIsDuplicateNotDouble() throws IOException {
    startCollector();
    fill(250);
    try (FaultyFront front = new FaultyFront(collector.address(), Action.DROP_AFTER_FORWARD)) {
      Uploader up = uploader(front.uri()).build();

      assertEquals(new Uploader.Result(0, 0, 0, 100, 250), up.drain(queue));
      assertEquals(100, store.count(), "the collector stored the batch it never answered");

      clock.advance(BASE);
      assertEquals(new Uploader.Result(150, 100, 0, 0, 0), up.drain(queue));
    }
    assertEquals(250, store.count());
    assertEquals(250, distinctStoredUids());
    assertEquals(new UploadQueue.QueueCounts(0, 250, 0), queue.counts());
  }

  @Test
  void collectorAnswers500ForAWhileWithGrowingBackoff() throws IOException {
    startCollector();
    fill(30);
    try (FaultyFront front = new FaultyFront(collector.address(),
        Action.ANSWER_500, Action.ANSWER_500, Action.ANSWER_500)) {
      Uploader up = uploader(front.uri()).batchSize(10).build();

      assertEquals(new Uploader.Result(0, 0, 0, 10, 30), up.drain(queue));
      assertTrue(queue.reason(uid(0)).contains("500"), queue.reason(uid(0)));
      // The failed batch is not due before half the base delay (the least jitter); the others are, and the next
      // one meets the second 500.
      assertEquals(new Uploader.Result(0, 0, 0, 10, 30), up.drain(queue));
      assertEquals(new Uploader.Result(0, 0, 0, 10, 30), up.drain(queue));
      assertEquals(3, front.requests());
      assertEquals(new Uploader.Result(0, 0, 0, 0, 30), up.drain(queue), "nothing due: nothing sent");
      assertEquals(3, front.requests());

      clock.advance(BASE);
      assertEquals(new Uploader.Result(30, 0, 0, 0, 0), up.drain(queue));
    }
    assertEquals(30, store.count());
  }

  @Test
  void backoffDoublesPerFailureUpToTheCap() throws IOException {
    fill(1);
    InetAddress address = LoopbackAddresses.next();
    Uploader up = uploader(URI.create("http://" + address.getHostAddress() + ":"
        + LoopbackAddresses.closedPort(address))).build();
    Duration expectedMax = BASE;
    for (int attempt = 0; attempt < 10; attempt++) {
      assertEquals(1, up.drain(queue).retried());
      clock.advance(expectedMax.dividedBy(2).minusMillis(1));
      assertEquals(0, up.drain(queue).retried(), "due before the least possible wait, attempt " + attempt);
      clock.advance(expectedMax.dividedBy(2).plusMillis(1));
      expectedMax = expectedMax.multipliedBy(2).compareTo(CAP) > 0 ? CAP : expectedMax.multipliedBy(2);
    }
  }

  @Test
  void probeKilledBetweenSendingAndMarkingResendsHarmlessly() throws IOException {
    startCollector();
    fill(40);
    UploadQueue dying = new ForwardingUploadQueue(queue) {
      @Override
      public void markUploaded(Collection<String> uids, Instant at) {
        throw new IllegalStateException("killed");
      }
    };
    assertThrows(IllegalStateException.class, () -> uploader(collector.uploadUri()).build().drain(dying));
    assertEquals(40, store.count());
    assertEquals(40, queue.counts().pending(), "nothing was marked");

    Uploader.Result restarted = uploader(collector.uploadUri()).build().drain(queue);

    assertEquals(new Uploader.Result(0, 40, 0, 0, 0), restarted);
    assertEquals(40, store.count());
  }

  @Test
  void tenThousandQueuedMeasurementsDrainCompletely() throws Exception {
    startCollector();
    fill(10_000);

    Uploader.Result r = uploader(collector.uploadUri()).build().drain(queue);

    assertEquals(new Uploader.Result(10_000, 0, 0, 0, 0), r);
    assertEquals(10_000, store.count());
    assertEquals(10_000, distinctStoredUids());
    assertEquals(new UploadQueue.QueueCounts(0, 10_000, 0), queue.counts());
    assertNoAddressStored();
  }

  @Test
  void tamperedMeasurementIsRejectedWithReasonAndTheRestOfItsBatchAccepted() throws IOException {
    startCollector();
    fill(5);
    try (FaultyFront front = new FaultyFront(collector.address(), Action.TAMPER_SECOND_ITEM)) {
      Uploader.Result r = uploader(front.uri()).build().drain(queue);

      assertEquals(new Uploader.Result(4, 0, 1, 0, 0), r);
    }
    assertTrue(queue.reason(uid(1)).contains("bad signature"), queue.reason(uid(1)));
    assertEquals(new UploadQueue.QueueCounts(0, 4, 1), queue.counts());
    assertEquals(4, store.count());
  }

  @Test
  void aBatchRefusedWholeFor400IsMarkedWithEachItemsReasonNotRetried() throws IOException {
    startCollector();
    fill(3);
    try (FaultyFront front = new FaultyFront(collector.address(), Action.TAMPER_EVERY_ITEM)) {
      Uploader.Result r = uploader(front.uri()).build().drain(queue);

      assertEquals(new Uploader.Result(0, 0, 3, 0, 0), r);
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(queue.reason(uid(i)).contains("bad signature"), queue.reason(uid(i)));
    }
    assertEquals(new UploadQueue.QueueCounts(0, 0, 3), queue.counts());
    assertEquals(0, store.count());
  }

  @Test
  void oversizedBatchesAreSplitAndAnOversizedMeasurementRejectedAlone() throws IOException {
    collector = CollectorServer.builder(store).maxBodyBytes(4096).start();
    fill(20);
    // Incompressible: over 4 KiB even after gzip.
    byte[] noise = new byte[6000];
    new Random(1).nextBytes(noise);
    String big = "20261123T090000Z_webconnectivity_KZ_9198_n1_big";
    queue.add(big, TestMeasurements.exportJson(big, "https://big.kz/" + java.util.HexFormat.of().formatHex(noise),
        Verdict.ACCESSIBLE));

    Uploader.Result r = uploader(collector.uploadUri()).build().drain(queue);

    assertEquals(new Uploader.Result(20, 0, 1, 0, 0), r);
    assertTrue(queue.reason(big).contains("413"), queue.reason(big));
    assertEquals(20, store.count());
  }

  @Test
  void uploaderSplitsBeforeSendingWhenItKnowsTheLimit() throws IOException {
    startCollector();
    fill(3);
    String big = "20261123T090000Z_webconnectivity_KZ_9198_n1_big";
    byte[] noise = new byte[3000];
    new Random(2).nextBytes(noise);
    queue.add(big, TestMeasurements.exportJson(big, "https://big.kz/" + java.util.HexFormat.of().formatHex(noise),
        Verdict.ACCESSIBLE));

    Uploader.Result r = uploader(collector.uploadUri()).maxBodyBytes(2048).build().drain(queue);

    assertEquals(new Uploader.Result(3, 0, 1, 0, 0), r);
    assertTrue(queue.reason(big).contains("over the upload limit"), queue.reason(big));
  }

  @Test
  void unusableStoredMeasurementIsRejectedLocallyAndOthersGo() throws IOException {
    startCollector();
    fill(2);
    queue.add("broken", "{\"measurement_uid\": \"broken\", ");
    queue.add("mismatch", TestMeasurements.exportJson("other", "https://a.kz/", Verdict.ACCESSIBLE));

    Uploader.Result r = uploader(collector.uploadUri()).build().drain(queue);

    assertEquals(new Uploader.Result(2, 0, 2, 0, 0), r);
    assertTrue(queue.reason("broken").contains("not valid JSON"), queue.reason("broken"));
    assertTrue(queue.reason("mismatch").contains("not its queue UID"), queue.reason("mismatch"));
  }

  @Test
  void overHttpsWithTheProbesOwnRootsPlusAnExtraPem() throws Exception {
    TestPki pki = new TestPki();
    HeldCertificate leaf = pki.issue("127.0.0.1");
    Path cert = Files.writeString(dir.resolve("cert.pem"), leaf.certificatePem() + pki.rootPem());
    Path keyPem = Files.writeString(dir.resolve("key.pem"), leaf.privateKeyPkcs8Pem());
    Path root = Files.writeString(dir.resolve("root.pem"), pki.rootPem());
    collector = CollectorServer.builder(store).tls(ServerTls.fromPem(cert, keyPem)).start();
    fill(3);

    // Without the test root, the collector's certificate is not trusted: put off, not rejected.
    Uploader.Result untrusted = uploader(collector.uploadUri()).build().drain(queue);
    assertEquals(new Uploader.Result(0, 0, 0, 3, 3), untrusted);
    assertEquals(0, store.count());

    clock.advance(BASE);
    Uploader.Result trusted = uploader(collector.uploadUri()).extraRoots(List.of(root)).build().drain(queue);
    assertEquals(new Uploader.Result(3, 0, 0, 0, 0), trusted);
    assertEquals(3, store.count());
  }

  @Test
  void collectorGoneBehindAFrontIsRetriedLater() throws IOException {
    startCollector();
    fill(3);
    try (FaultyFront front = new FaultyFront(collector.address())) {
      // The front (a reverse proxy, say) is up, the collector behind it is not: the front hangs up.
      collector.close();
      Uploader.Result r = uploader(front.uri()).build().drain(queue);
      assertEquals(new Uploader.Result(0, 0, 0, 3, 3), r);
    }
    collector = null;
  }

  private static String uid(int i) {
    return String.format("20261123T090000Z_webconnectivity_KZ_9198_n1_%08d", i);
  }

  private long distinctStoredUids() throws IOException {
    return query("SELECT count(DISTINCT uid) FROM measurements");
  }

  private long query(String sql) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("collector.db"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IOException(e);
    }
  }

  /** No column of any stored row mentions a loopback address: the uploader's address is not kept. */
  private void assertNoAddressStored() throws IOException {
    assertEquals(0, query("SELECT count(*) FROM measurements WHERE uid || key_id || received_at || measurement"
        + " || signature || coalesce(input, '') LIKE '%127.0.%'"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("collector.db"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('measurements')")) {
      while (rs.next()) {
        String column = rs.getString(1);
        assertFalse(column.contains("ip") || column.contains("addr") || column.contains("host"), column);
      }
    } catch (java.sql.SQLException e) {
      throw new IOException(e);
    }
  }
}
