package org.kuzet.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a run: a child JVM stores measurements in a loop and prints each UID after its commit;
 * SIGKILL arrives while it writes. The database must pass integrity_check and hold every reported measurement.
 */
class KillConsistencyIT {
  private static final int REPORTED_BEFORE_KILL = 200;

  @TempDir Path dir;

  /** Lines the child finished writing (a UID cut by the kill has no newline yet and is not counted). */
  private static List<String> completeLines(Path file) throws java.io.IOException {
    String text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  @Test
  void everyCommittedMeasurementSurvivesSigkill() throws Exception {
    Path db = dir.resolve("kuzet.db");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    // Output to a file, not a pipe: the JDK closes a killed child's pipes, losing the lines printed just before.
    Path uids = dir.resolve("child.out");
    Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        StoreWriterChild.class.getName(), db.toString())
        .redirectOutput(uids.toFile())
        .redirectError(dir.resolve("child.err").toFile())
        .start();
    while (child.isAlive() && completeLines(uids).size() < REPORTED_BEFORE_KILL) {
      Thread.sleep(10);
    }
    child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no close, mid-transaction
    child.waitFor();
    List<String> reported = completeLines(uids);
    assertTrue(reported.size() >= REPORTED_BEFORE_KILL,
        "the child stopped early: " + java.nio.file.Files.readString(dir.resolve("child.err")));

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        rs.next();
        assertEquals("ok", rs.getString("integrity_check"));
      }
    }
    try (ResultsStore store = ResultsStore.open(db)) {
      Set<String> stored = new HashSet<>();
      store.measurements().forEach(MeasurementFilter.all(), m -> stored.add(m.uid()));
      List<String> missing = reported.stream().filter(uid -> !stored.contains(uid)).toList();
      assertEquals(List.of(), missing, "reported as committed but not stored");
      RunRecord run = store.runs().lastRun().orElseThrow();
      assertEquals(stored.size(), run.measurementCount(), "the run's count moved with each insert, atomically");
      assertEquals(stored.size(), store.uploadQueue().counts().pending(), "every stored measurement is queued for upload");
    }
  }
}
