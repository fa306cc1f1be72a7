package org.kuzet.schema.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbered SQL migrations of the local results store, bundled as resources next to this class
 * ({@code V1__init.sql}, {@code V2__upload_queue.sql}, …). Migration N takes a database from schema version N-1
 * to N; the version is kept in SQLite's {@code PRAGMA user_version}. Applying them is the store's job: this class
 * only names and reads them.
 */
public final class SchemaMigrations {
  /** In order; a new migration is a new file here and a new name in this list, never an edit of an old one. */
  private static final List<String> FILES = List.of("V1__init.sql", "V2__upload_queue.sql",
      "V3__imported_runs.sql", "V4__run_networks.sql", "V5__run_failure.sql");

  private static final Pattern NAME = Pattern.compile("V(\\d+)__([a-z0-9_]+)\\.sql");

  /** One migration: its version, its file name and its statements in order. */
  public record Migration(int version, String fileName, List<String> statements) {}

  private SchemaMigrations() {}

  /** The schema version this build writes. */
  public static int latestVersion() {
    return FILES.size();
  }

  /** Every migration, version 1 first. */
  public static List<Migration> all() {
    List<Migration> out = new ArrayList<>();
    for (String file : FILES) {
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("migration file name " + file + " is not V<n>__<name>.sql");
      }
      int version = Integer.parseInt(m.group(1));
      if (version != out.size() + 1) {
        throw new IllegalStateException("migration " + file + " is out of sequence; expected V" + (out.size() + 1));
      }
      out.add(new Migration(version, file, statements(read(file))));
    }
    return List.copyOf(out);
  }

  /** The migrations after {@code fromVersion}, in order. */
  public static List<Migration> after(int fromVersion) {
    return all().stream().filter(m -> m.version() > fromVersion).toList();
  }

  private static String read(String file) {
    try (InputStream in = SchemaMigrations.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration " + file, e);
    }
  }

  /** Splits a script at a ';' ending a line, after dropping '--' comment lines (our scripts have no triggers). */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1).strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("migration script ends without ';': " + current.toString().strip());
    }
    return out;
  }
}
