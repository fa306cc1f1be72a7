package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;

/**
 * An analyst reads a database they cannot write (a read-only mount, another user's files): results, query and
 * export work, and nothing is created beside the file (SQLite's -shm/-wal).
 *
 * <p>How the directory is made read-only: as an ordinary user, chmod. As root (the build's containers), chmod stops
 * nothing, so the copy goes on a tmpfs remounted read-only when this process may mount; when it may not, the tests
 * are skipped (the fallback they prove is SQLite's answer to a directory it cannot write, which root never gets).
 */
class ReadOnlyDatabaseTest {
  @TempDir Path dir;

  private Path mounted;
  private Path chmodded;

  @AfterEach
  void restore() throws Exception {
    if (mounted != null) {
      run("umount", mounted.toString());
    }
    if (chmodded != null) {
      Files.setPosixFilePermissions(chmodded, PosixFilePermissions.fromString("rwx------"));
      try (Stream<Path> files = Files.list(chmodded)) {
        for (Path f : files.toList()) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
      }
    }
  }

  private static boolean run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /** {@code files} copied into a directory this process cannot write. */
  private Path readOnlyDirectoryWith(Path... files) throws Exception {
    Path ro = dir.resolve("ro");
    Files.createDirectories(ro);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", ro.toString()),
          "running as root without permission to mount a read-only tmpfs");
      mounted = ro;
    }
    for (Path f : files) {
      Files.copy(f, ro.resolve(f.getFileName()));
    }
    if (root) {
      assumeTrue(run("mount", "-o", "remount,ro", ro.toString()), "cannot remount the tmpfs read-only");
    } else {
      for (Path f : files) {
        Files.setPosixFilePermissions(ro.resolve(f.getFileName()), PosixFilePermissions.fromString("r--r--r--"));
      }
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
      chmodded = ro;
    }
    assumeTrue(!isWritableInPractice(ro), "the directory is still writable");
    return ro;
  }

  private static boolean isWritableInPractice(Path directory) {
    try {
      Files.delete(Files.createTempFile(directory, "probe", ".tmp"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path database(int measurements) {
    Path db = dir.resolve("kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE,
          Instant.parse("2026-11-01T10:00:00Z"));
      for (int i = 0; i < measurements; i++) {
        Measurement m = TestMeasurements.blocked("https://site" + i + ".kz/",
            Instant.parse("2026-11-01T10:00:00Z").plusSeconds(i));
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
      }
    }
    return db;
  }

  private static List<String> listing(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void resultsQueryAndExportReadADatabaseInAReadOnlyDirectory() throws Exception {
    Path ro = readOnlyDirectoryWith(database(3));
    Path db = ro.resolve("kuzet.db");

    CliRun results = CliRun.of("results", "--db", db.toString());
    assertEquals(0, results.exit(), results.err());
    assertTrue(results.out().contains("https://site2.kz/"), results.out());

    CliRun query = CliRun.of("query", "SELECT count(*) AS n FROM measurements", "--db", db.toString());
    assertEquals(0, query.exit(), query.err());
    assertTrue(query.out().contains("3"), query.out());

    CliRun export = CliRun.of("export", "--db", db.toString());
    assertEquals(0, export.exit(), export.err());
    assertEquals(3, export.out().lines().count(), export.out());

    CliRun write = CliRun.of("query", "DELETE FROM measurements", "--db", db.toString());
    assertEquals(Main.EXIT_USAGE, write.exit(), write.err());
    assertEquals(List.of("kuzet.db"), listing(ro), "nothing created beside the database");
  }

  @Test
  void changesStillInTheWalFileAreNotSilentlySkipped() throws Exception {
    Path db = dir.resolve("kuzet.db");
    Path ro;
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE,
          Instant.parse("2026-11-01T10:00:00Z"));
      Measurement m = TestMeasurements.blocked("https://site.kz/", Instant.parse("2026-11-01T10:00:00Z"));
      store.measurements().save(run, m.input(), "kz", "NEWS", m);
      // Copied while the writer is open: the newest measurement is only in the -wal file.
      Path wal = dir.resolve("kuzet.db-wal");
      assumeTrue(Files.exists(wal) && Files.size(wal) > 0, "no WAL content to copy");
      ro = readOnlyDirectoryWith(db, wal);
    }
    CliRun results = CliRun.of("results", "--db", ro.resolve("kuzet.db").toString());
    assertEquals(Main.EXIT_USAGE, results.exit(), results.out() + results.err());
    assertTrue(results.err().contains("kuzet.db-wal") && results.err().contains("writable directory"),
        results.err());
  }
}
