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

  private static StoredMeasurement row(String uid, String keyId, String json) {
    return new StoredMeasurement(uid, keyId, T, json, "{}",
        new StoredMeasurement.Summary(null, null, null, null, null, null));
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
}
