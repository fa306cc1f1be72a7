package org.kuzet.agent.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kuzet.agent.i18n.Text;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.schema.db.SchemaMigrations;

/**
 * What {@link Database} checks before it writes a byte to a file: that it is SQLite, kuzet's results database (not a
 * collector's, not another application's), not from a newer kuzet, and not damaged. Each refusal leaves the file
 * exactly as it was and says what to do.
 */
final class DatabaseChecks {
  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** The tables every kuzet results database has had since schema version 1. */
  private static final List<String> KUZET_TABLES = List.of("settings", "runs", "measurements",
      "connectivity_events");

  private DatabaseChecks() {}

  /** Refuses, without writing a byte, anything whose first 16 bytes are not SQLite's (an empty file is fine). */
  static void checkHeader(Path path) {
    try {
      if (!Files.isReadable(path)) {
        throw new StoreException(Text.of("store.cannotRead", path, Text.of("store.permissionDenied")));
      }
      if (Files.size(path) == 0) {
        return;
      }
      byte[] head;
      try (InputStream in = Files.newInputStream(path)) {
        head = in.readNBytes(SQLITE_HEADER.length);
      }
      if (!Arrays.equals(head, SQLITE_HEADER)) {
        throw new StoreException(Text.of("store.notSqlite", path));
      }
    } catch (IOException e) {
      throw new StoreException(Text.of("store.cannotRead", path, SqliteErrors.describe(e)), e);
    }
  }

  /**
   * Says what a file that is not a usable kuzet results database is, in this order: a kuzet collector's database,
   * one from a newer kuzet (kuzet's tables with a higher schema version), another application's (SQLite, but not
   * kuzet's tables), or an empty one (fine: it becomes kuzet's). Never writes.
   */
  static void refuseForeignOrNewer(Connection c, Path path, int version) throws SQLException {
    int latest = SchemaMigrations.latestVersion();
    int applicationId;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA application_id")) {
      applicationId = rs.next() ? rs.getInt("application_id") : 0;
    }
    if (applicationId == SqliteCollectorStore.APPLICATION_ID) {
      throw new StoreException(Text.of("store.collectorDatabase", path));
    }
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
            + " AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        tables.add(rs.getString("name"));
      }
    }
    if (tables.isEmpty() && version == 0) {
      return; // an empty database: kuzet's first migration makes it a results database
    }
    if (applicationId != 0 || !tables.containsAll(KUZET_TABLES)) {
      throw new StoreException(tables.isEmpty() ? Text.of("store.foreign.noTables", path)
          : Text.of("store.foreign", path, String.join(", ", tables.stream().limit(8).toList())
              + (tables.size() > 8 ? ", …" : "")));
    }
    if (version > latest) {
      throw new StoreException(Text.of("store.newer", path, version, latest));
    }
    if (version == 0) {
      throw new StoreException(Text.of("store.noVersion", path));
    }
  }

  /**
   * SQLite's {@code quick_check} (every page read once, without the slower cross-checks of indexes against tables):
   * a damaged page anywhere is found here, before anything is measured or written.
   */
  static void refuseDamaged(Connection c, Path path) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check(1)")) {
      String first = rs.next() ? rs.getString("quick_check") : "ok";
      if (!"ok".equalsIgnoreCase(first)) {
        throw new StoreException(SqliteErrors.damaged(path, first, true));
      }
    }
  }

  /** A read-only directory: refuses a database whose -wal file holds changes only a writable -shm lets SQLite read. */
  static void refuseUnreadableWal(Path path) {
    Path wal = path.resolveSibling(path.getFileName() + "-wal");
    try {
      if (Files.exists(wal) && Files.size(wal) > 0) {
        throw new StoreException(Text.of("store.readOnlyWal", path, wal));
      }
    } catch (IOException e) {
      throw new StoreException(Text.of("store.cannotRead", path, SqliteErrors.describe(e)), e);
    }
  }
}
