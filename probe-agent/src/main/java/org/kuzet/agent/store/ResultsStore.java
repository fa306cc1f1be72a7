package org.kuzet.agent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.kuzet.agent.upload.UploadQueue;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.db.SchemaMigrations;
import org.kuzet.targets.Target;
import org.sqlite.SQLiteConfig;

/**
 * The local results database (SQLite): runs, measurements with their upload state, connectivity events and
 * settings. Opening applies the schema migrations of {@link SchemaMigrations}; a file that is not a kuzet
 * database, is damaged, or comes from a newer kuzet is refused and left exactly as it was.
 *
 * <p>Every write is one {@code BEGIN IMMEDIATE} transaction, so a process killed at any point leaves each
 * measurement either stored whole (and queued for upload) or not at all. WAL mode lets analysts read while the
 * probe writes; a second writer waits up to the busy timeout, then gets a {@link StoreException} that says so.
 * One connection per store; methods are synchronized so the run loop and the uploader can share a store.
 */
public final class ResultsStore implements UploadQueue, AutoCloseable {
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final String MEASUREMENT_COLUMNS = "id, uid, run_id, input, target_list, category_code, start_time,"
      + " runtime, probe_asn, probe_cc, x_verdict, blocking, accessible, signals, upload_state, upload_attempts,"
      + " upload_error";

  private final Path file;
  private final Connection db;
  private final boolean readOnly;
  private final Duration busyTimeout;

  private ResultsStore(Path file, Connection db, boolean readOnly, Duration busyTimeout) {
    this.file = file;
    this.db = db;
    this.readOnly = readOnly;
    this.busyTimeout = busyTimeout;
  }

  // ---------------------------------------------------------------- opening

  /** Opens (creating it and its directories, 0700, if absent) and migrates the database at {@code file}. */
  public static ResultsStore open(Path file) {
    return open(file, DEFAULT_BUSY_TIMEOUT);
  }

  public static ResultsStore open(Path file, Duration busyTimeout) {
    Path path = file.toAbsolutePath();
    if (Files.isDirectory(path)) {
      throw new StoreException(path + " is a directory, not a database file");
    }
    boolean fresh = !Files.exists(path);
    if (fresh) {
      try {
        StorePaths.createPrivateDirectories(path.getParent());
        StorePaths.createPrivateFile(path);
      } catch (IOException e) {
        throw new StoreException("cannot create database " + path + ": " + describe(e), e);
      }
    } else {
      checkHeader(path);
    }
    Connection c = connect(path, busyTimeout, false);
    try {
      int version = userVersion(c);
      refuseForeignOrNewer(c, path, version);
      if (!fresh) {
        // Before the first write (even journal_mode writes the header): a damaged file is refused untouched, not
        // half written to until a write happens to reach the damaged page.
        refuseDamaged(c, path);
      }
      try (Statement s = c.createStatement()) {
        // Before any transaction: journal_mode cannot change inside one.
        s.execute("PRAGMA journal_mode = WAL");
        // FULL: a commit survives power loss too, not only a killed process; nothing measured may be lost.
        s.execute("PRAGMA synchronous = FULL");
      }
      ResultsStore store = new ResultsStore(path, c, false, busyTimeout);
      // Foreign keys are off while migrations rebuild tables (SQLite's procedure; checked before the commit).
      store.migrate(version);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA foreign_keys = ON");
      }
      return store;
    } catch (SQLException e) {
      closeQuietly(c);
      throw translate(e, path, busyTimeout, "open");
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /**
   * Opens an existing database for reading only (analysts' commands, {@code kuzet query}): the connection is
   * opened read-only and {@code query_only}, so no SQL can change the file. A database from an older kuzet is
   * migrated first (a short write, as any kuzet would do on open).
   */
  public static ResultsStore openReadOnly(Path file) {
    Path path = file.toAbsolutePath();
    if (!Files.exists(path)) {
      throw new StoreException("no database at " + path + " (run 'kuzet run --once' first, or pass --db FILE)");
    }
    if (Files.isDirectory(path)) {
      throw new StoreException(path + " is a directory, not a database file");
    }
    checkHeader(path);
    Connection c = connect(path, DEFAULT_BUSY_TIMEOUT, true);
    boolean immutable = false;
    try {
      int version;
      try {
        version = userVersion(c);
      } catch (SQLException e) {
        int code = e.getErrorCode() & 0xff;
        if (code != 14 /* SQLITE_CANTOPEN */ && code != 8 /* SQLITE_READONLY */) {
          throw e;
        }
        // A WAL database in a directory this process cannot write (a read-only mount, another user's files, a
        // copy on a CD): SQLite cannot create the -shm file even to read. Read the file as immutable, which needs
        // none, unless its -wal file holds changes that only a writable -shm lets SQLite read.
        closeQuietly(c);
        refuseUnreadableWal(path);
        c = connectImmutable(path);
        immutable = true;
        version = userVersion(c);
      }
      refuseForeignOrNewer(c, path, version);
      if (version < SchemaMigrations.latestVersion()) {
        if (immutable) {
          throw new StoreException(path + " was written by an older kuzet and must be upgraded once, which needs"
              + " write access to it and its directory; run a kuzet command that writes (e.g. 'kuzet status') as"
              + " the file's owner, or copy it to a writable directory");
        }
        closeQuietly(c);
        open(path).close();
        c = connect(path, DEFAULT_BUSY_TIMEOUT, true);
      }
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = ON");
      }
      return new ResultsStore(path, c, true, DEFAULT_BUSY_TIMEOUT);
    } catch (SQLException e) {
      closeQuietly(c);
      throw translate(e, path, DEFAULT_BUSY_TIMEOUT, "open");
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Read-only and without locks or -shm/-wal files: for a file nobody can be writing (its directory is read-only). */
  private static Connection connectImmutable(Path path) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try {
      return config.createConnection("jdbc:sqlite:" + path.toUri() + "?immutable=1");
    } catch (SQLException e) {
      throw translate(e, path, DEFAULT_BUSY_TIMEOUT, "open");
    }
  }

  private static void refuseUnreadableWal(Path path) {
    Path wal = path.resolveSibling(path.getFileName() + "-wal");
    try {
      if (Files.exists(wal) && Files.size(wal) > 0) {
        throw new StoreException("cannot read database " + path + ": its directory is read-only and " + wal
            + " holds changes SQLite can read only with write access there; copy both files to a writable"
            + " directory, or read it as a user who may write there");
      }
    } catch (IOException e) {
      throw new StoreException("cannot read database " + path + ": " + describe(e), e);
    }
  }

  /** The schema version of the database at {@code file} (0 for an empty file); for tests and diagnostics. */
  public static int schemaVersion(Path file) {
    checkHeader(file);
    Connection c = connect(file, DEFAULT_BUSY_TIMEOUT, true);
    try {
      return userVersion(c);
    } catch (SQLException e) {
      throw translate(e, file, DEFAULT_BUSY_TIMEOUT, "open");
    } finally {
      closeQuietly(c);
    }
  }

  private static Connection connect(Path path, Duration busyTimeout, boolean readOnly) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    config.setReadOnly(readOnly);
    try {
      return config.createConnection("jdbc:sqlite:" + path);
    } catch (SQLException e) {
      throw translate(e, path, busyTimeout, "open");
    }
  }

  /** Refuses, without writing a byte, anything whose first 16 bytes are not SQLite's (an empty file is fine). */
  private static void checkHeader(Path path) {
    try {
      if (!Files.isReadable(path)) {
        throw new StoreException("cannot read database " + path + ": permission denied");
      }
      if (Files.size(path) == 0) {
        return;
      }
      byte[] head;
      try (InputStream in = Files.newInputStream(path)) {
        head = in.readNBytes(SQLITE_HEADER.length);
      }
      if (!Arrays.equals(head, SQLITE_HEADER)) {
        throw new StoreException(path + " is not an SQLite database (damaged, or another kind of file); kuzet left"
            + " it untouched: move it aside or pass --db FILE to use another database");
      }
    } catch (IOException e) {
      throw new StoreException("cannot read database " + path + ": " + describe(e), e);
    }
  }

  private static int userVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** The tables every kuzet results database has had since schema version 1. */
  private static final List<String> KUZET_TABLES = List.of("settings", "runs", "measurements",
      "connectivity_events");

  /**
   * Says what a file that is not a usable kuzet results database is, in this order: a kuzet collector's database,
   * one from a newer kuzet (kuzet's tables with a higher schema version), another application's (SQLite, but not
   * kuzet's tables), or an empty one (fine: it becomes kuzet's). Never writes.
   */
  private static void refuseForeignOrNewer(Connection c, Path path, int version) throws SQLException {
    int latest = SchemaMigrations.latestVersion();
    int applicationId;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA application_id")) {
      applicationId = rs.next() ? rs.getInt(1) : 0;
    }
    if (applicationId == org.kuzet.backend.collector.SqliteCollectorStore.APPLICATION_ID) {
      throw new StoreException(path + " is a kuzet collector database, not a probe's results database; kuzet left"
          + " it untouched: serve it with 'kuzet collector --db " + path + "', or pass --db FILE to use another"
          + " database");
    }
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
            + " AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    if (tables.isEmpty() && version == 0) {
      return; // an empty database: kuzet's first migration makes it a results database
    }
    if (applicationId != 0 || !tables.containsAll(KUZET_TABLES)) {
      throw new StoreException(path + " is an SQLite database but not a kuzet one (" + (tables.isEmpty()
          ? "no tables" : "tables: " + String.join(", ", tables.stream().limit(8).toList())
          + (tables.size() > 8 ? ", …" : "")) + "); kuzet left it untouched: pass --db FILE to use another"
          + " database");
    }
    if (version > latest) {
      throw new StoreException(path + " was written by a newer kuzet (schema version " + version
          + "; this kuzet knows up to " + latest + "): upgrade kuzet, or pass --db FILE to use another database");
    }
    if (version == 0) {
      throw new StoreException(path + " has kuzet's tables but no schema version (damaged, or made by hand);"
          + " kuzet left it untouched: pass --db FILE to use another database");
    }
  }

  /**
   * SQLite's {@code quick_check} (every page read once, without the slower cross-checks of indexes against tables):
   * a damaged page anywhere is found here, before anything is measured or written.
   */
  private static void refuseDamaged(Connection c, Path path) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check(1)")) {
      String first = rs.next() ? rs.getString(1) : "ok";
      if (!"ok".equalsIgnoreCase(first)) {
        throw new StoreException(damaged(path, first, true));
      }
    }
  }

  private static String damaged(Path path, String reason, boolean untouched) {
    return "database " + path + " is damaged (" + reason + "); " + (untouched ? "kuzet left it untouched: " : "")
        + "keep a copy and pass --db FILE to start a new database";
  }

  /** Applies the missing migrations in one transaction, with the version bump; all or nothing. */
  private void migrate(int observedVersion) throws SQLException {
    if (observedVersion == SchemaMigrations.latestVersion()) {
      return;
    }
    try (Statement s = db.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        int version = userVersion(db); // another process may have migrated meanwhile
        for (SchemaMigrations.Migration m : SchemaMigrations.after(version)) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
        }
        try (ResultSet orphans = s.executeQuery("PRAGMA foreign_key_check")) {
          if (orphans.next()) {
            throw new SQLException("migration left a row of " + orphans.getString(1) + " without its "
                + orphans.getString(3) + " row");
          }
        }
        s.execute("PRAGMA user_version = " + SchemaMigrations.latestVersion());
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        throw e;
      }
    }
  }

  public Path file() {
    return file;
  }

  public int schemaVersion() {
    return read("read the schema version", () -> userVersion(db));
  }

  // ---------------------------------------------------------------- runs

  /** Starts a run now; see {@link #beginRun(Trigger, String, String, NetworkState, Instant)}. */
  public long beginRun(Trigger trigger, String campaign, String softwareVersion, NetworkState connectivity) {
    return beginRun(trigger, campaign, softwareVersion, connectivity, Instant.now());
  }

  /**
   * Records the start of a run and returns its id.
   *
   * @param campaign the campaign's name for {@link Trigger#CAMPAIGN}, else null
   * @param connectivity what the connectivity check before the run found, or null when none was made
   */
  public synchronized long beginRun(Trigger trigger, String campaign, String softwareVersion,
      NetworkState connectivity, Instant startedAt) {
    if (trigger == Trigger.CAMPAIGN && (campaign == null || campaign.isBlank())) {
      throw new IllegalArgumentException("a campaign run needs the campaign's name");
    }
    return write("start a run", () -> {
      try (PreparedStatement p = db.prepareStatement("INSERT INTO runs (started_at, trigger, campaign,"
          + " software_version, connectivity) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        p.setString(1, StoreTimes.format(startedAt));
        p.setString(2, trigger.wire());
        p.setString(3, campaign);
        p.setString(4, softwareVersion);
        p.setString(5, connectivity == null ? null : connectivity.wire());
        p.executeUpdate();
        return generatedId(p);
      }
    });
  }

  /** Records what the connectivity check found, when it ran after {@link #beginRun}. */
  public synchronized void setRunConnectivity(long runId, NetworkState connectivity) {
    write("update run " + runId, () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE runs SET connectivity = ? WHERE id = ?")) {
        p.setString(1, connectivity == null ? null : connectivity.wire());
        p.setLong(2, runId);
        requireOneRow(p.executeUpdate(), "run " + runId);
      }
      return null;
    });
  }

  /** Marks the run finished. A run never finished (the process was killed) keeps {@code ended_at} null. */
  public synchronized void finishRun(long runId, Instant endedAt) {
    write("finish run " + runId, () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE runs SET ended_at = ? WHERE id = ?")) {
        p.setString(1, StoreTimes.format(endedAt));
        p.setLong(2, runId);
        requireOneRow(p.executeUpdate(), "run " + runId);
      }
      return null;
    });
  }

  /**
   * Records a run that could not be carried out (its target list vanished, became unreadable or invalid): started
   * and ended at once, nothing measured, {@code failure} saying why in words a volunteer can act on.
   */
  public synchronized long recordFailedRun(Trigger trigger, String campaign, String softwareVersion,
      NetworkState connectivity, Instant startedAt, Instant endedAt, String failure) {
    long id = beginRun(trigger, campaign, softwareVersion, connectivity, startedAt);
    failRun(id, endedAt, failure);
    return id;
  }

  /** Closes a run that failed part-way, with why. */
  public synchronized void failRun(long runId, Instant endedAt, String failure) {
    java.util.Objects.requireNonNull(failure, "failure");
    write("record the failure of run " + runId, () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE runs SET ended_at = ?, failure = ? WHERE id = ?")) {
        p.setString(1, StoreTimes.format(endedAt));
        p.setString(2, failure);
        p.setLong(3, runId);
        requireOneRow(p.executeUpdate(), "run " + runId);
      }
      return null;
    });
  }

  public synchronized Optional<RunRecord> lastRun() {
    return read("read the last run", () -> runWhere("ORDER BY id DESC LIMIT 1", null));
  }

  public synchronized Optional<RunRecord> run(long id) {
    return read("read run " + id, () -> runWhere("WHERE id = ?", id));
  }

  private Optional<RunRecord> runWhere(String clause, Long id) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT id, started_at, ended_at, trigger, campaign,"
        + " software_version, probe_asn, probe_cc, connectivity, measurement_count, blocked_count,"
        + " probe_network_name, resolver_asn, resolver_network_name, failure FROM runs " + clause)) {
      if (id != null) {
        p.setLong(1, id);
      }
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String connectivity = rs.getString(9);
        return Optional.of(new RunRecord(rs.getLong(1), StoreTimes.parse(rs.getString(2)),
            StoreTimes.parse(rs.getString(3)), Trigger.fromWire(rs.getString(4)), rs.getString(5), rs.getString(6),
            rs.getString(7), rs.getString(8), rs.getString(12), rs.getString(13), rs.getString(14),
            connectivity == null ? null : networkState(connectivity), rs.getLong(10), rs.getLong(11),
            rs.getString(15)));
      }
    }
  }

  // ---------------------------------------------------------------- measurements

  /**
   * Stores a measurement of {@code target}, from the list named {@code targetList} (e.g. "kz", a file name,
   * "command line"); see {@link #save(long, String, String, String, Measurement)}.
   */
  public long save(long runId, Target target, String targetList, Measurement m) {
    return save(runId, target.url(), targetList, target.categoryCode(), m);
  }

  /**
   * Stores one measurement and queues it for upload ({@code upload_state = 'pending'}), in one transaction
   * that also counts it in its run. Returns the row id.
   *
   * @param url the target's URL as listed (the measurement's {@code input})
   * @param targetList where the target came from (a list name, a file), or null
   * @param categoryCode the target's Citizen Lab category code, or null
   * @throws StoreException when the UID is already stored, the run does not exist, or the database is locked
   */
  public synchronized long save(long runId, String url, String targetList, String categoryCode, Measurement m) {
    return insert(runId, url, targetList, categoryCode, m, "pending");
  }

  /**
   * Stores a measurement recorded elsewhere (OONI's, another probe's export) with this kuzet's analysis, in a run
   * of {@link Trigger#IMPORTED}: {@code upload_state = 'local'}, so it is never uploaded as this probe's.
   */
  public synchronized long saveImported(long runId, String url, String targetList, Measurement m) {
    return insert(runId, url, targetList, null, m, "local");
  }

  private long insert(long runId, String url, String targetList, String categoryCode, Measurement m,
      String uploadState) {
    TestKeys k = m.testKeys();
    String json = MeasurementJson.toLine(m);
    boolean blocked = k.xVerdict() == Verdict.BLOCKED;
    return write("store measurement " + m.measurementUid(), () -> {
      long id;
      try (PreparedStatement p = db.prepareStatement("INSERT INTO measurements (uid, run_id, report_id, input,"
          + " target_list, category_code, start_time, runtime, probe_asn, probe_cc, x_verdict, blocking, accessible,"
          + " signals, measurement_json, upload_state, upload_attempts)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", Statement.RETURN_GENERATED_KEYS)) {
        p.setString(1, m.measurementUid());
        p.setLong(2, runId);
        p.setString(3, m.reportId());
        p.setString(4, url == null ? m.input() : url);
        p.setString(5, targetList);
        p.setString(6, categoryCode);
        p.setString(7, m.measurementStartTime());
        p.setDouble(8, m.testRuntime());
        p.setString(9, m.probeAsn());
        p.setString(10, m.probeCc());
        p.setString(11, k.xVerdict() == null ? null : k.xVerdict().wire());
        p.setString(12, k.blocking() == null ? null : k.blocking().toString());
        if (k.accessible() == null) {
          p.setNull(13, Types.INTEGER);
        } else {
          p.setInt(13, k.accessible() ? 1 : 0);
        }
        p.setString(14, signalsJson(k.xSignals()));
        p.setString(15, json);
        p.setString(16, uploadState);
        p.executeUpdate();
        id = generatedId(p);
      }
      try (PreparedStatement p = db.prepareStatement("UPDATE runs SET measurement_count = measurement_count + 1,"
          + " blocked_count = blocked_count + ?, probe_asn = coalesce(probe_asn, ?), probe_cc = coalesce(probe_cc, ?),"
          + " probe_network_name = coalesce(probe_network_name, ?), resolver_asn = coalesce(resolver_asn, ?),"
          + " resolver_network_name = coalesce(resolver_network_name, ?) WHERE id = ?")) {
        p.setInt(1, blocked ? 1 : 0);
        p.setString(2, m.probeAsn());
        p.setString(3, m.probeCc());
        p.setString(4, m.probeNetworkName());
        p.setString(5, m.resolverAsn());
        p.setString(6, m.resolverNetworkName());
        p.setLong(7, runId);
        requireOneRow(p.executeUpdate(), "run " + runId);
      }
      return id;
    });
  }

  private static String signalsJson(List<Signal> signals) {
    if (signals == null || signals.isEmpty()) {
      return "[]";
    }
    try {
      return MeasurementJson.mapper().writeValueAsString(signals.stream().map(Signal::wire).toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The measurement with this UID, its JSON included. */
  public synchronized Optional<StoredMeasurement> byUid(String uid) {
    return read("read measurement " + uid, () -> {
      try (PreparedStatement p = db.prepareStatement("SELECT " + MEASUREMENT_COLUMNS
          + ", measurement_json FROM measurements WHERE uid = ?")) {
        p.setString(1, uid);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(row(rs, true)) : Optional.empty();
        }
      }
    });
  }

  /**
   * Measurements whose UID starts with {@code prefix}, or whose UID's random part (after the last {@code _}, as
   * {@code kuzet results} shows it in its ID column) does; at most {@code max}, newest first, without their JSON.
   */
  public synchronized List<StoredMeasurement> byUidPrefix(String prefix, int max) {
    return read("find measurement " + prefix, () -> {
      List<StoredMeasurement> out = new ArrayList<>();
      try (PreparedStatement p = db.prepareStatement("SELECT " + MEASUREMENT_COLUMNS + " FROM measurements"
          + " WHERE substr(uid, 1, length(?1)) = ?1 OR instr(uid, '_' || ?1) > 0"
          + " ORDER BY start_time DESC, id DESC")) {
        p.setString(1, prefix);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next() && out.size() < max) {
            StoredMeasurement m = row(rs, false);
            if (m.uid().startsWith(prefix) || tail(m.uid()).startsWith(prefix)) {
              out.add(m);
            }
          }
        }
      }
      return out;
    });
  }

  private static String tail(String uid) {
    return uid.substring(uid.lastIndexOf('_') + 1);
  }

  /** Measurements matching {@code filter}, newest first, without their JSON. */
  public synchronized List<StoredMeasurement> find(MeasurementFilter filter) {
    return read("list measurements", () -> {
      List<StoredMeasurement> out = new ArrayList<>();
      select(filter, false, "start_time DESC, id DESC", rs -> out.add(row(rs, false)));
      return out;
    });
  }

  /** Every measurement matching {@code filter}, oldest first, JSON included; streamed (exports of any size). */
  public synchronized void forEach(MeasurementFilter filter, Consumer<StoredMeasurement> action) {
    read("read measurements", () -> {
      select(filter, true, "start_time, id", rs -> action.accept(row(rs, true)));
      return null;
    });
  }

  private interface RowAction {
    void accept(ResultSet rs) throws SQLException;
  }

  private void select(MeasurementFilter f, boolean json, String order, RowAction action) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(MEASUREMENT_COLUMNS)
        .append(json ? ", measurement_json" : "").append(" FROM measurements WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.since() != null) {
      sql.append(" AND start_time >= ?");
      args.add(StoreTimes.format(f.since()));
    }
    if (f.until() != null) {
      sql.append(" AND start_time < ?");
      args.add(StoreTimes.format(f.until()));
    }
    if (f.urlPattern() != null) {
      sql.append(f.urlPattern().contains("*") ? " AND input GLOB ?" : " AND instr(input, ?) > 0");
      args.add(f.urlPattern());
    }
    if (f.verdict() != null) {
      sql.append(" AND x_verdict = ?");
      args.add(f.verdict().wire());
    }
    if (f.runId() != null) {
      sql.append(" AND run_id = ?");
      args.add(f.runId());
    }
    sql.append(" ORDER BY ").append(order);
    if (f.limit() != null) {
      sql.append(" LIMIT ?");
      args.add(f.limit());
    }
    try (PreparedStatement p = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          action.accept(rs);
        }
      }
    }
  }

  private static StoredMeasurement row(ResultSet rs, boolean json) throws SQLException {
    long runId = rs.getLong(3);
    Long run = rs.wasNull() ? null : runId;
    int accessible = rs.getInt(13);
    Boolean acc = rs.wasNull() ? null : accessible == 1;
    List<String> signals;
    try {
      signals = Arrays.asList(MeasurementJson.mapper().readValue(rs.getString(14), String[].class));
    } catch (JsonProcessingException e) {
      signals = List.of(rs.getString(14));
    }
    return new StoredMeasurement(rs.getLong(1), rs.getString(2), run, rs.getString(4), rs.getString(5),
        rs.getString(6), StoreTimes.parse(rs.getString(7)), rs.getDouble(8), rs.getString(9), rs.getString(10),
        rs.getString(11), rs.getString(12), acc, List.copyOf(signals), rs.getString(15), rs.getInt(16),
        rs.getString(17), json ? rs.getString(18) : null);
  }

  /** One point of a URL's timeline. */
  public record TimelinePoint(Instant startTime, String verdict, String uid) {}

  /** The analysts' query "timeline of one URL": its verdicts in [since, until), oldest first. */
  public synchronized List<TimelinePoint> timeline(String url, Instant since, Instant until) {
    return read("read the timeline of " + url, () -> {
      List<TimelinePoint> out = new ArrayList<>();
      try (PreparedStatement p = db.prepareStatement("SELECT start_time, x_verdict, uid FROM measurements"
          + " WHERE input = ? AND start_time >= ? AND start_time < ? ORDER BY start_time")) {
        p.setString(1, url);
        p.setString(2, StoreTimes.format(since));
        p.setString(3, StoreTimes.format(until));
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new TimelinePoint(StoreTimes.parse(rs.getString(1)), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return out;
    });
  }

  /**
   * How many of a run's measurements had each {@code test_keys.control_failure} (the key null for those the control
   * answered): what {@code kuzet status} says about the control's health.
   */
  public synchronized java.util.Map<String, Long> controlFailures(long runId) {
    return read("count control failures", () -> {
      java.util.Map<String, Long> out = new java.util.TreeMap<>(java.util.Comparator.nullsFirst(
          java.util.Comparator.naturalOrder()));
      try (PreparedStatement p = db.prepareStatement("SELECT json_extract(measurement_json,"
          + " '$.test_keys.control_failure') AS f, count(*) FROM measurements WHERE run_id = ? GROUP BY f")) {
        p.setLong(1, runId);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      return out;
    });
  }

  /** One cell of "blocked per category per day". */
  public record CategoryDay(String day, String categoryCode, long blocked) {}

  /** The analysts' query "blocked per category per day" over [since, until), by day then category. */
  public synchronized List<CategoryDay> blockedPerCategoryPerDay(Instant since, Instant until) {
    return read("count blocked per category per day", () -> {
      List<CategoryDay> out = new ArrayList<>();
      try (PreparedStatement p = db.prepareStatement("SELECT date(start_time) AS day, category_code, count(*)"
          + " FROM measurements WHERE x_verdict = 'blocked' AND start_time >= ? AND start_time < ?"
          + " GROUP BY day, category_code ORDER BY day, category_code")) {
        p.setString(1, StoreTimes.format(since));
        p.setString(2, StoreTimes.format(until));
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new CategoryDay(rs.getString(1), rs.getString(2), rs.getLong(3)));
          }
        }
      }
      return out;
    });
  }

  /**
   * What {@code kuzet status} shows: runs, measurements, blocked, the upload queue, the newest measurement time
   * and connectivity events. ({@link #counts()} is the upload queue's alone.)
   */
  public synchronized StoreCounts statusCounts() {
    return read("count stored results", () -> {
      long runs = scalarLong("SELECT count(*) FROM runs");
      long measurements = scalarLong("SELECT count(*) FROM measurements");
      long blocked = scalarLong("SELECT count(*) FROM measurements WHERE x_verdict = 'blocked'");
      long events = scalarLong("SELECT count(*) FROM connectivity_events");
      String last;
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT max(start_time) FROM measurements")) {
        last = rs.next() ? rs.getString(1) : null;
      }
      return new StoreCounts(runs, measurements, blocked, queueCounts(), StoreTimes.parse(last), events);
    });
  }

  private long scalarLong(String sql) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  // ---------------------------------------------------------------- connectivity events

  /**
   * Records that connectivity became {@code state} at {@code at}, closing the open event (if any) at the same
   * instant, in one transaction. Returns the new event's id.
   *
   * @param detailJson what the check saw (anchors reached, failures), as a JSON object; may be null
   */
  public synchronized long openConnectivityEvent(NetworkState state, Instant at, String detailJson) {
    if (detailJson != null) {
      try {
        JsonNode node = MeasurementJson.mapper().readTree(detailJson);
        if (node == null || !node.isObject()) {
          throw new IllegalArgumentException("connectivity detail must be a JSON object: " + detailJson);
        }
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("connectivity detail is not JSON: " + e.getOriginalMessage(), e);
      }
    }
    return write("record connectivity " + state.wire(), () -> {
      closeOpenEvent(at);
      try (PreparedStatement p = db.prepareStatement("INSERT INTO connectivity_events (state, started_at, detail)"
          + " VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        p.setString(1, state.wire());
        p.setString(2, StoreTimes.format(at));
        p.setString(3, detailJson);
        p.executeUpdate();
        return generatedId(p);
      }
    });
  }

  /** Ends the ongoing connectivity event at {@code at}; false when none was open. */
  public synchronized boolean closeConnectivityEvent(Instant at) {
    return write("close the connectivity event", () -> closeOpenEvent(at) > 0);
  }

  private int closeOpenEvent(Instant at) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("UPDATE connectivity_events SET ended_at = ? WHERE ended_at IS NULL")) {
      p.setString(1, StoreTimes.format(at));
      return p.executeUpdate();
    }
  }

  /**
   * Closes an event left open by a process that died (the service was killed, the machine lost power) at the last
   * moment anything is known to have happened: the newest of the event's start, the last run's start or end and
   * the newest measurement. {@code note} goes into the event's detail as {@code "closed"}. Returns the end used,
   * or empty when no event was open.
   */
  public synchronized Optional<Instant> closeConnectivityEventLeftOpen(String note) {
    return write("close the connectivity event left open", () -> {
      List<ConnectivityRecord> open = events("WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1");
      if (open.isEmpty()) {
        return Optional.<Instant>empty();
      }
      Instant end = open.get(0).startedAt();
      for (String sql : List.of("SELECT max(started_at) FROM runs", "SELECT max(ended_at) FROM runs",
          "SELECT max(start_time) FROM measurements")) {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
          Instant t = rs.next() ? StoreTimes.parse(rs.getString(1)) : null;
          if (t != null && t.isAfter(end)) {
            end = t;
          }
        }
      }
      try (PreparedStatement p = db.prepareStatement("UPDATE connectivity_events SET ended_at = ?,"
          + " detail = json_set(coalesce(detail, '{}'), '$.closed', ?) WHERE ended_at IS NULL")) {
        p.setString(1, StoreTimes.format(end));
        p.setString(2, note);
        p.executeUpdate();
      }
      return Optional.of(end);
    });
  }

  /** The ongoing connectivity event, if any. */
  public synchronized Optional<ConnectivityRecord> currentConnectivity() {
    return read("read connectivity", () -> {
      List<ConnectivityRecord> open = events("WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1");
      return open.isEmpty() ? Optional.empty() : Optional.of(open.get(0));
    });
  }

  /** The newest connectivity event, ongoing or ended, if any. */
  public synchronized Optional<ConnectivityRecord> lastConnectivity() {
    return read("read connectivity", () -> events("ORDER BY id DESC LIMIT 1").stream().findFirst());
  }

  /** Events overlapping [since, until) (null: unbounded), oldest first. */
  public synchronized List<ConnectivityRecord> connectivityEvents(Instant since, Instant until) {
    return read("read connectivity events", () -> events("WHERE (? IS NULL OR started_at < ?)"
        + " AND (? IS NULL OR ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id",
        StoreTimes.format(until), StoreTimes.format(until), StoreTimes.format(since), StoreTimes.format(since)));
  }

  private List<ConnectivityRecord> events(String clause, String... args) throws SQLException {
    List<ConnectivityRecord> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement("SELECT id, state, started_at, ended_at, detail"
        + " FROM connectivity_events " + clause)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new ConnectivityRecord(rs.getLong(1), networkState(rs.getString(2)),
              StoreTimes.parse(rs.getString(3)), StoreTimes.parse(rs.getString(4)), rs.getString(5)));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- settings

  public synchronized Optional<String> setting(String key) {
    return read("read setting " + key, () -> {
      try (PreparedStatement p = db.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
        p.setString(1, key);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  public synchronized void putSetting(String key, String value) {
    write("write setting " + key, () -> {
      try (PreparedStatement p = db.prepareStatement("INSERT INTO settings (key, value) VALUES (?, ?)"
          + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
        p.setString(1, key);
        p.setString(2, value);
        p.executeUpdate();
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- UploadQueue

  @Override
  public synchronized List<QueuedMeasurement> due(int max, Instant now) {
    return read("read the upload queue", () -> {
      List<QueuedMeasurement> out = new ArrayList<>();
      try (PreparedStatement p = db.prepareStatement("SELECT uid, measurement_json, upload_attempts FROM measurements"
          + " WHERE upload_state = 'pending' AND (next_upload_at IS NULL OR next_upload_at <= ?)"
          + " ORDER BY id LIMIT ?")) {
        p.setString(1, StoreTimes.format(now));
        p.setInt(2, max);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new QueuedMeasurement(rs.getString(1), rs.getString(2), rs.getInt(3)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public synchronized List<DueMeasurement> dueSizes(int max, Instant now) {
    return read("read the upload queue", () -> {
      List<DueMeasurement> out = new ArrayList<>();
      // octet_length: the size in bytes, without reading the JSON itself into memory.
      try (PreparedStatement p = db.prepareStatement("SELECT uid, octet_length(measurement_json), upload_attempts"
          + " FROM measurements WHERE upload_state = 'pending' AND (next_upload_at IS NULL OR next_upload_at <= ?)"
          + " ORDER BY id LIMIT ?")) {
        p.setString(1, StoreTimes.format(now));
        p.setInt(2, max);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new DueMeasurement(rs.getString(1), rs.getLong(2), rs.getInt(3)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public synchronized Optional<String> measurementJson(String uid) {
    return read("read measurement " + uid, () -> {
      try (PreparedStatement p = db.prepareStatement("SELECT measurement_json FROM measurements WHERE uid = ?")) {
        p.setString(1, uid);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  @Override
  public synchronized void markUploaded(Collection<String> uids, Instant at) {
    write("mark uploaded", () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE measurements SET upload_state = 'uploaded',"
          + " uploaded_at = ?, upload_error = NULL, next_upload_at = NULL WHERE uid = ?")) {
        for (String uid : uids) {
          p.setString(1, StoreTimes.format(at));
          p.setString(2, uid);
          requireOneRow(p.executeUpdate(), "queued measurement with UID " + uid);
        }
      }
      return null;
    });
  }

  @Override
  public synchronized void markRejected(String uid, String reason, Instant at) {
    write("mark rejected", () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE measurements SET upload_state = 'rejected',"
          + " upload_error = ?, next_upload_at = NULL WHERE uid = ?")) {
        p.setString(1, reason);
        p.setString(2, uid);
        requireOneRow(p.executeUpdate(), "queued measurement with UID " + uid);
      }
      return null;
    });
  }

  @Override
  public synchronized void markRetry(Collection<String> uids, String error, Instant nextAttempt) {
    write("schedule upload retry", () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE measurements SET upload_attempts = upload_attempts + 1,"
          + " upload_error = ?, next_upload_at = ? WHERE uid = ?")) {
        for (String uid : uids) {
          p.setString(1, error);
          p.setString(2, StoreTimes.formatCeiling(nextAttempt));
          p.setString(3, uid);
          requireOneRow(p.executeUpdate(), "queued measurement with UID " + uid);
        }
      }
      return null;
    });
  }

  @Override
  public synchronized int requeueRejected() {
    return write("requeue rejected measurements", () -> {
      try (Statement s = db.createStatement()) {
        return s.executeUpdate("UPDATE measurements SET upload_state = 'pending', next_upload_at = NULL"
            + " WHERE upload_state = 'rejected'");
      }
    });
  }

  /** What {@link #deleteOlderThan} removed. */
  public record Pruned(int measurements, int runs, int connectivityEvents) {}

  /**
   * The retention setting at work: deletes, in one transaction, the measurements that started before
   * {@code cutoff}, the runs left without measurements that ended before it, and the connectivity events that
   * ended before it. With {@code keepUnsent}, a measurement still waiting in the upload queue is kept whatever its
   * age (it has not reached anyone yet); without (upload off), it goes too.
   */
  public synchronized Pruned deleteOlderThan(Instant cutoff, boolean keepUnsent) {
    String before = StoreTimes.format(cutoff);
    return write("delete measurements older than " + before, () -> {
      int m;
      try (PreparedStatement p = db.prepareStatement("DELETE FROM measurements WHERE start_time < ?"
          + (keepUnsent ? " AND upload_state <> 'pending'" : ""))) {
        p.setString(1, before);
        m = p.executeUpdate();
      }
      int r;
      try (PreparedStatement p = db.prepareStatement("DELETE FROM runs WHERE ended_at IS NOT NULL AND ended_at < ?"
          + " AND NOT EXISTS (SELECT 1 FROM measurements WHERE run_id = runs.id)")) {
        p.setString(1, before);
        r = p.executeUpdate();
      }
      int c;
      try (PreparedStatement p = db.prepareStatement("DELETE FROM connectivity_events WHERE ended_at IS NOT NULL"
          + " AND ended_at < ?")) {
        p.setString(1, before);
        c = p.executeUpdate();
      }
      return new Pruned(m, r, c);
    });
  }

  /** Makes every pending measurement due now (a hand-started upload should not wait for a backoff); returns how many. */
  public synchronized int makePendingDueNow() {
    return write("make pending uploads due", () -> {
      try (Statement s = db.createStatement()) {
        return s.executeUpdate("UPDATE measurements SET next_upload_at = NULL WHERE upload_state = 'pending'"
            + " AND next_upload_at IS NOT NULL");
      }
    });
  }

  @Override
  public synchronized QueueCounts counts() {
    return read("count the upload queue", this::queueCounts);
  }

  private QueueCounts queueCounts() throws SQLException {
    long pending = 0;
    long uploaded = 0;
    long rejected = 0;
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT upload_state, count(*) FROM measurements GROUP BY upload_state")) {
      while (rs.next()) {
        switch (rs.getString(1)) {
          case "pending" -> pending = rs.getLong(2);
          case "uploaded" -> uploaded = rs.getLong(2);
          case "rejected" -> rejected = rs.getLong(2);
          default -> { }
        }
      }
    }
    return new QueueCounts(pending, uploaded, rejected);
  }

  // ---------------------------------------------------------------- analysts' SQL

  /**
   * Runs one analyst's SQL statement on this (read-only) store and returns at most {@code maxRows} rows.
   *
   * @throws StoreException for a write (refused) or an SQL error, with SQLite's message
   */
  public synchronized QueryResult query(String sql, int maxRows) {
    if (!readOnly) {
      throw new IllegalStateException("analysts' SQL runs only on a store opened with openReadOnly");
    }
    try (Statement s = db.createStatement()) {
      if (!s.execute(sql)) {
        return new QueryResult(List.of(), List.of(), false);
      }
      try (ResultSet rs = s.getResultSet()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          columns.add(md.getColumnLabel(i));
        }
        List<List<String>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
          if (rows.size() == maxRows) {
            truncated = true;
            break;
          }
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= columns.size(); i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
        return new QueryResult(columns, rows, truncated);
      }
    } catch (SQLException e) {
      int code = e.getErrorCode() & 0xff;
      if (code == 8 /* SQLITE_READONLY */) {
        throw new StoreException("the database is opened read-only: writes are refused (" + sqliteMessage(e) + ")", e);
      }
      if (code == 11 || code == 26 || code == 5) {
        throw translate(e, file, busyTimeout, "query");
      }
      throw new StoreException("SQL error: " + sqliteMessage(e), e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T write(String what, Work<T> work) {
    if (readOnly) {
      throw new IllegalStateException("cannot " + what + ": the store is open read-only");
    }
    try (Statement s = db.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      T result;
      try {
        result = work.run();
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        throw e;
      }
      return result;
    } catch (SQLException e) {
      if ((e.getErrorCode() & 0xff) == 19 /* SQLITE_CONSTRAINT */ && e.getMessage().contains("measurements.uid")) {
        throw new StoreException("cannot " + what + ": a measurement with this UID is already stored", e);
      }
      if ((e.getErrorCode() & 0xff) == 19 && e.getMessage().contains("FOREIGN KEY")) {
        throw new IllegalArgumentException("cannot " + what + ": no such run", e);
      }
      throw translate(e, file, busyTimeout, what, false);
    }
  }

  private <T> T read(String what, Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw translate(e, file, busyTimeout, what, readOnly);
    }
  }

  private void rollbackQuietly() {
    try (Statement s = db.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // No transaction was open (BEGIN itself failed); nothing to undo.
    }
  }

  private static long generatedId(PreparedStatement p) throws SQLException {
    try (ResultSet keys = p.getGeneratedKeys()) {
      if (!keys.next()) {
        throw new SQLException("no row id returned");
      }
      return keys.getLong(1);
    }
  }

  private static void requireOneRow(int updated, String what) {
    if (updated != 1) {
      throw new IllegalArgumentException("no " + what);
    }
  }

  private static NetworkState networkState(String wire) {
    for (NetworkState s : NetworkState.values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalStateException("unknown connectivity state '" + wire + "' in the database");
  }

  private static StoreException translate(SQLException e, Path path, Duration busyTimeout, String what) {
    return translate(e, path, busyTimeout, what, true);
  }

  /** {@code untouched}: whether nothing was written yet (opening, reading a read-only store), so it can be said. */
  private static StoreException translate(SQLException e, Path path, Duration busyTimeout, String what,
      boolean untouched) {
    int code = e.getErrorCode() & 0xff;
    String reason = sqliteMessage(e);
    return switch (code) {
      case 5, 6 -> new StoreException("database " + path + " is locked by another kuzet process (waited "
          + busyTimeout.toSeconds() + "s): try again when it has finished", e);
      // "Untouched" only where it is true: when opening (refused before any write) or reading.
      case 11, 26 -> new StoreException(damaged(path, reason, untouched), e);
      case 14 -> new StoreException("cannot open database " + path + " (" + reason + ")", e);
      case 8 -> new StoreException("cannot " + what + " in " + path + ": the file is read-only (" + reason + ")", e);
      case 13 -> new StoreException("cannot " + what + " in " + path + ": the disk is full", e);
      default -> new StoreException("cannot " + what + " in " + path + ": " + reason, e);
    };
  }

  /** SQLite's own detail: sqlite-jdbc writes "[CODE] generic text (detail)"; the detail is what helps. */
  private static String sqliteMessage(SQLException e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    m = m.replaceFirst("^\\[SQLITE_[A-Z_]+\\]\\s*", "");
    java.util.regex.Matcher detail = java.util.regex.Pattern.compile("^.*? \\((.+)\\)$").matcher(m);
    return detail.matches() ? detail.group(1) : m;
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory: " + e.getMessage();
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason() + (f.getFile() == null ? "" : ": " + f.getFile());
    }
    return e.getMessage() == null ? "input/output error" : e.getMessage();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing after a failure; the failure is what the person needs to see.
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly(db);
  }
}
