package org.kuzet.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.agent.upload.UploadQueue.DueMeasurement;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;

/**
 * The upload queue drains whatever its size: batches are planned within a byte budget from the sizes alone and
 * streamed from the database, so the uploader's memory does not grow with the queue or with a batch.
 */
class UploadMemoryBoundIT {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /** {@code n} measurements with incompressible ~1 MiB pages (what a large site's page costs), all pending. */
  private Path queueOfLargeMeasurements(int n) {
    Path db = dir.resolve("kuzet.db");
    Random random = new Random(42);
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE,
          Instant.parse("2026-11-01T10:00:00Z"));
      byte[] raw = new byte[MIB * 3 / 4];
      for (int i = 0; i < n; i++) {
        random.nextBytes(raw);
        Measurement m = TestMeasurements.withBody("https://site" + i + ".kz/",
            Instant.parse("2026-11-01T10:00:00Z").plusSeconds(i), Base64.getEncoder().encodeToString(raw));
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
      }
    }
    return db;
  }

  @Test
  void batchesStayWithinTheByteBudgetAndALargerMeasurementGoesAlone() {
    long budget = 4 * MIB;
    List<DueMeasurement> due = new ArrayList<>();
    long[] sizes = {MIB, MIB, MIB, MIB, 1, 5 * MIB, 3 * MIB, 2 * MIB, 10, 10, 4 * MIB};
    for (int i = 0; i < sizes.length; i++) {
      due.add(new DueMeasurement("u" + i, sizes[i], 0));
    }
    List<List<DueMeasurement>> batches = Uploader.plan(due, budget);
    List<DueMeasurement> inOrder = new ArrayList<>();
    for (List<DueMeasurement> b : batches) {
      long bytes = b.stream().mapToLong(DueMeasurement::bytes).sum();
      assertTrue(bytes <= budget || b.size() == 1, "batch over the budget: " + b);
      inOrder.addAll(b);
    }
    assertEquals(due, inOrder, "every measurement once, in queue order");
    assertEquals(List.of(4, 1, 1, 1, 3, 1), batches.stream().map(List::size).toList());
  }

  @Test
  void largeMeasurementsGoInSeveralRequestsAndAllArrive() throws Exception {
    Path db = queueOfLargeMeasurements(12);
    try (SqliteCollectorStore collectorDb = SqliteCollectorStore.open(dir.resolve("collector.db"));
        CollectorServer collector = CollectorServer.builder(collectorDb).start();
        FaultyFront front = new FaultyFront(collector.address());
        ResultsStore store = ResultsStore.open(db);
        Uploader uploader = Uploader.builder(front.uri(), org.kuzet.schema.upload.ProbeKey.generate(
            new java.security.SecureRandom())).build()) {
      Uploader.Result r = uploader.drain(store.uploadQueue());
      assertEquals(new Uploader.Result(12, 0, 0, 0, 0), r);
      assertEquals(12, collectorDb.count());
      // ~1 MiB each, at most 4 MiB of JSON per request: 12 cannot go in fewer than 4.
      assertTrue(front.requests() >= 4, front.requests() + " requests");
    }
  }

  /**
   * About 80 MiB queued, drained by a child JVM with the service's collector settings and a 64 MiB heap (half the
   * unit's): the whole queue arrives. Before batches were bounded, loading one batch alone ran out of memory.
   */
  @Test
  void aQueueLargerThanTheHeapDrainsInAChildJvmWith64MiB() throws Exception {
    int n = 80;
    Path db = queueOfLargeMeasurements(n);
    try (SqliteCollectorStore collectorDb = SqliteCollectorStore.open(dir.resolve("collector.db"));
        CollectorServer collector = CollectorServer.builder(collectorDb).start()) {
      Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
      Path out = dir.resolve("child.out");
      Path err = dir.resolve("child.err");
      Process child = new ProcessBuilder(javaBin.toString(), "-Xmx64m", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), UploadDrainChild.class.getName(), db.toString(),
          collector.uploadUri().toString())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the child did not finish");
      assertEquals(0, child.exitValue(), Files.readString(err));
      assertEquals(n + " 0", Files.readString(out).strip(), Files.readString(err));
      assertEquals(n, collectorDb.count());
    }
  }
}
