package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.collector.CollectorStore.Outcome;

class SqliteCollectorStoreTest {
  private static final Instant T = Instant.parse("2026-11-23T09:00:00Z");

  @TempDir Path dir;

  private static ReceivedMeasurement row(String uid, String keyId, String json) {
    return new ReceivedMeasurement(uid, keyId, T, json, "{}",
        new ReceivedMeasurement.Summary(null, null, null, null, null, null));
  }

  @Test
  void storesOnceAndTellsDuplicatesFromConflicts() throws IOException {
    try (SqliteCollectorStore store = SqliteCollectorStore.open(dir.resolve("c.db"))) {
      assertEquals(List.of(Outcome.STORED, Outcome.DUPLICATE, Outcome.CONFLICT, Outcome.STORED),
          store.store(List.of(row("a", "k1", "{\"x\":1}"), row("a", "k1", "{\"x\":1}"), row("a", "k1", "{\"x\":2}"),
              row("b", "k1", "{}"))));
      assertEquals(List.of(Outcome.DUPLICATE, Outcome.CONFLICT),
          store.store(List.of(row("a", "k1", "{\"x\":1}"), row("b", "k2", "{}"))));
      assertEquals(2, store.count());
    }
  }

  @Test
  void keepsRowsAcrossReopenAndUsesWal() throws Exception {
    Path db = dir.resolve("c.db");
    try (SqliteCollectorStore store = SqliteCollectorStore.open(db)) {
      store.store(List.of(row("a", "k", "{}")));
    }
    try (SqliteCollectorStore store = SqliteCollectorStore.open(db)) {
      assertEquals(1, store.count());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      assertTrue(rs.next());
      assertEquals("wal", rs.getString(1));
    }
  }

  @Test
  void refusesAnotherApplicationsDatabase() throws Exception {
    Path db = dir.resolve("results.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE measurements (id INTEGER PRIMARY KEY)");
    }
    IOException e = assertThrows(IOException.class, () -> SqliteCollectorStore.open(db));
    assertTrue(e.getMessage().contains("not a kuzet collector's"), e.getMessage());
  }

  @Test
  void refusesANewerSchema() throws Exception {
    Path db = dir.resolve("c.db");
    SqliteCollectorStore.open(db).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    IOException e = assertThrows(IOException.class, () -> SqliteCollectorStore.open(db));
    assertTrue(e.getMessage().contains("newer kuzet"), e.getMessage());
  }

  @Test
  void missingDirectoryAndDirectoryAreClearErrors() throws IOException {
    IOException missing = assertThrows(IOException.class,
        () -> SqliteCollectorStore.open(dir.resolve("nope/c.db")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    Files.createDirectory(dir.resolve("d"));
    IOException isDir = assertThrows(IOException.class, () -> SqliteCollectorStore.open(dir.resolve("d")));
    assertTrue(isDir.getMessage().contains("is a directory"), isDir.getMessage());
  }

  /**
   * docs/COLLECTOR.md promises a batch all or nothing: whatever fails in the middle of one (here the batch itself
   * breaks at its third item, as an out-of-memory error would) leaves none of it stored, and the store goes on.
   */
  @Test
  void aBatchThatFailsHalfWayStoresNothing() throws IOException {
    List<ReceivedMeasurement> rows = List.of(row("a", "k", "{}"), row("b", "k", "{}"), row("c", "k", "{}"),
        row("d", "k", "{}"));
    for (Throwable failure : List.<Throwable>of(new OutOfMemoryError("injected"),
        new IllegalStateException("injected"))) {
      try (SqliteCollectorStore store = SqliteCollectorStore.open(dir.resolve("c.db"))) {
        List<ReceivedMeasurement> breaking = new java.util.AbstractList<>() {
          @Override
          public ReceivedMeasurement get(int i) {
            if (i == 2) {
              if (failure instanceof Error e) {
                throw e;
              }
              throw (RuntimeException) failure;
            }
            return rows.get(i);
          }

          @Override
          public int size() {
            return rows.size();
          }
        };
        Throwable thrown = assertThrows(Throwable.class, () -> store.store(breaking));
        assertTrue(thrown == failure || thrown.getCause() == failure, String.valueOf(thrown));
        assertEquals(0, store.count(), "half of the batch was stored after " + failure);
        assertEquals(List.of(Outcome.STORED, Outcome.STORED, Outcome.STORED, Outcome.STORED), store.store(rows),
            "the store is usable after the failure");
        assertEquals(4, store.count());
      }
      Files.delete(dir.resolve("c.db"));
    }
  }

  /** A failure raised by SQLite itself on the n-th row (a trigger on a marked row) rolls the batch back too. */
  @Test
  void aRowSqliteRefusesMidBatchRollsTheBatchBack() throws Exception {
    Path db = dir.resolve("c.db");
    SqliteCollectorStore.open(db).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TRIGGER fail_marked BEFORE INSERT ON measurements WHEN NEW.uid = 'marked'"
          + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    }
    try (SqliteCollectorStore store = SqliteCollectorStore.open(db)) {
      assertThrows(IOException.class, () -> store.store(List.of(row("a", "k", "{}"), row("b", "k", "{}"),
          row("marked", "k", "{}"), row("d", "k", "{}"))));
      assertEquals(0, store.count());
    }
  }

  /** A probe's results database (probe-agent's tables) given to the collector is named as such and left as it was. */
  @Test
  void aProbesResultsDatabaseIsNamedAndLeftUntouched() throws Exception {
    Path db = dir.resolve("kuzet.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode = DELETE");
      for (String table : List.of("settings", "runs", "measurements", "connectivity_events")) {
        s.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)");
      }
      s.execute("PRAGMA user_version = 2");
    }
    byte[] before = Files.readAllBytes(db);
    IOException e = assertThrows(IOException.class, () -> SqliteCollectorStore.open(db));
    assertTrue(e.getMessage().contains("a kuzet probe's results database") && e.getMessage().contains("kuzet results"),
        e.getMessage());
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(db), "the file was changed");
  }

  @Test
  void aFileThatIsNotSqliteIsNamedAndLeftUntouched() throws Exception {
    Path db = dir.resolve("notes.db");
    Files.writeString(db, "my notes, not a database, long enough to have a header of sorts........\n".repeat(10));
    byte[] before = Files.readAllBytes(db);
    IOException e = assertThrows(IOException.class, () -> SqliteCollectorStore.open(db));
    assertTrue(e.getMessage().contains("not an SQLite database"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(db), "the file was changed");
  }

  /**
   * A database made by the collector before its migrations (kuzet 0.1: inline DDL, application id, user_version 1),
   * built here with that code's statements, opens: its rows are kept, the later migrations run (the domain of each
   * old row is filled in from its input), and it takes new uploads.
   */
  @Test
  void aDatabaseMadeByTheOldInlineSchemaIsMigrated() throws Exception {
    Path db = dir.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("""
          CREATE TABLE measurements (
            uid                    TEXT PRIMARY KEY NOT NULL,
            key_id                 TEXT NOT NULL,
            received_at            TEXT NOT NULL,
            measurement            TEXT NOT NULL,
            signature              TEXT NOT NULL,
            input                  TEXT,
            probe_cc               TEXT,
            probe_asn              TEXT,
            measurement_start_time TEXT,
            verdict                TEXT,
            signals                TEXT
          ) STRICT""");
      s.execute("CREATE INDEX measurements_by_probe ON measurements (key_id, received_at)");
      s.execute("CREATE INDEX measurements_by_input ON measurements (input, measurement_start_time)");
      s.execute("PRAGMA application_id = " + SqliteCollectorStore.APPLICATION_ID);
      s.execute("PRAGMA user_version = 1");
      s.execute("INSERT INTO measurements VALUES ('old-1', 'k', '2026-11-20T10:00:00Z', '{\"x\":1}', '{}',"
          + " 'https://HolaNews.kz:8443/path?q', 'KZ', 'AS9198', '2026-11-20 09:59:00', 'blocked', 'dns.bogon')");
      s.execute("INSERT INTO measurements VALUES ('old-2', 'k', '2026-11-20T10:00:00Z', '{\"x\":2}', '{}',"
          + " 'http://other.kz', 'KZ', 'AS9198', '2026-11-20 09:59:30', 'accessible', '')");
    }
    try (SqliteCollectorStore store = SqliteCollectorStore.open(db)) {
      assertEquals(SqliteCollectorStore.MIGRATIONS.latestVersion(), store.schemaVersion());
      assertEquals(2, store.count());
      assertEquals(List.of(Outcome.DUPLICATE, Outcome.STORED),
          store.store(List.of(new ReceivedMeasurement("old-1", "k", T, "{\"x\":1}", "{}",
              new ReceivedMeasurement.Summary(null, null, null, null, null, null)), row("new", "k", "{}"))));
      java.time.LocalDateTime from = java.time.LocalDateTime.of(2026, 11, 1, 0, 0);
      java.time.LocalDateTime to = java.time.LocalDateTime.of(2026, 12, 1, 0, 0);
      assertEquals(List.of(new CollectorStore.DomainDay(java.time.LocalDate.of(2026, 11, 20), "blocked", 1)),
          store.domainHistory("holanews.kz", from, to));
      assertEquals(List.of(new CollectorStore.DomainDay(java.time.LocalDate.of(2026, 11, 20), "accessible", 1)),
          store.domainHistory("other.kz", from, to));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE"
             + " 'sqlite_%' ORDER BY name")) {
      List<String> indexes = new java.util.ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
      assertEquals(List.of("measurements_by_asn_time", "measurements_by_domain", "measurements_by_input",
          "measurements_by_probe", "measurements_by_time"), indexes);
    }
  }

  @Test
  void theMigrationsDirectoryHoldsExactlyTheListedFiles() throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(Path.of(
        "src/main/resources/org/kuzet/backend/collector/sqlite"))) {
      assertEquals(files.map(p -> p.getFileName().toString()).sorted().toList(),
          SqliteCollectorStore.MIGRATIONS.files().stream().sorted().toList());
    }
    try (java.util.stream.Stream<Path> files = Files.list(Path.of(
        "src/main/resources/org/kuzet/backend/collector/postgresql"))) {
      assertEquals(files.map(p -> p.getFileName().toString()).sorted().toList(),
          PostgresCollectorStore.MIGRATIONS.files().stream().sorted().toList());
    }
  }
}
