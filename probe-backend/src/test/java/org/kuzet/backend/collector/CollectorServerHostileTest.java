package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.testing.TestUploads.batch;
import static org.kuzet.core.testing.TestUploads.gzip;
import static org.kuzet.core.testing.TestUploads.signed;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.http.HostileClients;
import org.kuzet.backend.http.ServerLimits;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * The collector under attack on loopback (issue 15, point 12): one-byte-at-a-time uploads and slow headers no
 * longer keep honest probes out, and a stop in the middle of it ends. Small limits; generous bounds on waits.
 */
class CollectorServerHostileTest {
  private static final ServerLimits SMALL = CollectorServer.DEFAULT_LIMITS
      .withMaxConnections(64)
      .withIdleTimeout(Duration.ofSeconds(3))
      .withHeaderTimeout(Duration.ofSeconds(1))
      .withBodyTimeout(Duration.ofSeconds(4))
      .withMinBodyRate(100, Duration.ofMillis(500))
      .withStopTimeout(Duration.ofSeconds(2));

  @TempDir Path dir;
  private SqliteCollectorStore store;
  private CollectorServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(HostileClients.PATIENCE).build();

  @BeforeEach
  void start() throws Exception {
    store = SqliteCollectorStore.open(dir.resolve("collector.db"));
    server = CollectorServer.builder(store).limits(SMALL).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  private int upload(String uid) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uploadUri()).timeout(HostileClients.PATIENCE)
        .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch(signed(uid))))).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void oneByteUploadsAreCutAndHonestUploadsGoIn() throws Exception {
    // Twice as many slow uploads as upload slots (4), each a byte every 300 ms.
    try (HostileClients slow = HostileClients.slowBodies(server.address(), UploadProtocol.PATH,
        2 * CollectorServer.DEFAULT_MAX_INFLIGHT, 2000, Duration.ofMillis(300))) {
      assertEquals(200, upload("honest-1"));
      for (String answer : slow.awaitAllClosedByServer()) {
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      }
    }
    assertEquals(200, upload("honest-2"));
    assertEquals(2, store.count());
  }

  @Test
  void slowHeadersAreClosedAndHonestUploadsGoIn() throws Exception {
    try (HostileClients slowloris = HostileClients.slowHeaders(server.address(), 40, Duration.ofMillis(100))) {
      assertEquals(200, upload("honest"));
      slowloris.awaitAllClosedByServer();
    }
  }

  @Test
  void stopsWhileAttackedAndFinishesTheUploadInProgress() throws Exception {
    server.close();
    GatedStore gated = new GatedStore(store);
    server = CollectorServer.builder(gated).limits(SMALL.withStopTimeout(HostileClients.PATIENCE)).start();
    InetSocketAddress address = server.address();
    CompletableFuture<Integer> inProgress = CompletableFuture.supplyAsync(() -> {
      try {
        return upload("in-progress");
      } catch (Exception e) {
        return -1;
      }
    });
    gated.storing.await();
    HostileClients slowloris = HostileClients.slowHeaders(address, 20, Duration.ofMillis(100));
    HostileClients idle = HostileClients.idle(address, 20);
    try (slowloris; idle;
         HostileClients b = HostileClients.slowBodies(address, UploadProtocol.PATH, 10, 2000, Duration.ofMillis(100))) {
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
      awaitRefused(address); // stopping: no new connections
      b.awaitAllClosedByServer();
      gated.letGo.countDown();
      assertEquals(200, inProgress.get(HostileClients.PATIENCE.toSeconds(), TimeUnit.SECONDS));
      stopped.get(HostileClients.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
    assertEquals(1, store.count());
    assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
  }

  /** Waits (bounded) until the address refuses connections. */
  private static void awaitRefused(InetSocketAddress address) throws InterruptedException {
    long deadline = System.nanoTime() + HostileClients.PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        new Socket(address.getAddress(), address.getPort()).close();
        Thread.sleep(20);
      } catch (IOException refused) {
        return;
      }
    }
    throw new AssertionError("the collector still accepted connections while stopping");
  }
}
