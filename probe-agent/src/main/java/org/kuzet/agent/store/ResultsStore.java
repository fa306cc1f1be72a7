package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Duration;
import org.kuzet.schema.db.SchemaMigrations;

/**
 * The local results database (SQLite): opens the {@link Database} and hands out one small class per concern, all
 * sharing its one connection and its transactions.
 *
 * <ul>
 *   <li>{@link #runs()}: runs started, finished or failed;
 *   <li>{@link #measurements()}: the probe's measurements, stored and queued in one transaction, and the analysts'
 *       reads over them;
 *   <li>{@link #imports()}: measurements recorded elsewhere, stored but never uploaded;
 *   <li>{@link #connectivity()}: the outage timeline;
 *   <li>{@link #settings()}: the probe's own small facts;
 *   <li>{@link #uploadQueue()}: the {@link org.kuzet.agent.upload.UploadQueue} the uploader drains;
 *   <li>{@link #retention()}: deleting what is older than the retention setting;
 *   <li>{@link #status()}: what {@code kuzet status} counts;
 *   <li>{@link #analystSql()}: an analyst's own SQL, on a store opened read-only.
 * </ul>
 *
 * Opening applies the schema migrations of {@link SchemaMigrations}; a file that is not a kuzet database, is
 * damaged, or comes from a newer kuzet is refused and left exactly as it was. Thread-safe: the run loop and the
 * uploader can share a store.
 */
public final class ResultsStore implements AutoCloseable {
  public static final Duration DEFAULT_BUSY_TIMEOUT = Database.DEFAULT_BUSY_TIMEOUT;

  private final Database db;
  private final Runs runs;
  private final Measurements measurements;
  private final Imports imports;
  private final ConnectivityEvents connectivity;
  private final Settings settings;
  private final StoredUploadQueue uploadQueue;
  private final Retention retention;
  private final Status status;
  private final AnalystSql analystSql;

  private ResultsStore(Database db) {
    this.db = db;
    this.runs = new Runs(db);
    this.measurements = new Measurements(db);
    this.imports = new Imports(db);
    this.connectivity = new ConnectivityEvents(db);
    this.settings = new Settings(db);
    this.uploadQueue = new StoredUploadQueue(db);
    this.retention = new Retention(db);
    this.status = new Status(db);
    this.analystSql = new AnalystSql(db);
  }

  /** Opens (creating it and its directories, 0700, if absent) and migrates the database at {@code file}. */
  public static ResultsStore open(Path file) {
    return open(file, DEFAULT_BUSY_TIMEOUT);
  }

  /** As {@link #open(Path)}, a second writer waiting up to {@code busyTimeout} for the first. */
  public static ResultsStore open(Path file, Duration busyTimeout) {
    return new ResultsStore(Database.open(file, busyTimeout));
  }

  /**
   * Opens an existing database for reading only (analysts' commands, {@code kuzet query}): no SQL can change the
   * file. A database from an older kuzet is migrated first (a short write, as any kuzet would do on open).
   */
  public static ResultsStore openReadOnly(Path file) {
    return new ResultsStore(Database.openReadOnly(file));
  }

  /** The schema version of the database at {@code file} (0 for an empty file); for tests and diagnostics. */
  public static int schemaVersion(Path file) {
    return Database.schemaVersion(file);
  }

  public Path file() {
    return db.file();
  }

  public int schemaVersion() {
    return db.schemaVersion();
  }

  public Database database() {
    return db;
  }

  public Runs runs() {
    return runs;
  }

  public Measurements measurements() {
    return measurements;
  }

  public Imports imports() {
    return imports;
  }

  public ConnectivityEvents connectivity() {
    return connectivity;
  }

  public Settings settings() {
    return settings;
  }

  public StoredUploadQueue uploadQueue() {
    return uploadQueue;
  }

  public Retention retention() {
    return retention;
  }

  public Status status() {
    return status;
  }

  public AnalystSql analystSql() {
    return analystSql;
  }

  @Override
  public void close() {
    db.close();
  }
}
