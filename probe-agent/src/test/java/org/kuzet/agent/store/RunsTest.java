package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.connectivity.NetworkState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs: started, told what the connectivity check found, finished or failed with why. */
class RunsTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  @Test
  void aRunIsStartedToldItsConnectivityAndFinished() {
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      Runs runs = store.runs();
      long id = runs.beginRun(Trigger.SCHEDULED, null, "0.1.0", null, T0);
      RunRecord started = runs.run(id).orElseThrow();
      assertNull(started.endedAt(), "ongoing");
      assertNull(started.connectivity(), "no check yet");
      assertEquals(T0, started.startedAt());

      runs.setRunConnectivity(id, NetworkState.DOMESTIC_ONLY);
      runs.finishRun(id, T0.plusSeconds(90));
      RunRecord done = runs.lastRun().orElseThrow();
      assertEquals(id, done.id());
      assertEquals(NetworkState.DOMESTIC_ONLY, done.connectivity());
      assertEquals(T0.plusSeconds(90), done.endedAt());
      assertEquals("0.1.0", done.softwareVersion());
      assertFalse(done.failed());
      assertEquals(0, done.measurementCount());
      assertTrue(runs.run(id + 1).isEmpty());
    }
  }

  @Test
  void aFailedRunSaysWhy() {
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      Runs runs = store.runs();
      long id = runs.recordFailedRun(Trigger.CAMPAIGN, "election-2026", "0.1.0", NetworkState.ONLINE, T0,
          T0.plusSeconds(1), "target list kz.csv is missing");
      RunRecord r = runs.run(id).orElseThrow();
      assertTrue(r.failed());
      assertEquals("target list kz.csv is missing", r.failure());
      assertEquals("election-2026", r.campaign());
      assertEquals(T0.plusSeconds(1), r.endedAt());

      long partWay = runs.beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
      runs.failRun(partWay, T0.plusSeconds(5), "interrupted");
      assertEquals("interrupted", runs.run(partWay).orElseThrow().failure());
    }
  }

  @Test
  void mistakesOfTheCallerAreRefused() {
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      Runs runs = store.runs();
      assertThrows(IllegalArgumentException.class, () -> runs.beginRun(Trigger.CAMPAIGN, " ", "0.1.0", null, T0),
          "a campaign run needs its campaign's name");
      assertThrows(IllegalArgumentException.class, () -> runs.finishRun(42, T0), "no such run");
      assertThrows(IllegalArgumentException.class, () -> runs.setRunConnectivity(42, NetworkState.ONLINE));
      assertThrows(NullPointerException.class, () -> runs.failRun(42, T0, null));
    }
  }
}
