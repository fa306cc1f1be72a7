package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.RunRecord;

/**
 * Stopping {@code kuzet run --once} part-way (Ctrl-C, or the service manager's SIGTERM: the JVM handles both the
 * same way, through its shutdown hooks) keeps every completed measurement and closes the run.
 */
class RunInterruptIT {
  @TempDir Path dir;

  @Test
  void stoppingARunKeepsEveryCompletedMeasurement() throws Exception {
    Path db = dir.resolve("kuzet.db");
    Path out = dir.resolve("child.out");
    Path err = dir.resolve("child.err");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), InterruptedRunChild.class.getName(), db.toString())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    // The quick sites are done (and logged, after their commit); the blackholed one still hangs.
    while (child.isAlive() && logLines(out) < InterruptedRunChild.QUICK) {
      Thread.sleep(20);
    }
    assertTrue(child.isAlive(), "the run ended by itself: " + Files.readString(err));
    child.destroy(); // SIGTERM: the same shutdown path as Ctrl-C's SIGINT
    int exit = child.waitFor();
    assertTrue(exit != 0, "stopped, not finished");

    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(InterruptedRunChild.QUICK, store.measurements().find(MeasurementFilter.all()).size());
      RunRecord run = store.runs().lastRun().orElseThrow();
      assertEquals(InterruptedRunChild.QUICK, run.measurementCount());
      assertNotNull(run.endedAt(), "the run was closed on the way out");
      assertEquals("ok", store.analystSql().query("PRAGMA integrity_check", 10).rows().get(0).get(0));
    }
    assertTrue(Files.readString(err).contains("interrupted; " + InterruptedRunChild.QUICK + " measurement(s)"),
        Files.readString(err));
  }

  private static long logLines(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("[")).count();
  }
}
