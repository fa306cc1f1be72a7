package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.schedule.InstanceLock;
import org.kuzet.agent.service.AgentService;
import org.kuzet.agent.service.ConnectivityLog;
import org.kuzet.agent.service.RunOutcome;
import org.kuzet.agent.service.ServiceWiring;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.testing.LoopbackAddresses;

/** The refusals of {@code kuzet service}, each before it measures anything. */
class ServiceCommandTest {
  @TempDir Path dir;

  @Test
  void aSecondServiceOnTheSameDatabaseRefusesWithAClearMessage() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Path db = dir.resolve("kuzet.db");
    Files.writeString(conf, "[store]\ndatabase = kuzet.db\n");
    ConsentFile.write(db, new Consent(Instant.parse("2026-01-01T00:00:00Z"), false, ConsentText.VERSION));
    try (InstanceLock first = InstanceLock.acquire(db)) {
      CliRun second = CliRun.of("service", "--config", conf.toString());
      assertEquals(1, second.exit());
      assertTrue(second.err().startsWith("kuzet service: another kuzet service (process "), second.err());
      assertTrue(second.err().contains("is already running on " + db), second.err());
      assertEquals(1, second.err().strip().lines().count(), "one line, no stack trace: " + second.err());
    }
  }

  @Test
  void withoutConsentItRefusesInTheLanguageOfItsLocale() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Path db = dir.resolve("kuzet.db");
    Files.writeString(conf, "[store]\ndatabase = kuzet.db\n");
    CliRun ru = CliRun.inEnvironment(java.util.Map.of("LANG", "ru_RU.UTF-8"), "service", "--config", conf.toString());
    assertEquals(Main.EXIT_USAGE, ru.exit(), ru.err());
    assertEquals("kuzet service: согласие для " + db + " не записано; служба не запускается. Выполните 'kuzet consent"
        + " --config " + Shell.quote(conf.toString()) + "' один раз в терминале (или 'kuzet consent --config "
        + Shell.quote(conf.toString()) + " --yes' в скрипте установки, прочитав 'kuzet consent --show')",
        ru.err().strip());
    CliRun kk = CliRun.inEnvironment(java.util.Map.of("LANG", "ru_RU.UTF-8", "KUZET_LANG", "kk"), "service",
        "--config", conf.toString());
    assertTrue(kk.err().startsWith("kuzet service: " + db + " үшін келісім жазылмаған; қызмет іске қосылмайды."),
        "KUZET_LANG (the unit's Environment=) wins over the locale: " + kk.err());
    ConsentFile.write(db, new Consent(Instant.parse("2026-01-01T00:00:00Z"), false, ConsentText.VERSION));
    try (InstanceLock first = InstanceLock.acquire(db)) {
      CliRun second = CliRun.of("service", "--config", conf.toString(), "--lang", "kk");
      assertEquals(1, second.exit());
      assertTrue(second.err().startsWith("kuzet service: басқа kuzet қызметі (процесс "), second.err());
    }
  }

  @Test
  void aBadConfigIsNamedWithItsLine() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, "[metrics]\nlisten = 0.0.0.0:9464\n");
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().startsWith("kuzet service: kuzet.conf:2: [metrics] listen: 0.0.0.0 is not a loopback"),
        run.err());
  }

  @Test
  void aDamagedResultsDatabaseStopsTheServiceAndIsLeftUntouched() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Path db = dir.resolve("kuzet.db");
    Files.writeString(conf, "[store]\ndatabase = kuzet.db\n");
    Files.writeString(db, "not a database\n");
    ConsentFile.write(db, new Consent(Instant.parse("2026-01-01T00:00:00Z"), false, ConsentText.VERSION));
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("not an SQLite database"), run.err());
    assertEquals("not a database\n", Files.readString(db));
  }

  @Test
  void startsServesMetricsOnLoopbackAndStopsCleanly() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Path db = dir.resolve("kuzet.db");
    java.net.InetAddress closedIp = LoopbackAddresses.next();
    int closed = LoopbackAddresses.closedPort(closedIp);
    // Loopback anchors only: the service must not reach for the internet's resolvers in a test.
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Files.writeString(conf, "[store]\ndatabase = kuzet.db\n[metrics]\nlisten = 127.0.0.1:" + port + "\n"
        + "[connectivity]\ndomestic = tcp " + closedIp.getHostAddress() + ":" + closed + "\n"
        + "foreign = tcp " + closedIp.getHostAddress() + ":" + closed + "\n");
    ConsentFile.write(db, new Consent(Instant.parse("2026-01-01T00:00:00Z"), false, ConsentText.VERSION));
    java.util.List<String> timeline = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<AgentService> started = new java.util.concurrent.CompletableFuture<>();
    ServiceWiring before = ServiceCommand.wiring;
    ServiceCommand.wiring = context -> new ServiceWiring.Bound() {
      @Override
      public org.kuzet.agent.service.RunExecutor executor() {
        return r -> new RunOutcome(0, 0, false);
      }

      @Override
      public ConnectivityLog timeline() {
        return new ConnectivityLog() {
          @Override
          public void opened(ConnectivityEvent e, ConnectivityCheck evidence) {
            timeline.add("open " + e.state().wire());
            opened.countDown();
          }

          @Override
          public void closed(ConnectivityEvent e) {
            timeline.add("close " + e.state().wire());
          }
        };
      }

      @Override
      public void close() {}
    };
    ServiceCommand.onStart = started::complete;
    ServiceCommand.metricsAddress = null;
    try {
      java.util.concurrent.CompletableFuture<CliRun> run = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> CliRun.of("service", "--config", conf.toString()));
      AgentService service = started.applyToEither(run.thenApply(r -> {
        throw new AssertionError("the service ended before it started: " + r);
      }), s -> s).get(30, java.util.concurrent.TimeUnit.SECONDS);
      opened.await(30, java.util.concurrent.TimeUnit.SECONDS);
      // While it runs: a second service is refused, and metrics are served on loopback.
      assertTrue(CliRun.of("service", "--config", conf.toString()).err().contains("already running"));
      java.net.InetSocketAddress metrics = ServiceCommand.metricsAddress;
      assertEquals(new java.net.InetSocketAddress("127.0.0.1", port), metrics);
      String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + metrics.getPort() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(scrape.contains("kuzet_connectivity_state{state=\"offline\"} 1.0")
          || scrape.contains("kuzet_connectivity_state{state=\"no_local_network\"} 1.0"), scrape);
      service.stop(); // what the SIGTERM hook does
      CliRun result = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(0, result.exit(), result.err());
      assertTrue(result.err().contains("kuzet service: stopped"), result.err());
      assertEquals(2, timeline.size(), "one event opened, and closed on the way out: " + timeline);
      assertTrue(timeline.get(1).startsWith("close "), timeline.toString());
      try (InstanceLock again = InstanceLock.acquire(db)) {
        assertTrue(Files.exists(again.file()), "the lock was released");
      }
    } finally {
      ServiceCommand.wiring = before;
      ServiceCommand.onStart = s -> {};
    }
  }
}
