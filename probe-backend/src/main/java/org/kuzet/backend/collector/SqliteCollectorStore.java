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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kuzet.schema.db.MigrationSet;

/**
 * The collector's SQLite database: one table, {@code measurements}, keyed by UID, its schema made by the numbered
 * migrations in {@code resources/org/kuzet/backend/collector/sqlite} ({@link #MIGRATIONS}). WAL mode, so readers (an
 * analyst's {@code sqlite3}) never block uploads; one connection and one transaction per batch, so a batch is
 * stored whole or not at all.
 *
 * <p>There is no column for the uploader's address, by design: see {@link CollectorStore}.
 */
public final class SqliteCollectorStore implements CollectorStore {
  /** {@code PRAGMA application_id} of a collector database ("kzcl"), so another SQLite file is never written. */
  public static final int APPLICATION_ID = 0x6b7a636c;
  /** The collector's SQLite schema; the version is kept in {@code PRAGMA user_version}. */
  static final MigrationSet MIGRATIONS = new MigrationSet(SqliteCollectorStore.class, "sqlite",
      List.of("V1__init.sql", "V2__asn_day_index.sql", "V3__domain.sql"));
  private static final System.Logger LOG = System.getLogger(SqliteCollectorStore.class.getName());

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
      identify(file, db);
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL"); // with WAL: durable at checkpoints, never corrupt
      }
      migrate(db);
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
      if (version > MIGRATIONS.latestVersion()) {
        throw new IOException(file + " was written by a newer kuzet (schema " + version + ", this one knows "
            + MIGRATIONS.latestVersion() + "); upgrade kuzet");
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

  /**
   * Applies the migrations after the file's version in one {@code BEGIN IMMEDIATE} transaction with the version
   * bump (and, on a new file, the application id): all or nothing, and a second collector opening the same file
   * meanwhile waits, then finds it migrated.
   */
  private static void migrate(Connection db) throws SQLException {
    if (pragma(db, "user_version") == MIGRATIONS.latestVersion()) {
      return;
    }
    try (Statement s = db.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        int version = pragma(db, "user_version");
        for (MigrationSet.Migration m : MIGRATIONS.after(version)) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
        }
        s.execute("PRAGMA application_id = " + APPLICATION_ID);
        s.execute("PRAGMA user_version = " + MIGRATIONS.latestVersion());
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          s.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // the first failure is the one to report
        }
        throw e;
      }
    }
  }

  /** The schema version of the open database. */
  int schemaVersion() throws SQLException {
    return pragma(db, "user_version");
  }

  private static int pragma(Connection db, String name) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getInt(name) : 0;
    }
  }

  private static List<String> tables(Connection db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
             + " AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        out.add(rs.getString("name"));
      }
    }
    return out;
  }

  @Override
  public synchronized List<Outcome> store(List<ReceivedMeasurement> batch) throws IOException {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    Map<String, ReceivedMeasurement> inBatch = new HashMap<>();
    try {
      db.setAutoCommit(false);
      try (PreparedStatement find = db.prepareStatement(
               "SELECT key_id, measurement FROM measurements WHERE uid = ?");
           PreparedStatement insert = db.prepareStatement(
               "INSERT INTO measurements (uid, key_id, received_at, measurement, signature, input, probe_cc,"
                   + " probe_asn, measurement_start_time, verdict, signals, domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (ReceivedMeasurement m : batch) {
          ReceivedMeasurement earlier = inBatch.get(m.uid());
          if (earlier != null) {
            outcomes.add(judge(earlier.keyId(), earlier.measurementJson(), m));
            continue;
          }
          find.setString(1, m.uid());
          try (ResultSet rs = find.executeQuery()) {
            if (rs.next()) {
              outcomes.add(judge(rs.getString("key_id"), rs.getString("measurement"), m));
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

  private Outcome judge(String keyId, String measurementJson, ReceivedMeasurement m) {
    if (Objects.equals(keyId, m.keyId()) && Objects.equals(measurementJson, m.measurementJson())) {
      return Outcome.DUPLICATE;
    }
    // The key ids are public (every upload carries one); the uid is the probe's own: neither says where it is.
    LOG.log(System.Logger.Level.WARNING, "uid conflict: {0} is stored (key {1}); a different measurement under the"
        + " same uid from key {2} was rejected, the stored one kept", m.uid(), keyId, m.keyId());
    return Outcome.CONFLICT;
  }

  private static void bind(PreparedStatement insert, ReceivedMeasurement m) throws SQLException {
    ReceivedMeasurement.Summary s = m.summary();
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
    insert.setString(12, FastpathRow.domain(s.input()));
  }

  @Override
  public synchronized void export(LocalDateTime since, Sink sink) throws IOException {
    try (PreparedStatement q = db.prepareStatement("SELECT uid, key_id, received_at, measurement, signature"
        + " FROM measurements WHERE measurement_start_time >= ? ORDER BY measurement_start_time, uid")) {
      q.setString(1, FastpathRow.TIME.format(since));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          sink.accept(new Stored(rs.getString("uid"), rs.getString("key_id"), Instant.parse(rs.getString(
              "received_at")), rs.getString("measurement"), rs.getString("signature")));
        }
      }
    } catch (SQLException e) {
      throw new IOException(file + ": cannot read measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public synchronized List<NetworkDay> blockedPerNetworkPerDay(LocalDateTime from, LocalDateTime to)
      throws IOException {
    NetworkDays days = new NetworkDays();
    try (PreparedStatement q = db.prepareStatement("SELECT substr(measurement_start_time, 1, 10) AS day, probe_asn,"
        + " verdict = 'blocked' AS blocked, signals, count(*) AS n FROM measurements"
        + " WHERE measurement_start_time >= ? AND measurement_start_time < ?"
        + " GROUP BY day, probe_asn, blocked, signals")) {
      q.setString(1, FastpathRow.TIME.format(from));
      q.setString(2, FastpathRow.TIME.format(to));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String signals = rs.getString("signals");
          days.add(LocalDate.parse(rs.getString("day")), rs.getString("probe_asn"), rs.getBoolean("blocked"),
              signals == null ? List.of() : List.of(signals.split(",")), rs.getLong("n"));
        }
      }
      return days.result();
    } catch (SQLException e) {
      throw new IOException(file + ": cannot read measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public synchronized List<DomainDay> domainHistory(String domain, LocalDateTime from, LocalDateTime to)
      throws IOException {
    List<DomainDay> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement("SELECT substr(measurement_start_time, 1, 10) AS day,"
        + " coalesce(verdict, '') AS verdict, count(*) AS n FROM measurements WHERE domain = ?"
        + " AND measurement_start_time >= ? AND measurement_start_time < ? GROUP BY day, verdict"
        + " ORDER BY day, verdict")) {
      q.setString(1, domain.toLowerCase(java.util.Locale.ROOT));
      q.setString(2, FastpathRow.TIME.format(from));
      q.setString(3, FastpathRow.TIME.format(to));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new DomainDay(LocalDate.parse(rs.getString("day")), rs.getString("verdict"), rs.getLong("n")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException(file + ": cannot read measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public synchronized long count() throws IOException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) AS n FROM measurements")) {
      return rs.next() ? rs.getLong("n") : 0;
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
