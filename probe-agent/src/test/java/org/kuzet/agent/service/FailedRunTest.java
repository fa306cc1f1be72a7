package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.schedule.Slot;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;

/**
 * A list file that was fine when the config loaded and broke later (deleted, emptied, saved in another encoding):
 * the run fails before measuring, and is recorded as a failed run with its reason, which {@code kuzet status}
 * shows, instead of leaving an older good run as the last one.
 */
class FailedRunTest {
  @TempDir Path dir;

  private static RunRequest request(KuzetConfig config) {
    Instant now = Instant.now();
    return new RunRequest(new Slot(now, now, null), now, config.targets(), config,
        new ConnectivityCheck(NetworkState.ONLINE, now, LocalNetwork.Link.up("test"), List.of(), List.of()), false,
        new AgentMetrics(Clock.systemUTC()).listener(), () -> false, since -> NetworkState.ONLINE);
  }

  @Test
  void aListFileBrokenSinceTheConfigLoadedIsAFailedRunWithItsReason() throws Exception {
    Path list = dir.resolve("urls.txt");
    Map<String, String> breakages = Map.of("deleted", "target_list_missing", "emptied", "target_list_invalid",
        "latin-1", "target_list_invalid");
    for (Map.Entry<String, String> breakage : breakages.entrySet()) {
      Files.writeString(list, "http://gone.kz/\n");
      KuzetConfig config = ConfigLoader.parse("t", "[targets]\nfiles = urls.txt\n", dir);
      switch (breakage.getKey()) {
        case "deleted" -> Files.delete(list);
        case "emptied" -> Files.writeString(list, "# moved to the new server\n");
        default -> Files.write(list, new byte[] {'h', 't', 't', 'p', ':', '/', '/', (byte) 0xe9, '.', 'k', 'z'});
      }
      Path db = dir.resolve(breakage.getKey() + ".db");
      StringWriter log = new StringWriter();
      try (ResultsStore store = ResultsStore.open(db)) {
        MeasuringRunExecutor executor = new MeasuringRunExecutor(ResultsStoreWiring.runStore(store,
            Clock.systemUTC()), (r, b) -> b.build(), Clock.systemUTC(), new PrintWriter(log, true));

        RunFailedException e = assertThrows(RunFailedException.class, () -> executor.run(request(config)));

        assertEquals(breakage.getValue(), e.reason(), breakage.getKey());
        assertTrue(e.getMessage().startsWith("target list " + list + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("Input length"),
            e.getMessage());
        RunRecord run = store.runs().lastRun().orElseThrow();
        assertTrue(run.failed(), breakage.getKey());
        assertEquals(e.getMessage(), run.failure());
        assertNotNull(run.endedAt(), "a failed run is closed, not left looking as if it were going on");
        assertEquals(0, run.measurementCount());
        assertEquals(0, store.status().statusCounts().measurements(), "nothing measured");
      }
      StringWriter out = new StringWriter();
      org.kuzet.agent.cli.Main.run(new String[] {"status", "--db", db.toString()}, new PrintWriter(out, true),
          new PrintWriter(new StringWriter(), true));
      assertTrue(out.toString().contains("FAILED: target list " + list), out.toString());
    }
  }
}
