package org.kuzet.schema.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One store's numbered SQL migrations: {@code V1__init.sql}, {@code V2__…} bundled as resources in one directory of
 * the classpath. Migration N takes a database from schema version N-1 to N. The results store's set is
 * {@link SchemaMigrations}; the collector has its own (one for SQLite, one for PostgreSQL). Where the version is
 * kept and how the statements run is the store's job: this class only names, checks and reads them.
 *
 * @param anchor a class whose class loader finds the resources
 * @param directory the resource directory, absolute ({@code /org/kuzet/…/db}) or relative to {@code anchor}'s
 *     package ({@code ""} for the package itself)
 * @param files the file names in order; a new migration is a new file and a new name here, never an edit of an
 *     old one
 */
public record MigrationSet(Class<?> anchor, String directory, List<String> files) {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([a-z0-9_]+)\\.sql");

  /** One migration: its version, its file name and its statements in order. */
  public record Migration(int version, String fileName, List<String> statements) {}

  public MigrationSet {
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(directory, "directory");
    files = List.copyOf(files);
  }

  /** The schema version this build writes. */
  public int latestVersion() {
    return files.size();
  }

  /** Every migration, version 1 first. */
  public List<Migration> all() {
    List<Migration> out = new ArrayList<>();
    for (String file : files) {
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
  public List<Migration> after(int fromVersion) {
    return all().stream().filter(m -> m.version() > fromVersion).toList();
  }

  private String read(String file) {
    String path = directory.isEmpty() ? file : directory + "/" + file;
    try (InputStream in = anchor.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration " + path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration " + path, e);
    }
  }

  /**
   * Splits a script at a ';' ending a line, after dropping '--' comment lines (our scripts have no triggers and no
   * procedural blocks).
   */
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
