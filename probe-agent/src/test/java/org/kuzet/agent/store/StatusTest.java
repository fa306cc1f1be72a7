package org.kuzet.agent.store;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code kuzet status} counts; a store with some of it is in MeasurementsTest. */
class StatusTest {
  @TempDir Path dir;

  @Test
  void anEmptyStoreCountsNothingAndHasNoLastMeasurement() {
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      assertEquals(new StoreCounts(0, 0, 0, new QueueCounts(0, 0, 0), null, 0), store.status().statusCounts());
    }
  }
}
