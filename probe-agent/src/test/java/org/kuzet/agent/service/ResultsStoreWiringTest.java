package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.schedule.Slot;
import org.kuzet.agent.store.ConnectivityRecord;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.connectivity.AnchorResult;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.core.testing.TlsSites;

/** The service's runs and outage timeline, stored in the real results store. */
class ResultsStoreWiringTest {
  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();
  private MockWebServer site;

  @AfterEach
  void close() {
    dns.close();
    if (site != null) {
      site.close();
    }
  }

  private static RunRequest request(KuzetConfig config, Slot slot, NetworkState state) {
    Instant now = Instant.now();
    return new RunRequest(slot, now, config.targets(), config,
        new ConnectivityCheck(state, now, LocalNetwork.Link.up("eth0 192.168.1.23"), List.of(), List.of()), false,
        new AgentMetrics(Clock.systemUTC()).listener(), () -> false, since -> state);
  }

  @Test
  void aScheduledRunIsStoredWhole() throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    site = TlsSites.http(ip);
    site.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    dns.answer("news.kz", ip.getHostAddress());
    dns.nxdomain("gone.kz");
    Files.writeString(dir.resolve("urls.txt"), TlsSites.httpUrl(site, "news.kz", "/") + "\nhttp://gone.kz/\n");
    KuzetConfig config = ConfigLoader.parse("t", "[targets]\nfiles = urls.txt\n", dir);

    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      MeasuringRunExecutor executor = new MeasuringRunExecutor(ResultsStoreWiring.runStore(store, Clock.systemUTC()),
          (r, b) -> b.systemResolvers(List.of(dns.address()))
              .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
              .dnsTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5))
              .httpTimeout(Duration.ofSeconds(10)).build(),
          Clock.systemUTC(), new PrintWriter(new StringWriter()));
      Instant now = Instant.now();
      RunOutcome outcome = executor.run(request(config, new Slot(now, now, null), NetworkState.ONLINE));

      assertEquals(new RunOutcome(2, 0, false), outcome);
      RunRecord run = store.runs().lastRun().orElseThrow();
      assertEquals(Trigger.SCHEDULED, run.trigger());
      assertEquals(NetworkState.ONLINE, run.connectivity());
      assertEquals(2, run.measurementCount());
      assertNotNull(run.endedAt());
      List<StoredMeasurement> stored = store.measurements().find(MeasurementFilter.all());
      assertEquals(2, stored.size());
      assertTrue(stored.stream().allMatch(m -> "urls.txt".equals(m.targetList()) && "pending".equals(m.uploadState())));
    }
  }

  @Test
  void aCampaignRunCarriesItsName() throws Exception {
    KuzetConfig config = ConfigLoader.parse("t", "", dir);
    Instant now = Instant.now();
    KuzetConfig.Campaign campaign = new KuzetConfig.Campaign("election-2026", now, now.plusSeconds(3600),
        Duration.ofMinutes(15), Duration.ofMinutes(1), config.targets());
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      RunStore.Recorder recorder = ResultsStoreWiring.runStore(store, Clock.systemUTC())
          .begin(request(config, new Slot(now, now, campaign), NetworkState.DOMESTIC_ONLY), "r", List.of());
      recorder.save(TestMeasurements.accessible("https://a.kz/", now));
      recorder.finish(new RunOutcome(1, 0, false));
      RunRecord run = store.runs().lastRun().orElseThrow();
      assertEquals(Trigger.CAMPAIGN, run.trigger());
      assertEquals("election-2026", run.campaign());
      assertEquals(NetworkState.DOMESTIC_ONLY, run.connectivity());
      assertEquals(1, run.measurementCount());
    }
  }

  @Test
  void theOutageTimelineIsStoredWithoutLocalAddresses() {
    Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
    Anchor foreign = new Anchor(Anchor.Kind.TCP, new InetSocketAddress("203.0.113.7", 443), null);
    ConnectivityCheck check = new ConnectivityCheck(NetworkState.DOMESTIC_ONLY, t0,
        LocalNetwork.Link.up("eth0 192.168.1.23"), List.of(), List.of(new AnchorResult(foreign, "generic_timeout_error")));
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      ConnectivityLog log = ResultsStoreWiring.timeline(store, new PrintWriter(new StringWriter()));
      log.opened(new ConnectivityEvent(NetworkState.DOMESTIC_ONLY, t0, null), check);
      assertEquals(NetworkState.DOMESTIC_ONLY, store.connectivity().currentConnectivity().orElseThrow().state());
      log.closed(new ConnectivityEvent(NetworkState.DOMESTIC_ONLY, t0, t0.plusSeconds(600)));
      ConnectivityRecord event = store.connectivity().connectivityEvents(null, null).get(0);
      assertEquals(t0.plusSeconds(600), event.endedAt());
      assertTrue(event.detailJson().contains("generic_timeout_error"), event.detailJson());
      assertTrue(event.detailJson().contains("203.0.113.7:443"), event.detailJson());
      assertFalse(event.detailJson().contains("192.168.1.23"), "the volunteer's address is never stored");
      assertNull(store.connectivity().currentConnectivity().orElse(null));
    }
  }

  @Test
  void retentionPrunesAfterARunAndSaysWhat() {
    KuzetConfig config = ConfigLoader.parse("t", "[store]\nretention = 30d\n", dir);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    StringWriter log = new StringWriter();
    ServiceWiring.Context context = new ServiceWiring.Context(config,
        Clock.fixed(t0.plus(Duration.ofDays(40)), java.time.ZoneOffset.UTC),
        new AgentMetrics(Clock.systemUTC()), false, new PrintWriter(log));
    try (ResultsStore store = ResultsStore.open(dir.resolve("kuzet.db"))) {
      long run = store.runs().beginRun(Trigger.SCHEDULED, null, "0.1.0", NetworkState.ONLINE, t0);
      store.measurements().save(run, "https://a.kz/", "kz", "NEWS", TestMeasurements.accessible("https://a.kz/", t0));
      store.runs().finishRun(run, t0.plusSeconds(60));
      store.measurements().save(run, "https://b.kz/", "kz", "NEWS",
          TestMeasurements.accessible("https://b.kz/", t0.plus(Duration.ofDays(35))));

      ResultsStoreWiring.prune(context, store, config.retention(), false);

      assertEquals(1, store.status().statusCounts().measurements(), "only the measurement older than 30 days went");
      assertTrue(log.toString().contains("retention 30d: deleted 1 measurement(s)"), log.toString());
    }
  }
}
