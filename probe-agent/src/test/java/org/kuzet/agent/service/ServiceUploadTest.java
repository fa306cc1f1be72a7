package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.kuzet.agent.schedule.Slot;
import org.kuzet.agent.store.ConnectivityRecord;
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
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.core.testing.TickingClock;

/**
 * The service's store wiring with upload on: the queue drains to a real collector on loopback after each run, and
 * when an outage ends; a connectivity event left open by a crash is closed at start. Time is a fake clock.
 */
class ServiceUploadTest {
  private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  @TempDir Path dir;
  private final FakeDnsServer dns = new FakeDnsServer();
  private final TickingClock clock = TickingClock.at(T0);
  private final AgentMetrics metrics = new AgentMetrics(clock);
  private final StringWriter log = new StringWriter();
  private SqliteCollectorStore collectorStore;
  private CollectorServer collector;

  @BeforeEach
  void setUp() throws IOException {
    dns.nxdomain("gone.kz");
    collectorStore = SqliteCollectorStore.open(dir.resolve("collector.db"));
    collector = CollectorServer.builder(collectorStore).start();
  }

  @AfterEach
  void tearDown() throws IOException {
    dns.close();
    collector.close();
    collectorStore.close();
  }

  private KuzetConfig config(boolean uploadEnabled) throws IOException {
    Files.writeString(dir.resolve("urls.txt"), "http://gone.kz/\n");
    consent();
    return ConfigLoader.parse("t", "[targets]\nfiles = urls.txt\n[upload]\nenabled = " + uploadEnabled
        + "\ncollector = " + collector.uploadUri() + "\n", dir);
  }

  /** The service reads consent before every upload: the volunteer agreed to upload. */
  private void consent() throws IOException {
    ConsentFile.write(dir.resolve("kuzet.db"), new Consent(T0, true, ConsentText.VERSION));
  }

  private ResultsStoreWiring wiring() {
    return new ResultsStoreWiring((r, b) -> b.systemResolvers(List.of(dns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .dnsTimeout(Duration.ofSeconds(5)).build());
  }

  private RunRequest request(KuzetConfig config) {
    Instant now = clock.instant();
    return new RunRequest(new Slot(now, now, null), now, config.targets(), config,
        new ConnectivityCheck(NetworkState.ONLINE, now, LocalNetwork.Link.up("test"), List.of(), List.of()), true,
        metrics.listener(), () -> false, since -> NetworkState.ONLINE);
  }

  @Test
  void aRunIsUploadedAfterItEnds() throws Exception {
    KuzetConfig config = config(true);
    ServiceWiring.Bound bound = wiring().open(new ServiceWiring.Context(config, clock, metrics, true,
        new PrintWriter(log)));
    RunOutcome outcome = bound.executor().run(request(config));
    assertEquals(1, outcome.measured());
    bound.close(); // waits for the upload in progress

    assertEquals(1, collectorStore.count(), log.toString());
    assertTrue(log.toString().contains("upload (after the run): 1 uploaded"), log.toString());
    try (ResultsStore store = ResultsStore.openReadOnly(config.database())) {
      assertEquals(1, store.uploadQueue().counts().uploaded());
    }
    assertTrue(metrics.scrape().contains("kuzet_last_upload_success_timestamp_seconds "
        + (double) T0.getEpochSecond()), metrics.scrape());
    assertTrue(Files.exists(dir.resolve("probe-key")), "the probe key lives beside the database");
  }

  @Test
  void withUploadOffNothingIsSent() throws Exception {
    KuzetConfig config = config(false);
    ServiceWiring.Bound bound = wiring().open(new ServiceWiring.Context(config, clock, metrics, false,
        new PrintWriter(log)));
    bound.executor().run(request(config));
    assertTrue(metrics.scrape().contains("kuzet_upload_queue_depth 1.0"), metrics.scrape());
    bound.close();
    assertEquals(0, collectorStore.count());
    try (ResultsStore store = ResultsStore.openReadOnly(config.database())) {
      assertEquals(1, store.uploadQueue().counts().pending());
    }
  }

  @Test
  void theQueueDrainsWhenAnOutageEndsOnline() {
    AtomicInteger drains = new AtomicInteger();
    ConnectivityLog log = ResultsStoreWiring.whenBackOnline(ConnectivityLog.NONE, drains::incrementAndGet);
    log.opened(new ConnectivityEvent(NetworkState.ONLINE, T0, null), null);
    assertEquals(0, drains.get(), "the first state is not a return");
    log.closed(new ConnectivityEvent(NetworkState.ONLINE, T0, T0.plusSeconds(60)));
    log.opened(new ConnectivityEvent(NetworkState.DOMESTIC_ONLY, T0.plusSeconds(60), null), null);
    log.closed(new ConnectivityEvent(NetworkState.DOMESTIC_ONLY, T0.plusSeconds(60), T0.plusSeconds(120)));
    log.opened(new ConnectivityEvent(NetworkState.OFFLINE, T0.plusSeconds(120), null), null);
    assertEquals(0, drains.get(), "one outage state after another: still out");
    log.closed(new ConnectivityEvent(NetworkState.OFFLINE, T0.plusSeconds(120), T0.plusSeconds(180)));
    log.opened(new ConnectivityEvent(NetworkState.ONLINE, T0.plusSeconds(180), null), null);
    assertEquals(1, drains.get());
  }

  @Test
  void theServiceUploadsWhenTheNetworkComesBack() throws Exception {
    Instant day = Instant.parse("2026-11-23T00:00:00Z");
    clock.set(day.plusSeconds(30));
    java.net.InetAddress a = org.kuzet.core.testing.LoopbackAddresses.next();
    int port = org.kuzet.core.testing.LoopbackAddresses.closedPort(a);
    Files.writeString(dir.resolve("urls.txt"), "http://gone.kz/\n");
    consent();
    KuzetConfig config = ConfigLoader.parse("t", "[schedule]\ninterval = 6h\njitter = 0\n[targets]\nfiles = urls.txt\n"
        + "[upload]\nenabled = true\ncollector = http://" + a.getHostAddress() + ":" + port + "\n", dir);
    try (ResultsStore store = ResultsStore.open(config.database())) {
      long run = store.runs().beginRun(Trigger.SCHEDULED, null, "test", NetworkState.OFFLINE, day);
      for (String url : List.of("https://a.kz/", "https://b.kz/")) {
        store.measurements().save(run, url, "kz", null, TestMeasurements.accessible(url, day));
      }
      store.runs().finishRun(run, day.plusSeconds(10));
    }
    ResultsStoreWiring wiring = wiring();
    ServiceWiring.Bound bound = wiring.open(new ServiceWiring.Context(config, clock, metrics, true,
        new PrintWriter(log)));
    wiring.background.awaitIdle(); // the drain at start found the collector down
    assertTrue(log.toString().contains("upload (at start): 0 uploaded, 0 duplicate, 0 rejected, 2 retried"),
        log.toString());
    CollectorServer back = CollectorServer.builder(collectorStore).listen(new java.net.InetSocketAddress(a, port))
        .start();
    try {
      Instant online = day.plusSeconds(300);
      AgentService[] service = new AgentService[1];
      service[0] = AgentService.builder().clock(clock).config(ConfigSource.fixed(config))
          .connectivity(() -> new ConnectivityCheck(clock.instant().isBefore(online) ? NetworkState.OFFLINE
              : NetworkState.ONLINE, clock.instant(), LocalNetwork.Link.up("test"), List.of(), List.of()))
          .consent(ConsentGate.besideDatabase(config.database()))
          .timeline(bound.timeline()).executor(bound.executor()).metrics(metrics).upload(true)
          .waiter((until, stop) -> {
            if (until.isAfter(day.plusSeconds(600))) {
              service[0].stop();
            } else {
              clock.set(until);
            }
          })
          .random(new java.util.Random(1)).log(new PrintWriter(log)).build();
      service[0].run();
      wiring.background.awaitIdle();
      assertTrue(log.toString().contains("upload (network back online): 2 uploaded"), log.toString());
      assertEquals(2, collectorStore.count());
    } finally {
      bound.close();
      back.close();
    }
  }

  @Test
  void anEventLeftOpenByACrashIsClosedAtTheLastKnownMoment() throws Exception {
    KuzetConfig config = config(false);
    try (ResultsStore store = ResultsStore.open(config.database())) {
      store.connectivity().openConnectivityEvent(NetworkState.OFFLINE, T0, null);
      long run = store.runs().beginRun(Trigger.SCHEDULED, null, "test", NetworkState.OFFLINE, T0.plusSeconds(300));
      store.measurements().save(run, "https://a.kz/", "kz", null, TestMeasurements.accessible("https://a.kz/", T0.plusSeconds(420)));
      // killed here: the run and the event stay open
    }
    clock.set(T0.plusSeconds(7200));
    wiring().open(new ServiceWiring.Context(config, clock, metrics, false, new PrintWriter(log))).close();

    try (ResultsStore store = ResultsStore.openReadOnly(config.database())) {
      assertNull(store.connectivity().currentConnectivity().orElse(null));
      ConnectivityRecord e = store.connectivity().connectivityEvents(null, null).get(0);
      assertEquals(T0.plusSeconds(420), e.endedAt(), "the newest measurement, not the restart");
      assertTrue(e.detailJson().contains("at restart"), e.detailJson());
    }
    assertTrue(log.toString().contains("closed the connectivity event left open"), log.toString());
    ServiceWiring.Bound again = wiring().open(new ServiceWiring.Context(config, clock, metrics, false,
        new PrintWriter(log)));
    again.close();
    assertFalse(log.toString().indexOf("left open") != log.toString().lastIndexOf("left open"),
        "nothing to close the second time");
  }
}
