package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Verdict;
import org.kuzet.targets.Target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storing measurements (counted in their run, queued) and the analysts' reads over them. */
class MeasurementsTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void savesMeasurementsCountsThemInTheirRunAndQueuesThem() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long run = store.runs().beginRun(Trigger.CAMPAIGN, "election-2026", "0.1.0", NetworkState.ONLINE, T0);
      Target target = new Target("https://kuresker.org/", "NEWS", "KZ", "kz", null, "");
      Measurement blocked = TestMeasurements.blocked("https://kuresker.org/", T0.plusSeconds(1));
      Measurement ok = TestMeasurements.accessible("https://holanews.kz/", T0.plusSeconds(2));
      store.measurements().save(run, target, "kz", blocked);
      store.measurements().save(run, "https://holanews.kz/", "kz", "NEWS", ok);
      store.runs().finishRun(run, T0.plusSeconds(60));

      RunRecord r = store.runs().lastRun().orElseThrow();
      assertEquals(run, r.id());
      assertEquals(Trigger.CAMPAIGN, r.trigger());
      assertEquals("election-2026", r.campaign());
      assertEquals(2, r.measurementCount());
      assertEquals(1, r.blockedCount());
      assertEquals("AS9198", r.probeAsn());
      assertEquals("KZ", r.probeCc());
      assertEquals(NetworkState.ONLINE, r.connectivity());
      assertEquals(T0.plusSeconds(60), r.endedAt());

      StoredMeasurement stored = store.measurements().byUid(blocked.measurementUid()).orElseThrow();
      assertEquals("blocked", stored.verdict());
      assertEquals("http-diff", stored.blocking());
      assertEquals(Boolean.FALSE, stored.accessible());
      assertEquals(List.of("tls.interception", "tls.known_interception_root"), stored.signals());
      assertEquals("NEWS", stored.categoryCode());
      assertEquals("kz", stored.targetList());
      assertEquals(T0.plusSeconds(1), stored.startTime());
      assertEquals("pending", stored.uploadState());
      assertEquals(blocked, MeasurementJson.parse(stored.measurementJson()), "the full record round-trips");

      StoreException dup = assertThrows(StoreException.class, () -> store.measurements().save(run, target, "kz", blocked));
      assertTrue(dup.getMessage().contains("already stored"), dup.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.measurements().save(999, target, "kz",
          TestMeasurements.accessible("https://x.kz/", T0)));
      assertEquals(2, store.status().statusCounts().measurements(), "a failed save leaves nothing behind");

      StoreCounts counts = store.status().statusCounts();
      assertEquals(1, counts.runs());
      assertEquals(1, counts.blocked());
      assertEquals(new QueueCounts(2, 0, 0), counts.upload());
      assertEquals(T0.plusSeconds(2), counts.lastMeasurementAt());
    }
  }

  @Test
  void findsByTimeUrlVerdictAndRun() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long run1 = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
      long run2 = store.runs().beginRun(Trigger.SCHEDULED, null, "0.1.0", null, T0);
      for (int day = 0; day < 10; day++) {
        Instant t = T0.plus(Duration.ofDays(day));
        store.measurements().save(day < 5 ? run1 : run2, "https://a.kz/", "kz", "NEWS", TestMeasurements.blocked("https://a.kz/", t));
        store.measurements().save(day < 5 ? run1 : run2, "https://b.kz/x", "kz", "HUMR",
            TestMeasurements.accessible("https://b.kz/x", t));
      }
      assertEquals(20, store.measurements().find(MeasurementFilter.all()).size());
      List<StoredMeasurement> newest = store.measurements().find(MeasurementFilter.all().withLimit(3));
      assertEquals(T0.plus(Duration.ofDays(9)), newest.get(0).startTime(), "newest first");
      assertEquals(3, newest.size());
      assertEquals(6, store.measurements().find(new MeasurementFilter(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(5)),
          null, null, null, null)).size());
      assertEquals(10, store.measurements().find(new MeasurementFilter(null, null, "b.kz", null, null, null)).size());
      assertEquals(10, store.measurements().find(new MeasurementFilter(null, null, "https://a.*", null, null, null)).size());
      assertEquals(10, store.measurements().find(new MeasurementFilter(null, null, null, Verdict.BLOCKED, null, null)).size());
      assertEquals(10, store.measurements().find(new MeasurementFilter(null, null, null, null, run2, null)).size());

      assertEquals(10, store.measurements().timeline("https://a.kz/", T0, T0.plus(Duration.ofDays(30))).size());
      List<Measurements.CategoryDay> perDay = store.measurements().blockedPerCategoryPerDay(T0, T0.plus(Duration.ofDays(30)));
      assertEquals(10, perDay.size());
      assertEquals(new Measurements.CategoryDay("2026-11-01", "NEWS", 1), perDay.get(0));
    }
  }
}
