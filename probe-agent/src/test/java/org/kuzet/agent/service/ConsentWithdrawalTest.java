package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.core.testing.TickingClock;

/**
 * {@code kuzet consent --withdraw} (deleting the consent record) while the service runs on loopback, with the real
 * store wiring and a collector on loopback: no run starts and nothing more reaches the collector, whatever asks
 * for an upload. Time is a fake clock moved by the service's own waits; nothing sleeps.
 */
class ConsentWithdrawalTest {
  private static final Instant DAY = Instant.parse("2026-11-23T00:00:00Z");

  @TempDir Path dir;
  private final FakeDnsServer dns = new FakeDnsServer();
  private final TickingClock clock = TickingClock.at(DAY.plusSeconds(30));
  private final AgentMetrics metrics = new AgentMetrics(clock);
  private final StringWriter log = new StringWriter();
  private SqliteCollectorStore collectorStore;
  private CollectorServer collector;
  private Path db;

  @BeforeEach
  void setUp() throws IOException {
    dns.nxdomain("gone.kz");
    collectorStore = SqliteCollectorStore.open(dir.resolve("collector.db"));
    collector = CollectorServer.builder(collectorStore).start();
    db = dir.resolve("kuzet.db");
    ConsentFile.write(db, new Consent(DAY, true, ConsentText.VERSION));
    Files.writeString(dir.resolve("urls.txt"), "http://gone.kz/\n");
  }

  @AfterEach
  void tearDown() throws IOException {
    dns.close();
    collector.close();
    collectorStore.close();
  }

  private KuzetConfig config(String collectorUrl) {
    return ConfigLoader.parse("t", "[schedule]\ninterval = 6h\njitter = 0\n[targets]\nfiles = urls.txt\n"
        + "[upload]\nenabled = true\ncollector = " + collectorUrl + "\n", dir);
  }

  private ResultsStoreWiring wiring() {
    return new ResultsStoreWiring((r, b) -> b.systemResolvers(List.of(dns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .dnsTimeout(Duration.ofSeconds(1)).build());
  }

  private ConnectivityCheck online() {
    return new ConnectivityCheck(NetworkState.ONLINE, clock.instant(), LocalNetwork.Link.up("test"), List.of(),
        List.of());
  }

  @Test
  void afterWithdrawalNoRunStartsAndNothingMoreIsUploaded() throws Exception {
    KuzetConfig config = config(collector.uploadUri().toString());
    ResultsStoreWiring wiring = wiring();
    ServiceWiring.Bound bound = wiring.open(new ServiceWiring.Context(config, clock, metrics, true,
        new PrintWriter(log), ConsentGate.besideDatabase(db)));
    AtomicInteger runs = new AtomicInteger();
    RunExecutor counting = r -> {
      runs.incrementAndGet();
      return bound.executor().run(r);
    };
    AgentService[] service = new AgentService[1];
    service[0] = AgentService.builder().clock(clock).config(ConfigSource.fixed(config)).connectivity(this::online)
        .consent(ConsentGate.besideDatabase(db)).timeline(bound.timeline()).executor(counting).metrics(metrics)
        .upload(true).random(new java.util.Random(1)).log(new PrintWriter(log))
        .waiter((until, stop) -> {
          try {
            if (runs.get() == 1 && Files.exists(ConsentFile.path(db))) {
              wiring.background.awaitIdle(); // the 06:00 run is uploaded, then the volunteer withdraws
              assertEquals(1, collectorStore.count(), log.toString());
              ConsentFile.delete(db);
            }
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          if (until.isAfter(DAY.plus(Duration.ofHours(20)))) {
            service[0].stop();
          } else {
            clock.set(until);
          }
        }).build();
    try {
      service[0].run();
      wiring.background.awaitIdle();
    } finally {
      bound.close();
    }

    assertEquals(1, runs.get(), "the 12:00 and 18:00 runs are skipped: " + log);
    assertEquals(1, collectorStore.count(), "nothing uploaded after the withdrawal: " + log);
    assertTrue(log.toString().contains("regular run skipped: consent withdrawn or none recorded"), log.toString());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(1, store.runs().lastRun().orElseThrow().id(), "no run recorded after the withdrawal");
    }
  }

  @Test
  void theUploadWhenTheNetworkComesBackChecksConsentFirst() throws Exception {
    // The collector is down at start: two measurements stay queued.
    InetAddress a = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(a);
    KuzetConfig config = config("http://" + a.getHostAddress() + ":" + port);
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.SCHEDULED, null, "test", NetworkState.OFFLINE, DAY);
      for (String url : List.of("https://a.kz/", "https://b.kz/")) {
        store.measurements().save(run, url, "kz", null, TestMeasurements.accessible(url, DAY));
      }
      store.runs().finishRun(run, DAY.plusSeconds(10));
    }
    ResultsStoreWiring wiring = wiring();
    ServiceWiring.Bound bound = wiring.open(new ServiceWiring.Context(config, clock, metrics, true,
        new PrintWriter(log), ConsentGate.besideDatabase(db)));
    CollectorServer back = null;
    try {
      wiring.background.awaitIdle();
      assertTrue(log.toString().contains("2 retried"), log.toString());
      ConsentFile.delete(db); // withdrawn during the outage
      back = CollectorServer.builder(collectorStore).listen(new InetSocketAddress(a, port)).start();
      bound.timeline().opened(new ConnectivityEvent(NetworkState.OFFLINE, DAY, null), null);
      bound.timeline().closed(new ConnectivityEvent(NetworkState.OFFLINE, DAY, DAY.plusSeconds(300)));
      bound.timeline().opened(new ConnectivityEvent(NetworkState.ONLINE, DAY.plusSeconds(300), null), null);
      wiring.background.awaitIdle();
    } finally {
      bound.close();
      if (back != null) {
        back.close();
      }
    }
    assertEquals(0, collectorStore.count(), log.toString());
    assertTrue(log.toString().contains("upload (network back online) skipped: consent withdrawn or none recorded"),
        log.toString());
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      assertEquals(2, store.uploadQueue().counts().pending(), "kept queued");
    }
  }
}
