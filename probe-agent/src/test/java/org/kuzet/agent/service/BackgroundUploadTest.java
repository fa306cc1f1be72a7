package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.agent.upload.ForwardingUploadQueue;
import org.kuzet.agent.upload.UploadQueue;
import org.kuzet.agent.upload.Uploader;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.upload.ProbeKey;

/**
 * The service's upload thread outlives whatever ends one drain (out of memory, a bug): it logs what happened
 * without the volunteer's data, tries again by itself later, and later requests still drain the queue.
 */
class BackgroundUploadTest {
  private static final String SECRET = "https://secret-site.kz/private-page";

  @TempDir Path dir;

  /** A real results store whose first {@code failures} reads of the queue fail with {@code error}. */
  private static UploadQueue failingFirst(UploadQueue store, int failures, Throwable error,
      CountDownLatch uploaded) {
    AtomicInteger left = new AtomicInteger(failures);
    return new ForwardingUploadQueue(store) {
      @Override
      public void markUploaded(java.util.Collection<String> uids, Instant at) {
        super.markUploaded(uids, at);
        uids.forEach(uid -> uploaded.countDown());
      }

      @Override
      public List<DueMeasurement> dueSizes(int max, Instant now) {
        if (left.getAndDecrement() > 0) {
          if (error instanceof Error e) {
            throw e;
          }
          throw (RuntimeException) error;
        }
        return super.dueSizes(max, now);
      }
    };
  }

  private void drainsAfter(Throwable error, String logged) throws Exception {
    Path db = dir.resolve(error.getClass().getSimpleName() + ".db");
    try (ResultsStore store = ResultsStore.open(db);
        SqliteCollectorStore collectorDb = SqliteCollectorStore.open(dir.resolve(db.getFileName() + "-c.db"));
        CollectorServer collector = CollectorServer.builder(collectorDb).start()) {
      long run = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE, Instant.now());
      for (int i = 0; i < 3; i++) {
        Measurement m = TestMeasurements.accessible(SECRET + i, Instant.now());
        store.measurements().save(run, m.input(), "kz", "NEWS", m);
      }
      StringWriter log = new StringWriter();
      Uploader uploader = Uploader.builder(collector.uploadUri(), ProbeKey.generate(new SecureRandom())).build();
      CountDownLatch uploaded = new CountDownLatch(3);
      try (BackgroundUpload upload = new BackgroundUpload(uploader,
          failingFirst(store.uploadQueue(), 2, error, uploaded),
          () -> org.kuzet.agent.consent.ConsentGate.State.given(true), new AgentMetrics(Clock.systemUTC()), Clock.systemUTC(), new PrintWriter(log, true),
          Duration.ofMillis(100))) {
        upload.request("after the run"); // fails
        upload.awaitIdle();
        assertEquals(3, store.uploadQueue().counts().pending(), "nothing sent yet");
        upload.request("after the next run"); // fails too: the thread is still there to take it
        upload.awaitIdle();
        // Then the retry it planned by itself drains the queue, with no further request.
        assertTrue(uploaded.await(60, TimeUnit.SECONDS), "no retry came: " + log);
        upload.awaitIdle();
        assertEquals(0, store.uploadQueue().counts().pending(), log.toString());
        assertEquals(3, collectorDb.count());
      }
      String text = log.toString();
      assertTrue(text.contains("failed: " + logged), text);
      assertTrue(text.contains("next try in"), text);
      assertTrue(text.contains("3 uploaded"), text);
      assertFalse(text.contains("secret-site"), "the log quotes the volunteer's data: " + text);
    }
  }

  @Test
  void anOutOfMemoryErrorInOneRoundDoesNotStopLaterRounds() throws Exception {
    drainsAfter(new OutOfMemoryError("Java heap space"), "out of memory");
  }

  @Test
  void aBugInOneRoundDoesNotStopLaterRoundsNorLeakItsMessage() throws Exception {
    drainsAfter(new IllegalStateException("cannot parse " + SECRET), "internal error");
  }
}
