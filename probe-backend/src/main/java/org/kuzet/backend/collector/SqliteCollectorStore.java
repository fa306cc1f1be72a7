package org.kuzet.backend.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The collector's SQLite database: one table, {@code measurements}, keyed by UID. WAL mode, so readers (an
 * analyst's {@code sqlite3}) never block uploads; one connection and one transaction per batch, so a batch is
 * stored whole or not at all.
 *
 * <p>There is no column for the uploader's address, by design: see {@link CollectorStore}.
 */
public final class SqliteCollectorStore implements CollectorStore {
  /** {@code PRAGMA application_id} of a collector database ("kzcl"), so another SQLite file is never written. */
  public static final int APPLICATION_ID = 0x6b7a636c;
  static final int SCHEMA_VERSION = 1;

  private static final String[] SCHEMA = {
      """
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
      ) STRICT""",
      "CREATE INDEX measurements_by_probe ON measurements (key_id, received_at)",
      "CREATE INDEX measurements_by_input ON measurements (input, measurement_start_time)",
      "PRAGMA application_id = " + APPLICATION_ID,
      "PRAGMA user_version = " + SCHEMA_VERSION,
  };

  private final Path file;
  private final Connection db;

  private SqliteCollectorStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /**
   * Opens the collector database at {@code file}, creating it when missing.
   *
   * @throws IOException naming the file when its directory is missing, it is not a collector database, it was
   *     made by a newer kuzet, or SQLite cannot open it
   */
  public static SqliteCollectorStore open(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IOException(file + ": directory " + dir + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a directory; --db wants a database file");
    }
    Connection db = null;
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
      }
      // What the file is, before anything is written to it (journal_mode = WAL writes the header).
      boolean fresh = identify(file, db);
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL"); // with WAL: durable at checkpoints, never corrupt
      }
      if (fresh) {
        create(db);
      }
      return new SqliteCollectorStore(file, db);
    } catch (SQLException e) {
      closeQuietly(db);
      int code = e.getErrorCode() & 0xff;
      if (code == 26 /* SQLITE_NOTADB */) {
        throw new IOException(file + " is not an SQLite database (another kind of file, or damaged); it was left"
            + " untouched: give --db a new file", e);
      }
      if (code == 11 /* SQLITE_CORRUPT */) {
        throw new IOException(file + " is a damaged database (" + e.getMessage() + "); keep a copy and give --db"
            + " a new file", e);
      }
      throw new IOException(file + ": cannot open the collector database (" + e.getMessage() + ")", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(db);
      throw e;
    }
  }

  /** The tables of a probe's results database (probe-agent's schema), to name such a file when given here. */
  private static final List<String> PROBE_TABLES = List.of("settings", "runs", "measurements", "connectivity_events");

  /**
   * Says what the file is without writing to it: true for an empty database (to be created), nothing for a
   * collector database this kuzet knows, else an IOException naming what it is instead.
   */
  private static boolean identify(Path file, Connection db) throws SQLException, IOException {
    int appId = pragma(db, "application_id");
    int version = pragma(db, "user_version");
    if (appId == APPLICATION_ID) {
      if (version > SCHEMA_VERSION) {
        throw new IOException(file + " was written by a newer kuzet (schema " + version + ", this one knows "
            + SCHEMA_VERSION + "); upgrade kuzet");
      }
      return false;
    }
    List<String> tables = tables(db);
    if (appId == 0 && version == 0 && tables.isEmpty()) {
      return true;
    }
    if (appId == 0 && tables.containsAll(PROBE_TABLES)) {
      throw new IOException(file + " is a kuzet probe's results database (what 'kuzet run' and 'kuzet service'"
          + " write), not a collector's; it was left untouched: give --db a new file for the collector (read this"
          + " one with 'kuzet results --db " + file + "')");
    }
    throw new IOException(file + " is an SQLite database but not a kuzet collector's (" + (appId != 0
        ? "application_id " + Integer.toHexString(appId) : "tables: " + String.join(", ", tables))
        + "); it was left untouched: give --db a new file");
  }

  private static void create(Connection db) throws SQLException {
    db.setAutoCommit(false);
    try (Statement s = db.createStatement()) {
      for (String sql : SCHEMA) {
        s.execute(sql);
      }
      db.commit();
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  private static int pragma(Connection db, String name) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static List<String> tables(Connection db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
             + " AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public synchronized List<Outcome> store(List<StoredMeasurement> batch) throws IOException {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    Map<String, StoredMeasurement> inBatch = new HashMap<>();
    try {
      db.setAutoCommit(false);
      try (PreparedStatement find = db.prepareStatement(
               "SELECT key_id, measurement FROM measurements WHERE uid = ?");
           PreparedStatement insert = db.prepareStatement(
               "INSERT INTO measurements (uid, key_id, received_at, measurement, signature, input, probe_cc,"
                   + " probe_asn, measurement_start_time, verdict, signals) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
        for (StoredMeasurement m : batch) {
          StoredMeasurement earlier = inBatch.get(m.uid());
          if (earlier != null) {
            outcomes.add(same(earlier.keyId(), earlier.measurementJson(), m) ? Outcome.DUPLICATE : Outcome.CONFLICT);
            continue;
          }
          find.setString(1, m.uid());
          try (ResultSet rs = find.executeQuery()) {
            if (rs.next()) {
              outcomes.add(same(rs.getString(1), rs.getString(2), m) ? Outcome.DUPLICATE : Outcome.CONFLICT);
              continue;
            }
          }
          bind(insert, m);
          insert.executeUpdate();
          inBatch.put(m.uid(), m);
          outcomes.add(Outcome.STORED);
        }
      }
      db.commit();
      return outcomes;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new IOException(file + ": cannot store a batch (" + e.getMessage() + ")", e);
    } catch (RuntimeException | Error e) {
      // Whatever else breaks half-way (a bug, out of memory) must not reach the finally below with the batch's
      // first rows pending: turning autocommit back on would commit them. All or nothing.
      rollbackQuietly();
      throw e;
    } finally {
      try {
        db.setAutoCommit(true);
      } catch (SQLException ignored) {
        // the connection is broken; the next call reports it
      }
    }
  }

  private static boolean same(String keyId, String measurementJson, StoredMeasurement m) {
    return Objects.equals(keyId, m.keyId()) && Objects.equals(measurementJson, m.measurementJson());
  }

  private static void bind(PreparedStatement insert, StoredMeasurement m) throws SQLException {
    StoredMeasurement.Summary s = m.summary();
    insert.setString(1, m.uid());
    insert.setString(2, m.keyId());
    insert.setString(3, m.receivedAt().toString());
    insert.setString(4, m.measurementJson());
    insert.setString(5, m.signatureJson());
    insert.setString(6, s.input());
    insert.setString(7, s.probeCc());
    insert.setString(8, s.probeAsn());
    insert.setString(9, s.measurementStartTime());
    insert.setString(10, s.verdict());
    insert.setString(11, s.signals());
  }

  @Override
  public synchronized long count() throws IOException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM measurements")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IOException(file + ": cannot count measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IOException(file + ": cannot close the collector database (" + e.getMessage() + ")", e);
    }
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // nothing more to undo on a broken connection
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing with a better message
      }
    }
  }
}
