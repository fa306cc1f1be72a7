package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Verdict;
import org.kuzet.targets.Target;

/** The measuring executor against a loopback world, with an in-memory store. */
class MeasuringRunExecutorTest {
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

  /** What the store received. */
  private static final class MemoryStore implements RunStore {
    final List<Measurement> saved = new ArrayList<>();
    final List<RunOutcome> finished = new ArrayList<>();
    int targets;

    @Override
    public Recorder begin(RunRequest request, String reportId, List<Target> list) {
      targets = list.size();
      return new Recorder() {
        @Override
        public void save(Measurement m) {
          saved.add(m);
        }

        @Override
        public void finish(RunOutcome outcome) {
          finished.add(outcome);
        }
      };
    }
  }

  private KuzetConfig world() throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    site = TlsSites.http(ip);
    site.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    dns.answer("news.kz", ip.getHostAddress());
    dns.nxdomain("gone.kz");
    Files.writeString(dir.resolve("urls.txt"), TlsSites.httpUrl(site, "news.kz", "/") + "\nhttp://gone.kz/\n");
    return ConfigLoader.parse("t", "[targets]\nfiles = urls.txt\n", dir);
  }

  private MeasuringRunExecutor executor(MemoryStore store) {
    return new MeasuringRunExecutor(store, (request, b) -> b
        .systemResolvers(List.of(dns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .dnsTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5)).httpTimeout(Duration.ofSeconds(10))
        .build(), Clock.systemUTC(), new PrintWriter(new StringWriter()));
  }

  private static RunRequest request(KuzetConfig config, NetworkState state, AgentMetrics metrics, boolean stop) {
    Instant now = Instant.now();
    return new RunRequest(new Slot(now, now, null), now, config.targets(), config,
        new ConnectivityCheck(state, now, LocalNetwork.Link.up("test"), List.of(), List.of()), false,
        metrics.listener(), () -> stop, since -> state);
  }

  @Test
  void measuresEveryTargetAndStoresEachWhole() throws Exception {
    KuzetConfig config = world();
    MemoryStore store = new MemoryStore();
    AgentMetrics metrics = new AgentMetrics(Clock.systemUTC());
    RunOutcome outcome = executor(store).run(request(config, NetworkState.ONLINE, metrics, false));
    assertEquals(new RunOutcome(2, 0, false), outcome);
    assertEquals(List.of(outcome), store.finished);
    assertEquals(2, store.targets);
    assertTrue(store.saved.stream().noneMatch(m -> m.testKeys().xVerdict() == Verdict.OFFLINE));
    String scrape = metrics.scrape();
    assertTrue(scrape.contains("kuzet_step_duration_seconds_count{failure=\"none\",step=\"http\"}"), scrape);
    assertTrue(scrape.contains("step=\"dns\""), scrape);
  }

  @Test
  void messengersSwitchedOnAreCheckedAfterTheRunAndStoredThroughTheSameStore() throws Exception {
    world();
    KuzetConfig config = ConfigLoader.parse("t", "[targets]\nfiles = urls.txt\n[messengers]\nscheduled = on\n", dir);
    org.kuzet.core.messengers.MessengerEndpoints endpoints = org.kuzet.core.messengers.MessengerEndpoints.bundled();
    for (org.kuzet.core.messengers.Messenger m : org.kuzet.core.messengers.Messenger.values()) {
      endpoints.app(m).connect().forEach(c -> c.hosts().forEach(dns::nxdomain));
      endpoints.app(m).fetch().forEach(f -> dns.nxdomain(okhttp3.HttpUrl.get(f.url()).host()));
    }
    InetAddress closed = LoopbackAddresses.next();
    java.net.InetSocketAddress nowhere = new java.net.InetSocketAddress(closed, LoopbackAddresses.closedPort(closed));
    MemoryStore store = new MemoryStore();
    RunOutcome outcome = executor(store).messengerMap(a -> nowhere)
        .run(request(config, NetworkState.ONLINE, new AgentMetrics(Clock.systemUTC()), false));
    assertEquals(new RunOutcome(5, 0, false), outcome);
    assertEquals(List.of("web_connectivity", "web_connectivity", "whatsapp", "telegram", "signal"),
        store.saved.stream().map(Measurement::testName).sorted(java.util.Comparator.comparing(
            n -> n.equals("web_connectivity") ? 0 : n.equals("whatsapp") ? 1 : n.equals("telegram") ? 2 : 3))
            .toList());
    assertTrue(store.saved.stream().filter(m -> !m.testName().equals("web_connectivity"))
        .allMatch(m -> m.testKeys().xVerdict() == Verdict.BLOCKED));
  }

  @Test
  void regularRunsLeaveTheMessengersOutByDefault() throws Exception {
    KuzetConfig config = world();
    MemoryStore store = new MemoryStore();
    RunOutcome outcome = executor(store).messengerMap(a -> {
      throw new AssertionError("no messenger is checked in a regular run by default");
    }).run(request(config, NetworkState.ONLINE, new AgentMetrics(Clock.systemUTC()), false));
    assertEquals(new RunOutcome(2, 0, false), outcome, "nothing else measured, nothing failed");
    assertTrue(store.saved.stream().allMatch(m -> m.testName().equals("web_connectivity")));
  }

  @Test
  void whileTheNetworkIsDownEveryMeasurementIsOffline() throws Exception {
    KuzetConfig config = world();
    MemoryStore store = new MemoryStore();
    executor(store).run(request(config, NetworkState.DOMESTIC_ONLY, new AgentMetrics(Clock.systemUTC()), false));
    assertEquals(2, store.saved.size());
    assertTrue(store.saved.stream().allMatch(m -> m.testKeys().xVerdict() == Verdict.OFFLINE
        && m.testKeys().xSignals().isEmpty()));
    assertNotEquals(0, store.saved.get(0).testKeys().queries().size(), "observations kept");
  }

  @Test
  void aStoppingServiceSavesNothingHalfDone() throws Exception {
    KuzetConfig config = world();
    MemoryStore store = new MemoryStore();
    RunOutcome outcome = executor(store).run(request(config, NetworkState.ONLINE,
        new AgentMetrics(Clock.systemUTC()), true));
    assertTrue(outcome.stopped());
    assertEquals(List.of(), store.saved);
    assertEquals(List.of(outcome), store.finished, "the run's record is still closed");
  }
  @Test
  void eachRunLooksTheNetworkUpAndEveryMeasurementCarriesIt() throws Exception {
    world();
    Files.write(dir.resolve("ip.bin.gz"), org.kuzet.core.identity.IpDatabaseWriter.fromCsv(
        "198.51.100.0,198.51.100.255,9198,JSC Kazakhtelecom\n", "198.51.100.0,198.51.100.255,KZ\n", "test"));
    dns.answer(org.kuzet.core.identity.IdentityLookup.WHOAMI_NAME, "198.51.100.53");
    try (org.kuzet.core.testing.StunResponder stun =
        new org.kuzet.core.testing.StunResponder(InetAddress.getByName("198.51.100.77"))) {
      KuzetConfig config = ConfigLoader.parse("t", "[targets]\nfiles = urls.txt\n[probe]\nstun_servers = "
          + stun.hostPort() + "\nip_database = ip.bin.gz\n", dir);
      MemoryStore store = new MemoryStore();
      StringWriter log = new StringWriter();
      new MeasuringRunExecutor(store, (request, b) -> b
          .systemResolvers(List.of(dns.address()))
          .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
          .dnsTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2)).httpTimeout(Duration.ofSeconds(2))
          .build(), Clock.systemUTC(), new PrintWriter(log))
          .run(request(config, NetworkState.ONLINE, new AgentMetrics(Clock.systemUTC()), false));
      assertEquals(2, store.saved.size());
      for (Measurement m : store.saved) {
        assertEquals("AS9198", m.probeAsn());
        assertEquals("KZ", m.probeCc());
        assertEquals("JSC Kazakhtelecom", m.probeNetworkName());
        assertEquals("AS9198", m.resolverAsn());
      }
      assertTrue(log.toString().contains("network AS9198 (JSC Kazakhtelecom), KZ"), log.toString());
      assertTrue(!log.toString().contains("198.51.100.77") && !log.toString().contains("198.51.100.53"),
          log.toString());
    }
  }
}
