package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import org.kuzet.agent.upload.UploadQueue.QueuedMeasurement;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upload queue over the measurements table. */
class StoredUploadQueueTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void uploadQueueFollowsItsContract() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
      Measurement a = TestMeasurements.accessible("https://a.kz/", T0);
      Measurement b = TestMeasurements.accessible("https://b.kz/", T0.plusSeconds(1));
      Measurement c = TestMeasurements.accessible("https://c.kz/", T0.plusSeconds(2));
      for (Measurement m : List.of(a, b, c)) {
        store.measurements().save(run, m.input(), null, null, m);
      }
      List<QueuedMeasurement> due = store.uploadQueue().due(2, T0);
      assertEquals(List.of(a.measurementUid(), b.measurementUid()), due.stream().map(QueuedMeasurement::uid).toList(),
          "oldest first, at most max");
      assertEquals(MeasurementJson.toLine(a), due.get(0).measurementJson());
      assertEquals(0, due.get(0).attempts());

      store.uploadQueue().markUploaded(List.of(a.measurementUid()), T0.plusSeconds(5));
      store.uploadQueue().markRetry(List.of(b.measurementUid()), "collector: 503", T0.plusMillis(60_500));
      store.uploadQueue().markRejected(c.measurementUid(), "collector: 400 bad signature", T0.plusSeconds(5));
      assertEquals(new QueueCounts(1, 1, 1), store.uploadQueue().counts());
      assertTrue(store.uploadQueue().due(10, T0.plusSeconds(60)).isEmpty(), "a retry is never due early");
      QueuedMeasurement retried = store.uploadQueue().due(10, T0.plusSeconds(61)).get(0);
      assertEquals(b.measurementUid(), retried.uid());
      assertEquals(1, retried.attempts());
      assertEquals("collector: 503", store.measurements().byUid(b.measurementUid()).orElseThrow().uploadError());
      assertEquals("collector: 400 bad signature", store.measurements().byUid(c.measurementUid()).orElseThrow().uploadError());

      assertEquals(1, store.uploadQueue().requeueRejected());
      assertEquals(new QueueCounts(2, 1, 0), store.uploadQueue().counts());
      assertEquals(2, store.uploadQueue().due(10, T0.plusSeconds(61)).size());
      assertThrows(IllegalArgumentException.class, () -> store.uploadQueue().markUploaded(List.of("no-such-uid"), T0));
      assertNull(store.measurements().byUid(a.measurementUid()).orElseThrow().uploadError());
      assertEquals("uploaded", store.measurements().byUid(a.measurementUid()).orElseThrow().uploadState());
    }
  }
}
