package org.kuzet.agent.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import org.kuzet.schema.db.SchemaMigrations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening a results database: migrations, refusing foreign, damaged and newer files, locks. */
class DatabaseTest {
  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void freshDatabaseGetsEveryMigrationWalAndPrivatePermissions() throws Exception {
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals(SchemaMigrations.latestVersion(), store.schemaVersion());
    }
    assertEquals(SchemaMigrations.latestVersion(), ResultsStore.schemaVersion(db()));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertEquals("wal", rs.getString("journal_mode"));
      }
      for (String table : List.of("runs", "measurements", "connectivity_events", "settings")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) AS n FROM sqlite_master WHERE type='table' AND name='" + table
            + "'")) {
          rs.next();
          assertEquals(1, rs.getInt("n"), table);
        }
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT start_time, x_verdict FROM measurements"
          + " WHERE input = 'https://a.kz/' AND start_time >= '2026-11-01' AND start_time < '2026-12-01'")) {
        rs.next();
        assertTrue(rs.getString("detail").contains("measurements_input_time"), rs.getString("detail"));
      }
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db().getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db())));
  }

  @Test
  void olderDatabaseIsMigratedKeepingItsRows() throws Exception {
    Files.createDirectories(db().getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      for (String sql : SchemaMigrations.all().get(0).statements()) {
        s.execute(sql);
      }
      s.execute("PRAGMA user_version = 1");
      s.execute("INSERT INTO runs (started_at, trigger, software_version) VALUES ('2026-10-01 00:00:00', 'manual',"
          + " '0.0.1')");
      s.execute("INSERT INTO measurements (uid, run_id, input, start_time, runtime, x_verdict, measurement_json)"
          + " VALUES ('old-1', 1, 'https://a.kz/', '2026-10-01 00:00:01', 1.0, 'blocked', '{}')");
    }
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals(SchemaMigrations.latestVersion(), store.schemaVersion());
      assertEquals(new QueueCounts(1, 0, 0), store.uploadQueue().counts(), "a measurement from before the queue is pending");
      assertEquals("blocked", store.measurements().byUid("old-1").orElseThrow().verdict());
    }
  }

  @Test
  void version2DatabaseKeepsRunsAndQueueThroughTheImportedRunsRebuild() throws Exception {
    Files.createDirectories(db().getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      for (SchemaMigrations.Migration m : SchemaMigrations.all().subList(0, 2)) {
        for (String sql : m.statements()) {
          s.execute(sql);
        }
      }
      s.execute("PRAGMA user_version = 2");
      s.execute("INSERT INTO runs (started_at, trigger, software_version, measurement_count) VALUES"
          + " ('2026-10-01 00:00:00', 'scheduled', '0.0.1', 2)");
      s.execute("INSERT INTO measurements (uid, run_id, input, start_time, runtime, x_verdict, measurement_json,"
          + " upload_state, upload_attempts, uploaded_at) VALUES ('old-1', 1, 'https://a.kz/', '2026-10-01 00:00:01',"
          + " 1.0, 'blocked', '{}', 'uploaded', 2, '2026-10-02 00:00:00')");
      s.execute("INSERT INTO measurements (uid, run_id, input, start_time, runtime, measurement_json) VALUES"
          + " ('old-2', 1, 'https://b.kz/', '2026-10-01 00:00:02', 1.0, '{}')");
    }
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals(SchemaMigrations.latestVersion(), store.schemaVersion());
      assertEquals(new QueueCounts(1, 1, 0), store.uploadQueue().counts());
      assertEquals(Trigger.SCHEDULED, store.runs().run(1).orElseThrow().trigger());
      assertEquals(2, store.runs().run(1).orElseThrow().measurementCount());
      assertEquals("blocked", store.measurements().byUid("old-1").orElseThrow().verdict());
      long imported = store.runs().beginRun(Trigger.IMPORTED, null, "0.1.0", null);
      assertEquals(Trigger.IMPORTED, store.runs().run(imported).orElseThrow().trigger());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%_v3'")) {
      rs.next();
      assertEquals(0, rs.getInt("n"), "no table of the rebuild is left behind");
    }
  }

  @Test
  void newerDatabaseIsRefusedAndLeftAsItWas() throws Exception {
    try (ResultsStore store = ResultsStore.open(db())) {
      store.settings().putSetting("k", "v");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    byte[] before = Files.readAllBytes(db());
    StoreException e = assertThrows(StoreException.class, () -> ResultsStore.open(db()));
    assertTrue(e.getMessage().contains("newer kuzet") && e.getMessage().contains("99")
        && e.getMessage().contains(db().toString()), e.getMessage());
    assertThrows(StoreException.class, () -> ResultsStore.openReadOnly(db()));
    assertArrayEquals(before, Files.readAllBytes(db()));
  }

  @Test
  void corruptOrForeignFilesAreRefusedUntouched() throws Exception {
    Files.createDirectories(dir);
    Path text = dir.resolve("notes.db");
    Files.writeString(text, "my notes, not a database\n");
    byte[] garbage = new byte[8192];
    new Random(1).nextBytes(garbage);
    System.arraycopy("SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, garbage, 0, 16);
    Path damaged = dir.resolve("damaged.db");
    Files.write(damaged, garbage);
    Path foreign = dir.resolve("foreign.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE contacts (name TEXT)");
    }
    Map<Path, String> cases = Map.of(text, "not an SQLite database", damaged, "damaged", foreign, "not a kuzet one");
    for (Map.Entry<Path, String> c : cases.entrySet()) {
      byte[] before = Files.readAllBytes(c.getKey());
      StoreException e = assertThrows(StoreException.class, () -> ResultsStore.open(c.getKey()));
      assertTrue(e.getMessage().contains(c.getValue()) && e.getMessage().contains(c.getKey().toString()),
          e.getMessage());
      assertTrue(e.getMessage().contains("untouched"), e.getMessage());
      assertArrayEquals(before, Files.readAllBytes(c.getKey()), c.getKey() + " was changed");
    }
  }

  @Test
  void aLockedDatabaseWaitsThenSaysSo() throws Exception {
    try (ResultsStore store = ResultsStore.open(db(), Duration.ofMillis(200));
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      StoreException e = assertThrows(StoreException.class,
          () -> store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null));
      assertTrue(e.getMessage().contains("locked by another kuzet process"), e.getMessage());
      assertEquals("база данных " + db().toAbsolutePath() + " заблокирована другим процессом kuzet (ожидание 0 с):"
          + " повторите, когда он закончит", e.message(org.kuzet.agent.i18n.Messages.of(org.kuzet.agent.i18n.Language.RU)),
          "in the volunteer's language where the command line prints it");
      s.execute("ROLLBACK");
      assertEquals(1, store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null), "works once the other writer is done");
    }
  }
}
