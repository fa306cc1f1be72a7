package org.kuzet.backend.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.http.HostileClients;
import org.kuzet.backend.http.ServerLimits;
import org.kuzet.backend.tls.ServerTls;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlRequest;

/**
 * The helper under attack on loopback (issue 15, point 12): slow headers, slow bodies, thousands of idle
 * connections, and a stop in the middle of it. Small limits keep it fast; every wait has a generous bound.
 */
class TestHelperServerHostileTest {
  /** Small bounds so the attackers are cut within seconds. */
  static final ServerLimits SMALL = TestHelperServer.DEFAULT_LIMITS
      .withMaxConnections(64)
      .withIdleTimeout(Duration.ofSeconds(3))
      .withHeaderTimeout(Duration.ofSeconds(1))
      .withBodyTimeout(Duration.ofSeconds(4))
      .withMinBodyRate(100, Duration.ofMillis(500))
      .withStopTimeout(Duration.ofSeconds(2));

  private final FakeDnsServer dns = new FakeDnsServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HostileClients.PATIENCE).build();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(0, c);
    return c;
  }

  private TestHelperServer helper(ServerLimits limits, int maxInflight) throws IOException {
    return closeLater(TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
        .resolver(dns.address()).allowPrivate(true).maxInflight(maxInflight).limits(limits)
        .connectTimeout(Duration.ofSeconds(5)).httpTimeout(Duration.ofSeconds(5)).build()));
  }

  /** An honest control request for a URL that fails at once (a closed loopback port): measured, answered 200. */
  private int honest(TestHelperServer helper) throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    String url = "http://" + ip.getHostAddress() + ":" + LoopbackAddresses.closedPort(ip) + "/";
    byte[] body = MeasurementJson.mapper().writeValueAsBytes(new ControlRequest(url, Map.of(), List.of()));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(helper.url()))
        .timeout(HostileClients.PATIENCE).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  @Test
  void slowHeadersAreClosedAfterTheHeaderTimeoutWhileHonestRequestsAreServed() throws Exception {
    TestHelperServer helper = helper(SMALL, 4);
    HostileClients slowloris = closeLater(HostileClients.slowHeaders(helper.address(), 40, Duration.ofMillis(100)));

    assertEquals(200, honest(helper));
    for (String answer : slowloris.awaitAllClosedByServer()) {
      assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), answer);
    }
    assertEquals(200, honest(helper));
  }

  @Test
  void slowTlsHandshakesAreClosedAfterTheHeaderTimeout(@TempDir Path dir) throws Exception {
    InetAddress listen = LoopbackAddresses.next();
    TestPki pki = new TestPki();
    HeldCertificate cert = pki.issue(listen.getHostAddress());
    Path certFile = Files.writeString(dir.resolve("cert.pem"), cert.certificatePem() + pki.rootPem());
    Path keyFile = Files.writeString(dir.resolve("key.pem"), cert.privateKeyPkcs8Pem());
    TestHelperServer helper = closeLater(TestHelperServer.start(TestHelperServer.builder(
        new InetSocketAddress(listen, 0)).resolver(dns.address()).allowPrivate(true).limits(SMALL)
        .tls(ServerTls.fromPem(certFile, keyFile)).build()));

    HostileClients slow = closeLater(HostileClients.slowTlsHandshakes(helper.address(), 10, Duration.ofMillis(100)));
    slow.awaitAllClosedByServer();
  }

  @Test
  void slowBodiesAreCutAndHoldNoMeasurementSlot() throws Exception {
    TestHelperServer helper = helper(SMALL, 2);
    // More slow bodies than measurement slots, each a byte every 300 ms (3 bytes/s, below the 100 bytes/s floor).
    HostileClients slow = closeLater(HostileClients.slowBodies(helper.address(), "/", 8, 1000,
        Duration.ofMillis(300)));

    assertEquals(200, honest(helper), "slow bodies must not hold the measurement slots");
    for (String answer : slow.awaitAllClosedByServer()) {
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("slower than 100 bytes/s") || answer.contains("longer than"), answer);
    }
    assertEquals(200, honest(helper));
  }

  @Test
  void thousandsOfIdleConnectionsAreBoundedAndTheHelperAnswersAfterTheyGo() throws Exception {
    TestHelperServer helper = helper(SMALL.withMaxConnections(32), 4);
    List<SocketChannel> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 2000; i++) {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        c.connect(helper.address()); // the kernel finishes it, or keeps it waiting in the backlog
        idle.add(c);
      }
      // While they are there, the helper holds at most its limit of them (sampled a few times, not timed).
      for (int i = 0; i < 20; i++) {
        assertTrue(helper.openConnections() <= 32, helper.openConnections() + " connections open");
        Thread.sleep(50);
      }
    } finally {
      for (SocketChannel c : idle) {
        c.close();
      }
    }
    assertEquals(200, honest(helper));
    assertTrue(helper.openConnections() <= 32);
  }

  @Test
  void stopsWhileAttacked() throws Exception {
    TestHelperServer helper = TestHelperServer.start(TestHelperServer.builder(
        new InetSocketAddress(LoopbackAddresses.next(), 0)).resolver(dns.address()).allowPrivate(true)
        .limits(SMALL.withHeaderTimeout(Duration.ofSeconds(60)).withBodyTimeout(Duration.ofSeconds(60))
            .withMinBodyRate(0, Duration.ofSeconds(60)).withIdleTimeout(Duration.ofSeconds(60)))
        .build());
    InetSocketAddress address = helper.address();
    closeLater(HostileClients.slowHeaders(address, 20, Duration.ofMillis(100)));
    HostileClients bodies = closeLater(HostileClients.slowBodies(address, "/", 10, 1000, Duration.ofMillis(100)));
    closeLater(HostileClients.idle(address, 20));

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(helper::close);
    stopped.get(HostileClients.PATIENCE.toSeconds(), TimeUnit.SECONDS);

    bodies.awaitAllClosedByServer();
    assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
  }
}
