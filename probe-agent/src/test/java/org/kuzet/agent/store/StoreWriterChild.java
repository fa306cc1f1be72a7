package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Instant;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;

/**
 * Run in a child JVM by {@link KillConsistencyIT}: stores measurements forever and prints each UID only after
 * its transaction committed, until the parent kills it with SIGKILL.
 */
public final class StoreWriterChild {
  private StoreWriterChild() {}

  public static void main(String[] args) {
    try (ResultsStore store = ResultsStore.open(Path.of(args[0]))) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE);
      for (long i = 0; ; i++) {
        Instant t = Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i);
        Measurement m = i % 3 == 0 ? TestMeasurements.blocked("https://site" + i + ".kz/", t)
            : TestMeasurements.accessible("https://site" + i + ".kz/", t);
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
        System.out.println(m.measurementUid());
        System.out.flush();
      }
    }
  }
}
