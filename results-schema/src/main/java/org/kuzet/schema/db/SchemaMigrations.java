package org.kuzet.schema.db;

import java.util.List;

/**
 * The numbered SQL migrations of the local results store, bundled as resources next to this class
 * ({@code V1__init.sql}, {@code V2__upload_queue.sql}, …): a {@link MigrationSet}. Migration N takes a database from
 * schema version N-1 to N; the version is kept in SQLite's {@code PRAGMA user_version}. Applying them is the store's
 * job: this class only names and reads them.
 */
public final class SchemaMigrations {
  /** In order; a new migration is a new file here and a new name in this list, never an edit of an old one. */
  public static final MigrationSet RESULTS = new MigrationSet(SchemaMigrations.class, "", List.of("V1__init.sql",
      "V2__upload_queue.sql", "V3__imported_runs.sql", "V4__run_networks.sql", "V5__run_failure.sql"));

  /** One migration: its version, its file name and its statements in order. */
  public record Migration(int version, String fileName, List<String> statements) {}

  private SchemaMigrations() {}

  /** The schema version this build writes. */
  public static int latestVersion() {
    return RESULTS.latestVersion();
  }

  /** Every migration, version 1 first. */
  public static List<Migration> all() {
    return RESULTS.all().stream().map(m -> new Migration(m.version(), m.fileName(), m.statements())).toList();
  }

  /** The migrations after {@code fromVersion}, in order. */
  public static List<Migration> after(int fromVersion) {
    return all().stream().filter(m -> m.version() > fromVersion).toList();
  }

  /** Splits a script at a ';' ending a line, after dropping '--' comment lines (our scripts have no triggers). */
  static List<String> statements(String script) {
    return MigrationSet.statements(script);
  }
}
