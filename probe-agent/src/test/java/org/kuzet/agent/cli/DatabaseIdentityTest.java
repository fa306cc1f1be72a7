package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.backend.collector.SqliteCollectorStore;

/**
 * A file given as {@code --db} that kuzet cannot use is named for what it is, by every command, and left byte for
 * byte as it was: a collector's database, another application's SQLite file (whatever its user_version), a
 * database from a newer kuzet, a file that is not SQLite at all.
 */
class DatabaseIdentityTest {
  @TempDir Path dir;

  private static final List<List<String>> COMMANDS = List.of(List.of("results"), List.of("export"),
      List.of("query", "SELECT 1"), List.of("status"), List.of("run", "--once", "--skip-connectivity-check",
          "--no-control", "--timeout-dns", "1s", "https://a.kz/"));

  private void assertNamedAndUntouched(Path db, String expected, String notExpected) throws Exception {
    byte[] before = Files.readAllBytes(db);
    for (List<String> command : COMMANDS) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(List.of("--db", db.toString()));
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(Main.EXIT_USAGE, run.exit(), command + ": " + run.out() + run.err());
      assertTrue(run.err().contains(expected), command + ": " + run.err());
      if (notExpected != null) {
        assertFalse(run.err().contains(notExpected), command + ": " + run.err());
      }
      assertFalse(run.err().contains("no such column"), command + ": " + run.err());
      assertFalse(run.err().contains("Exception"), command + ": " + run.err());
      assertArrayEquals(before, Files.readAllBytes(db), command + " changed " + db);
    }
  }

  @Test
  void aCollectorDatabaseIsCalledOneAndPointsToTheCollector() throws Exception {
    Path db = dir.resolve("collector.db");
    SqliteCollectorStore.open(db).close();
    assertNamedAndUntouched(db, "is a kuzet collector database", null);
    CliRun run = CliRun.of("results", "--db", db.toString());
    assertTrue(run.err().contains("kuzet collector --db"), run.err());
  }

  @Test
  void anotherApplicationsDatabaseIsNotKuzetsEvenWithAHighUserVersion() throws Exception {
    Path db = dir.resolve("contacts.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE contacts (name TEXT)");
      s.execute("PRAGMA user_version = 7"); // many applications number their schema here too
    }
    assertNamedAndUntouched(db, "is an SQLite database but not a kuzet one", "newer kuzet");
  }

  @Test
  void aKuzetDatabaseWithAHigherVersionIsFromANewerKuzet() throws Exception {
    Path db = dir.resolve("kuzet.db");
    ResultsStore.open(db).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    assertNamedAndUntouched(db, "was written by a newer kuzet", "not a kuzet one");
  }

  @Test
  void aFileThatIsNotSqliteIsNotADatabase() throws Exception {
    Path db = dir.resolve("notes.db");
    Files.writeString(db, "my notes\n");
    assertNamedAndUntouched(db, "is not an SQLite database", null);
  }
}
