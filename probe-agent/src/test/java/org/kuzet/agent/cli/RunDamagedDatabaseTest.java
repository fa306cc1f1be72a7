package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;

/**
 * {@code run --once} on a damaged database (a valid SQLite header, damage further in) refuses before measuring
 * anything, leaves the file byte for byte as it was, and never says it stored what it did not.
 */
class RunDamagedDatabaseTest {
  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();

  @AfterEach
  void close() {
    dns.close();
  }

  /** A kuzet database with some history, closed (its WAL checkpointed away). */
  private Path goodDatabase() {
    Path db = dir.resolve("kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE,
          Instant.parse("2026-11-01T10:00:00Z"));
      for (int i = 0; i < 300; i++) {
        Measurement m = TestMeasurements.accessible("https://site" + i + ".kz/",
            Instant.parse("2026-11-01T10:00:00Z").plusSeconds(i));
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
      }
    }
    return db;
  }

  private static int pageSize(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA page_size")) {
      rs.next();
      return rs.getInt("page_size");
    }
  }

  private static int rootPage(Path db, String index) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = '" + index + "'")) {
      rs.next();
      return rs.getInt("rootpage");
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private CliRun run(Path db) {
    return CliRun.of("run", "--once", "--db", db.toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "1s", "--skip-connectivity-check", "--no-control",
        "https://gone.kz/");
  }

  private void assertRefusedUntouched(Path db, String hashBefore, CliRun run) throws Exception {
    assertEquals(Main.EXIT_USAGE, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains(db.toAbsolutePath().toString()) && run.err().contains("is damaged"), run.err());
    assertTrue(run.err().contains("left it untouched"), run.err());
    assertFalse(run.out().contains("stored"), "claims to have stored something: " + run.out());
    assertFalse(run.err().contains("Exception"), run.err());
    assertEquals(0, dns.queryCount("gone.kz"), "nothing may be measured for a database that cannot take it");
    assertEquals(hashBefore, sha256(db), "the damaged file was written to");
  }

  @Test
  void aCorruptIndexPageIsRefusedBeforeMeasuring() throws Exception {
    dns.nxdomain("gone.kz");
    Path db = goodDatabase();
    int page = pageSize(db);
    // The index every insert into measurements goes through: writing would reach the damage on the first save.
    int root = rootPage(db, "measurements_input_time");
    byte[] garbage = new byte[page];
    new Random(7).nextBytes(garbage);
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      f.seek((long) (root - 1) * page);
      f.write(garbage);
    }
    assertRefusedUntouched(db, sha256(db), run(db));
  }

  @Test
  void aTruncatedDatabaseIsRefusedBeforeMeasuring() throws Exception {
    dns.nxdomain("gone.kz");
    Path db = goodDatabase();
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertRefusedUntouched(db, sha256(db), run(db));
  }

  @Test
  void anIntactDatabaseStillTakesTheRunAndTheSummaryCountsWhatWasCommitted() throws Exception {
    dns.nxdomain("gone.kz");
    Path db = goodDatabase();
    CliRun run = run(db);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("run 2: 1 measurement(s) stored in"), run.out());
    assertTrue(dns.queryCount("gone.kz") > 0);
  }
}
