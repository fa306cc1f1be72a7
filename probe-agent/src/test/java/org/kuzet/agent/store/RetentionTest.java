package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deleting what is older than the retention setting. */
class RetentionTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void retentionDeletesOnlyWhatIsOlderAndKeepsUnsentMeasurementsWhenAsked() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long oldRun = store.runs().beginRun(Trigger.SCHEDULED, null, "0.1.0", NetworkState.ONLINE, T0);
      Measurement oldSent = TestMeasurements.accessible("https://a.kz/", T0.plusSeconds(1));
      Measurement oldUnsent = TestMeasurements.accessible("https://b.kz/", T0.plusSeconds(2));
      store.measurements().save(oldRun, "https://a.kz/", "kz", "NEWS", oldSent);
      store.measurements().save(oldRun, "https://b.kz/", "kz", "NEWS", oldUnsent);
      store.runs().finishRun(oldRun, T0.plusSeconds(60));
      store.uploadQueue().markUploaded(List.of(oldSent.measurementUid()), T0.plusSeconds(70));
      store.connectivity().openConnectivityEvent(NetworkState.OFFLINE, T0, null);
      store.connectivity().openConnectivityEvent(NetworkState.ONLINE, T0.plusSeconds(30), null);
      Instant later = T0.plus(Duration.ofDays(40));
      long newRun = store.runs().beginRun(Trigger.SCHEDULED, null, "0.1.0", NetworkState.ONLINE, later);
      Measurement recent = TestMeasurements.blocked("https://c.kz/", later.plusSeconds(1));
      store.measurements().save(newRun, "https://c.kz/", "kz", "NEWS", recent);
      store.runs().finishRun(newRun, later.plusSeconds(60));
      Instant cutoff = T0.plus(Duration.ofDays(30));

      // Upload on: the unsent old measurement stays, and so does its run.
      assertEquals(new Retention.Pruned(1, 0, 1), store.retention().deleteOlderThan(cutoff, true));
      assertTrue(store.measurements().byUid(oldSent.measurementUid()).isEmpty());
      assertTrue(store.measurements().byUid(oldUnsent.measurementUid()).isPresent());
      assertTrue(store.runs().run(oldRun).isPresent());
      assertEquals(1, store.connectivity().connectivityEvents(null, null).size(), "the open event is never deleted");

      // Upload off: it goes too, with its run; the recent run is untouched.
      assertEquals(new Retention.Pruned(1, 1, 0), store.retention().deleteOlderThan(cutoff, false));
      assertTrue(store.runs().run(oldRun).isEmpty());
      assertTrue(store.measurements().byUid(recent.measurementUid()).isPresent());
      assertEquals(1, store.status().statusCounts().measurements());
      assertEquals(new Retention.Pruned(0, 0, 0), store.retention().deleteOlderThan(cutoff, false), "nothing left to do");
    }
  }
}
