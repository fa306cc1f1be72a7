package org.kuzet.backend.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlRequest;

/**
 * Issue 15, point 14: one control request must not make the helper open hundreds of connections to addresses
 * the requester chose, nor requests together make thousands of threads. Loopback listeners count the connection
 * attempts; the helper's step threads are counted by name.
 */
class AmplificationTest {
  private static final int RECORDS = 250;

  private final FakeDnsServer dns = new FakeDnsServer();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
  }

  /** Listeners on {@code n} loopback addresses, all on one port, counting the connections they accept. */
  private static final class Listeners implements AutoCloseable {
    final List<String> ips = new ArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    final int port;
    private final Selector selector = Selector.open();
    private final List<SocketChannel> held = new ArrayList<>();
    private final Thread loop;

    Listeners(int n) throws IOException {
      int p = 0;
      for (int i = 0; i < n; i++) {
        InetAddress ip = LoopbackAddresses.next();
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(ip, p), 512);
        p = s.socket().getLocalPort();
        s.configureBlocking(false);
        s.register(selector, SelectionKey.OP_ACCEPT);
        ips.add(ip.getHostAddress());
      }
      port = p;
      loop = new Thread(() -> {
        try {
          while (selector.isOpen()) {
            selector.select(100);
            if (!selector.isOpen()) {
              return;
            }
            for (SelectionKey k : selector.selectedKeys()) {
              SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
              if (c != null) {
                accepted.incrementAndGet();
                held.add(c); // accepted and never answered: the fetch waits for its timeout
              }
            }
            selector.selectedKeys().clear();
          }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
          // closed by the test
        }
      }, "counting-listeners");
      loop.setDaemon(true);
      loop.start();
    }

    @Override
    public void close() throws IOException {
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
      try {
        loop.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (SocketChannel c : held) {
        c.close();
      }
    }
  }

  private TestHelperServer helper(int maxInflight) throws IOException {
    TestHelperServer h = TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
        .resolver(dns.address()).allowPrivate(true).maxInflight(maxInflight)
        .connectTimeout(Duration.ofSeconds(5)).tlsTimeout(Duration.ofSeconds(2)).httpTimeout(Duration.ofSeconds(2))
        .build());
    closeables.add(0, h);
    return h;
  }

  private JsonNode ask(TestHelperServer helper, String url, List<String> endpoints) throws Exception {
    byte[] body = MeasurementJson.mapper().writeValueAsBytes(new ControlRequest(url, Map.of(), endpoints));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(helper.url()))
        .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return MeasurementJson.mapper().readTree(r.body());
  }

  @Test
  void aNameWithHundredsOfRecordsGetsAFewConnections() throws Exception {
    Listeners sites = new Listeners(RECORDS);
    closeables.add(sites);
    dns.answer("many.kz", sites.ips.toArray(new String[0]));
    TestHelperServer helper = helper(4);

    JsonNode answer = ask(helper, "http://many.kz:" + sites.port + "/", List.of());

    assertEquals(RECORDS, answer.at("/dns/addrs").size(), "the DNS answer is reported whole");
    assertEquals(ControlMeasurer.MAX_RESOLVED_PER_FAMILY, answer.get("tcp_connect").size());
    // The helper's endpoints plus the one its fetch used.
    assertTrue(sites.accepted.get() <= ControlMeasurer.MAX_RESOLVED_PER_FAMILY + 1, sites.accepted + " connections");
  }

  @Test
  void hundredsOfProbeEndpointsAreCappedAndDeduplicated() throws Exception {
    Listeners sites = new Listeners(64);
    closeables.add(sites);
    TestHelperServer helper = helper(4);
    List<String> endpoints = new ArrayList<>();
    for (String ip : sites.ips) {
      endpoints.add(ip + ":" + sites.port);
    }
    // The list's limit (64 entries) holds 32 addresses, each twice.
    List<String> doubled = new ArrayList<>();
    for (String e : endpoints.subList(0, 32)) {
      doubled.add(e);
      doubled.add(e);
    }
    JsonNode answer = ask(helper, "http://" + sites.ips.get(0) + ":" + sites.port + "/", doubled);

    assertEquals(ControlMeasurer.MAX_PROBE_PER_FAMILY, answer.get("tcp_connect").size(), answer.toString());
    assertTrue(sites.accepted.get() <= ControlMeasurer.MAX_PROBE_PER_FAMILY + 1, sites.accepted + " connections");
  }

  @Test
  void concurrentRequestsShareABoundedPoolOfThreads() throws Exception {
    Listeners sites = new Listeners(RECORDS);
    closeables.add(sites);
    dns.answer("many.kz", sites.ips.toArray(new String[0]));
    List<String> probeEndpoints = new ArrayList<>();
    for (String ip : sites.ips.subList(0, 64)) {
      probeEndpoints.add(ip + ":" + sites.port);
    }
    int inflight = 8;
    TestHelperServer helper = helper(inflight);
    AtomicInteger most = new AtomicInteger();
    Thread counter = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        long n = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("kuzet-helper-step")).count();
        most.accumulateAndGet((int) n, Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    counter.setDaemon(true);
    counter.start();
    try {
      List<CompletableFuture<JsonNode>> all = new ArrayList<>();
      for (int i = 0; i < inflight; i++) {
        all.add(CompletableFuture.supplyAsync(() -> {
          try {
            return ask(helper, "http://many.kz:" + sites.port + "/", probeEndpoints);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (CompletableFuture<JsonNode> f : all) {
        f.get();
      }
    } finally {
      counter.interrupt();
      counter.join();
    }
    assertTrue(most.get() <= TestHelperServer.stepThreads(inflight), most + " step threads");
    // Per request: 8 probe addresses and 4 of the helper's, one endpoint each, and the fetch.
    assertTrue(sites.accepted.get() <= inflight * (ControlMeasurer.MAX_PROBE_PER_FAMILY
        + ControlMeasurer.MAX_RESOLVED_PER_FAMILY + 1), sites.accepted + " connections");
  }
}
