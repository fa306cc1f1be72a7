package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.testing.TestUploads.batch;
import static org.kuzet.core.testing.TestUploads.gzip;
import static org.kuzet.core.testing.TestUploads.signed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * Concurrent uploads stored together ({@link GroupCommit}): each answered only with its own rows committed, one
 * upload the store cannot take failing alone, a failing store acknowledging nothing, and the queue bounded. The
 * store is held ({@link GatedStore}) while uploads queue behind it, so which uploads share a transaction is decided
 * by events, not by timing.
 */
class GroupCommitTest {
  @TempDir Path dir;
  private SqliteCollectorStore sqlite;
  private CollectorServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void open() throws IOException {
    sqlite = SqliteCollectorStore.open(dir.resolve("collector.db"));
  }

  @AfterEach
  void close() throws IOException {
    if (server != null) {
      server.close();
    }
    sqlite.close();
  }

  private CompletableFuture<HttpResponse<String>> upload(UploadItem... items) {
    return http.sendAsync(HttpRequest.newBuilder(server.uploadUri()).header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch(items))))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<ItemResult> results(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return UploadProtocol.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)).results();
  }

  /** Holds the first batch in the store, so that the uploads sent next queue behind it. */
  private GatedStore holdFirstUpload(CollectorServer.Builder settings, GatedStore gated) throws Exception {
    server = settings.start();
    CompletableFuture<HttpResponse<String>> first = upload(signed("first"));
    gated.storing.await();
    firstUpload = first;
    return gated;
  }

  private CompletableFuture<HttpResponse<String>> firstUpload;

  @Test
  void manyConcurrentSingleUploadsShareATransactionAndEachIsAnsweredWithItsOwnOutcome() throws Exception {
    GatedStore gated = new GatedStore(sqlite);
    holdFirstUpload(CollectorServer.builder(gated).maxInflight(64), gated);
    Map<String, CompletableFuture<HttpResponse<String>>> uploads = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      uploads.put("m" + i, upload(signed("m" + i)));
    }
    // The same measurement twice (a resend racing the original) and a changed one under a stored UID.
    CompletableFuture<HttpResponse<String>> resend = upload(signed("m0"));
    ObjectNode changed = org.kuzet.core.testing.TestUploads.measurement("first");
    changed.put("input", "https://changed.kz/");
    CompletableFuture<HttpResponse<String>> conflict = upload(signed(changed));
    awaitTrue(() -> server.queuedMeasurements() == 32, "32 measurements queued");

    gated.letGo.countDown();

    assertEquals(List.of(ItemResult.accepted("first")), results(firstUpload.get()));
    for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> u : uploads.entrySet()) {
      List<ItemResult> r = results(u.getValue().get());
      assertEquals(1, r.size());
      assertEquals(u.getKey(), r.get(0).uid());
      if (!u.getKey().equals("m0")) {
        assertEquals(ItemResult.accepted(u.getKey()), r.get(0));
      }
    }
    // Of the two uploads of m0, one stored it and the other found it stored: never two rows, never two "accepted".
    List<ItemResult> both = List.of(results(uploads.get("m0").get()).get(0), results(resend.get()).get(0));
    assertTrue(both.contains(ItemResult.accepted("m0")) && both.contains(ItemResult.duplicate("m0")),
        both.toString());
    HttpResponse<String> refused = conflict.get();
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("uid conflict"), refused.body());
    assertEquals(31, sqlite.count());
    // The held batch alone, then everything that queued behind it in one transaction.
    assertEquals(2, server.stats().transactions());
  }

  @Test
  void anUploadTheStoreCannotTakeFailsAloneAndTheOthersInItsTransactionAreStored() throws Exception {
    GatedStore gated = new GatedStore(new FailingStore(sqlite, "poison"));
    holdFirstUpload(CollectorServer.builder(gated).maxInflight(16), gated);
    CompletableFuture<HttpResponse<String>> poisoned = upload(signed("p1"), signed("poison"));
    CompletableFuture<HttpResponse<String>> good = upload(signed("g1"), signed("g2"));
    UploadItem original = signed("bad");
    ObjectNode tampered = original.measurement().deepCopy();
    ((ObjectNode) tampered.get("test_keys")).put("x_verdict", "accessible");
    CompletableFuture<HttpResponse<String>> mixed = upload(signed("g3"),
        new UploadItem(tampered, original.signature()));
    awaitTrue(() -> server.queuedMeasurements() == 5, "5 measurements queued");

    gated.letGo.countDown();

    assertEquals(500, poisoned.get().statusCode(), poisoned.get().body());
    assertEquals(List.of(ItemResult.accepted("g1"), ItemResult.accepted("g2")), results(good.get()));
    List<ItemResult> m = results(mixed.get());
    assertEquals(ItemResult.accepted("g3"), m.get(0));
    assertTrue(m.get(1).reason().contains("bad signature"), m.get(1).toString());
    assertEquals(List.of(ItemResult.accepted("first")), results(firstUpload.get()));
    // Nothing of the failed upload (all or none per upload, as before), everything of the others.
    assertEquals(4, sqlite.count());
    List<String> stored = new ArrayList<>();
    sqlite.export(java.time.LocalDateTime.of(2000, 1, 1, 0, 0), s -> stored.add(s.uid()));
    assertTrue(stored.containsAll(List.of("first", "g1", "g2", "g3")) && !stored.contains("p1"), stored.toString());
  }

  @Test
  void aFailingStoreAnswersEveryWaitingUploadWithAnErrorAndAcknowledgesNone() throws Exception {
    GatedStore gated = new GatedStore(new FailingStore(sqlite, null));
    holdFirstUpload(CollectorServer.builder(gated).maxInflight(16), gated);
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      waiting.add(upload(signed("w" + i)));
    }
    awaitTrue(() -> server.queuedMeasurements() == 8, "8 measurements queued");

    gated.letGo.countDown();

    assertEquals(500, firstUpload.get().statusCode());
    for (CompletableFuture<HttpResponse<String>> w : waiting) {
      assertEquals(500, w.get().statusCode(), w.get().body());
      assertTrue(w.get().body().contains("storage failed"), w.get().body());
    }
    assertEquals(0, sqlite.count());
    assertEquals(0, server.stats().accepted());
  }

  @Test
  void aFloodOverTheQueueIsAnswered503WithRetryAfterAndWhatQueuedIsStored() throws Exception {
    GatedStore gated = new GatedStore(sqlite);
    holdFirstUpload(CollectorServer.builder(gated).maxInflight(64).maxQueuedRows(4), gated);
    List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      flood.add(upload(signed("f" + i)));
    }
    // Every upload over the queue is answered now, while the store is still held.
    awaitTrue(() -> countDone(flood) == 36 && server.queuedMeasurements() == 4, "36 answered, 4 queued");
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> f : flood) {
      if (f.isDone()) {
        HttpResponse<String> r = f.get();
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("10", r.headers().firstValue("Retry-After").orElse(null));
        refused++;
      }
    }
    assertEquals(36, refused);
    assertEquals(4, server.queuedMeasurements());

    gated.letGo.countDown();

    int stored = 0;
    for (CompletableFuture<HttpResponse<String>> f : flood) {
      if (f.get().statusCode() == 200) {
        stored++;
      }
    }
    assertEquals(4, stored);
    assertEquals(200, firstUpload.get().statusCode());
    assertEquals(5, sqlite.count());
  }

  @Test
  void anUploadNoWriterTookWithinItsWaitIs503AndNeverStoredAfterwards() throws Exception {
    GatedStore gated = new GatedStore(sqlite);
    // The wait is what this test is about: short, and the store stays held far beyond it.
    holdFirstUpload(CollectorServer.builder(gated).queueWait(Duration.ofMillis(200)), gated);

    HttpResponse<String> late = upload(signed("late")).get();

    assertEquals(503, late.statusCode(), late.body());
    assertTrue(late.headers().firstValue("Retry-After").isPresent());
    assertEquals(0, server.queuedMeasurements());
    gated.letGo.countDown();
    assertEquals(200, firstUpload.get().statusCode());
    server.close(); // the writers have stored all they were given
    server = null;
    assertEquals(1, sqlite.count());
  }

  private static int countDone(List<CompletableFuture<HttpResponse<String>>> futures) {
    return (int) futures.stream().filter(CompletableFuture::isDone).count();
  }

  /** Waits for a condition the server reaches by itself (a bound on a hung test only, not a timed assertion). */
  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 60 s: " + what);
      }
      Thread.sleep(1);
    }
  }

  /** A store that fails every batch holding {@code poison} (every batch when null), storing nothing of it. */
  private static final class FailingStore implements CollectorStore {
    private final CollectorStore store;
    private final String poison;

    FailingStore(CollectorStore store, String poison) {
      this.store = store;
      this.poison = poison;
    }

    @Override
    public List<Outcome> store(List<ReceivedMeasurement> batch) throws IOException {
      if (poison == null || batch.stream().anyMatch(m -> m.uid().equals(poison))) {
        throw new IOException("injected failure");
      }
      return store.store(batch);
    }

    @Override
    public long count() throws IOException {
      return store.count();
    }

    @Override
    public void export(java.time.LocalDateTime since, Sink sink) throws IOException {
      store.export(since, sink);
    }

    @Override
    public List<NetworkDay> blockedPerNetworkPerDay(java.time.LocalDateTime from, java.time.LocalDateTime to)
        throws IOException {
      return store.blockedPerNetworkPerDay(from, to);
    }

    @Override
    public List<DomainDay> domainHistory(String domain, java.time.LocalDateTime from, java.time.LocalDateTime to)
        throws IOException {
      return store.domainHistory(domain, from, to);
    }

    @Override
    public void close() {}
  }
}
