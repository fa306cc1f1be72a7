package org.kuzet.agent.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.kuzet.agent.i18n.Text;
import org.kuzet.schema.db.SchemaMigrations;
import org.sqlite.SQLiteConfig;

/**
 * The one SQLite connection of a results store: opening (refusing foreign, damaged and newer files, see
 * {@link DatabaseChecks}), migrating with results-schema's {@link SchemaMigrations}, read and write transactions,
 * and SQLite errors turned into {@link StoreException}s a person can act on ({@link SqliteErrors}). The per-concern
 * classes ({@link Runs}, {@link Measurements}, …) hold no state of their own and do all their SQL through
 * {@link #read} and {@link #write}.
 *
 * <p>Every write is one {@code BEGIN IMMEDIATE} transaction, so a process killed at any point leaves each
 * measurement either stored whole (and queued for upload) or not at all. WAL mode lets analysts read while the
 * probe writes; a second writer waits up to the busy timeout, then gets a {@link StoreException} that says so.
 * One connection per database; {@link #read} and {@link #write} are synchronized on it, so the run loop and the
 * uploader can share a store.
 */
public final class Database implements AutoCloseable {
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

  private final Path file;
  private final Connection db;
  private final boolean readOnly;
  private final Duration busyTimeout;

  private Database(Path file, Connection db, boolean readOnly, Duration busyTimeout) {
    this.file = file;
    this.db = db;
    this.readOnly = readOnly;
    this.busyTimeout = busyTimeout;
  }

  /** SQL run inside {@link #read} or {@link #write}, on the database's connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  // ---------------------------------------------------------------- opening

  /** Opens (creating it and its directories, 0700, if absent) and migrates the database at {@code file}. */
  static Database open(Path file, Duration busyTimeout) {
    Path path = file.toAbsolutePath();
    if (Files.isDirectory(path)) {
      throw new StoreException(Text.of("store.directory", path));
    }
    boolean fresh = !Files.exists(path);
    if (fresh) {
      try {
        StorePaths.createPrivateDirectories(path.getParent());
        StorePaths.createPrivateFile(path);
      } catch (IOException e) {
        throw new StoreException(Text.of("store.cannotCreate", path, SqliteErrors.describe(e)), e);
      }
    } else {
      DatabaseChecks.checkHeader(path);
    }
    Connection c = connect(path, busyTimeout, false);
    try {
      int version = userVersion(c);
      DatabaseChecks.refuseForeignOrNewer(c, path, version);
      if (!fresh) {
        // Before the first write (even journal_mode writes the header): a damaged file is refused untouched, not
        // half written to until a write happens to reach the damaged page.
        DatabaseChecks.refuseDamaged(c, path);
      }
      try (Statement s = c.createStatement()) {
        // Before any transaction: journal_mode cannot change inside one.
        s.execute("PRAGMA journal_mode = WAL");
        // FULL: a commit survives power loss too, not only a killed process; nothing measured may be lost.
        s.execute("PRAGMA synchronous = FULL");
      }
      // Foreign keys are off while migrations rebuild tables (SQLite's procedure; checked before the commit).
      migrate(c, version);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA foreign_keys = ON");
      }
      return new Database(path, c, false, busyTimeout);
    } catch (SQLException e) {
      closeQuietly(c);
      throw SqliteErrors.translate(e, path, busyTimeout, "open", true);
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
  static Database openReadOnly(Path file) {
    Path path = file.toAbsolutePath();
    if (!Files.exists(path)) {
      throw new StoreException(Text.of("store.none", path));
    }
    if (Files.isDirectory(path)) {
      throw new StoreException(Text.of("store.directory", path));
    }
    DatabaseChecks.checkHeader(path);
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
        DatabaseChecks.refuseUnreadableWal(path);
        c = connectImmutable(path);
        immutable = true;
        version = userVersion(c);
      }
      DatabaseChecks.refuseForeignOrNewer(c, path, version);
      if (version < SchemaMigrations.latestVersion()) {
        if (immutable) {
          throw new StoreException(Text.of("store.olderReadOnly", path));
        }
        closeQuietly(c);
        open(path, DEFAULT_BUSY_TIMEOUT).close();
        c = connect(path, DEFAULT_BUSY_TIMEOUT, true);
      }
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = ON");
      }
      return new Database(path, c, true, DEFAULT_BUSY_TIMEOUT);
    } catch (SQLException e) {
      closeQuietly(c);
      throw SqliteErrors.translate(e, path, DEFAULT_BUSY_TIMEOUT, "open", true);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** The schema version of the database at {@code file} (0 for an empty file); for tests and diagnostics. */
  static int schemaVersion(Path file) {
    DatabaseChecks.checkHeader(file);
    Connection c = connect(file, DEFAULT_BUSY_TIMEOUT, true);
    try {
      return userVersion(c);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, file, DEFAULT_BUSY_TIMEOUT, "open", true);
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
      throw SqliteErrors.translate(e, path, busyTimeout, "open", true);
    }
  }

  /** Read-only and without locks or -shm/-wal files: for a file nobody can be writing (its directory is read-only). */
  private static Connection connectImmutable(Path path) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try {
      return config.createConnection("jdbc:sqlite:" + path.toUri() + "?immutable=1");
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, path, DEFAULT_BUSY_TIMEOUT, "open", true);
    }
  }

  static int userVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt("user_version") : 0;
    }
  }

  /** Applies the missing migrations in one transaction, with the version bump; all or nothing. */
  private static void migrate(Connection c, int observedVersion) throws SQLException {
    if (observedVersion == SchemaMigrations.latestVersion()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        int version = userVersion(c); // another process may have migrated meanwhile
        for (SchemaMigrations.Migration m : SchemaMigrations.after(version)) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
        }
        try (ResultSet orphans = s.executeQuery("PRAGMA foreign_key_check")) {
          if (orphans.next()) {
            throw new SQLException("migration left a row of " + orphans.getString("table") + " without its "
                + orphans.getString("parent") + " row");
          }
        }
        s.execute("PRAGMA user_version = " + SchemaMigrations.latestVersion());
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- use

  public Path file() {
    return file;
  }

  public boolean readOnly() {
    return readOnly;
  }

  public int schemaVersion() {
    return read("read the schema version", Database::userVersion);
  }

  /**
   * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction: committed when it returns, rolled back when it
   * throws. A duplicate measurement UID becomes a {@link StoreException} that says so, a missing run an
   * {@link IllegalArgumentException} (a caller's bug), every other SQLite error a {@link StoreException}.
   *
   * @param what what is being done, for the message ("store measurement …")
   */
  synchronized <T> T write(String what, Work<T> work) {
    if (readOnly) {
      throw new IllegalStateException("cannot " + what + ": the store is open read-only");
    }
    try (Statement s = db.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      T result;
      try {
        result = work.run(db);
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(db);
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
      throw SqliteErrors.translate(e, file, busyTimeout, what, false);
    }
  }

  /** Runs {@code work} outside a write transaction (each statement sees one snapshot), SQLite errors translated. */
  synchronized <T> T read(String what, Work<T> work) {
    try {
      return work.run(db);
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, file, busyTimeout, what, readOnly);
    }
  }

  /** As {@link #read}, leaving the SQLite error to the caller (analysts' SQL, whose errors are theirs). */
  synchronized <T> T readUntranslated(Work<T> work) throws SQLException {
    return work.run(db);
  }

  /** The error of a failed {@link #readUntranslated} that is about the file (locked, damaged), not the SQL. */
  StoreException fileError(SQLException e, String what) {
    return SqliteErrors.translate(e, file, busyTimeout, what, true);
  }

  private static void rollbackQuietly(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // No transaction was open (BEGIN itself failed); nothing to undo.
    }
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
