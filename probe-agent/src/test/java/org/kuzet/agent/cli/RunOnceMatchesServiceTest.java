package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.run.RunPlan;
import org.kuzet.agent.schedule.Slot;
import org.kuzet.agent.service.MeasuringRunExecutor;
import org.kuzet.agent.service.ResultsStoreWiring;
import org.kuzet.agent.service.RunOutcome;
import org.kuzet.agent.service.RunRequest;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TlsSites;
import picocli.CommandLine;

/**
 * {@code kuzet run --once --config FILE} and {@code kuzet service} with the same FILE measure the same targets with
 * the same settings, {@code [network] resolvers} included: both build their run with {@code agent.run.RunPlans}.
 * (Before, {@code run --once} ignored the config's resolvers.)
 */
class RunOnceMatchesServiceTest {
  @TempDir Path dir;

  private final FakeDnsServer system = new FakeDnsServer();
  /** The config's {@code [network] resolvers}: counts the queries it gets. */
  private final FakeDnsServer configured = new FakeDnsServer();
  private MockWebServer site;

  @AfterEach
  void close() {
    system.close();
    configured.close();
    if (site != null) {
      site.close();
    }
  }

  /** A config naming one loopback site in a list file, the counting resolver, no control, no lookup. */
  private Path config() throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    site = TlsSites.http(ip);
    for (int i = 0; i < 4; i++) {
      site.enqueue(new MockResponse.Builder().body("<title>News</title>").build());
    }
    system.answer("news.kz", ip.getHostAddress());
    configured.answer("news.kz", ip.getHostAddress());
    Files.writeString(dir.resolve("urls.txt"), TlsSites.httpUrl(site, "news.kz", "/") + "\n");
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, "[targets]\nfiles = urls.txt\n"
        + "[network]\nresolvers = " + configured.address().getAddress().getHostAddress() + ":" + configured.port()
        + "\n[control]\nurls = none\n[probe]\nlookup = off\n[store]\ndatabase = service.db\n");
    return conf;
  }

  private static RunRequest request(KuzetConfig config) {
    Instant now = Instant.now();
    return new RunRequest(new Slot(now, now, null), now, config.targets(), config,
        new ConnectivityCheck(NetworkState.ONLINE, now, LocalNetwork.Link.up("test"), List.of(), List.of()), false,
        new AgentMetrics(Clock.systemUTC()).listener(), () -> false, since -> NetworkState.ONLINE);
  }

  /** The plan {@code kuzet run} makes of {@code args}, without running it. */
  private static RunPlan runOncePlan(String... args) {
    KuzetCommand root = new KuzetCommand();
    CommandLine cli = new CommandLine(root);
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    CommandLine run = parsed.subcommand().commandSpec().commandLine();
    RunCommand command = run.getCommand();
    PrintWriter err = new PrintWriter(new StringWriter());
    Optional<KuzetConfig> cfg = OptionalConfig.load(command.config, command.spec);
    return command.plan(command.flags(cfg, err), null);
  }

  @Test
  void bothBuildTheSamePlanFromTheSameConfig() throws Exception {
    Path conf = config();
    KuzetConfig config = ConfigLoader.load(conf);
    RunPlan service = new MeasuringRunExecutor((request, reportId, targets) -> null, (request, b) -> b.build(), Clock.systemUTC(),
        new PrintWriter(new StringWriter())).plan(request(config));
    RunPlan once = runOncePlan("run", "--once", "--config", conf.toString());

    assertEquals(service.targets(), once.targets());
    assertEquals(service.targetList(), once.targetList());
    assertEquals(service.probe(), once.probe());
    assertEquals(service.connectivity(), once.connectivity());
    ProbeSettings s = service.settings();
    ProbeSettings o = once.settings();
    assertEquals(List.of(configured.address()), s.resolvers(), "the config's [network] resolvers");
    assertEquals(s.resolvers(), o.resolvers());
    assertEquals(s.systemResolvers(), o.systemResolvers());
    assertEquals(s.dohUrls(), o.dohUrls());
    assertEquals(s.controlUrls(), o.controlUrls());
    assertEquals(List.of(s.dnsTimeout(), s.connectTimeout(), s.tlsTimeout(), s.httpTimeout(), s.controlTimeout(),
        s.injectionWindow()), List.of(o.dnsTimeout(), o.connectTimeout(), o.tlsTimeout(), o.httpTimeout(),
        o.controlTimeout(), o.injectionWindow()));
    assertEquals(List.of(s.parallelism(), s.maxRedirects(), s.maxBodyBytes(), s.maxAddresses()),
        List.of(o.parallelism(), o.maxRedirects(), o.maxBodyBytes(), o.maxAddresses()));
    assertEquals(s.addressPolicy(), o.addressPolicy());
    assertEquals(s.userAgent(), o.userAgent());
    assertEquals(s.network(), o.network());
  }

  @Test
  void bothQueryTheConfiguredResolvers() throws Exception {
    Path conf = config();
    String sys = system.address().getAddress().getHostAddress() + ":" + system.port();

    CliRun once = CliRun.of("run", "--once", "--config", conf.toString(), "--db", dir.resolve("once.db").toString(),
        "--system-resolver", sys, "--treat-as-public", "127.0.0.0/8", "--skip-connectivity-check",
        "--timeout-dns", "5s", "--timeout-connect", "5s", "--timeout-http", "10s");
    assertEquals(0, once.exit(), once.err());
    assertTrue(once.out().contains("1 measurement(s) stored"), once.out());
    int afterOnce = configured.queryCount("news.kz");
    assertTrue(afterOnce > 0, "kuzet run --once --config asked the config's resolver");

    KuzetConfig config = ConfigLoader.load(conf);
    try (ResultsStore store = ResultsStore.open(config.database())) {
      RunOutcome outcome = new MeasuringRunExecutor(ResultsStoreWiring.runStore(store, Clock.systemUTC()),
          (r, b) -> b.systemResolvers(List.of(system.address()))
              .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
              .dnsTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5))
              .httpTimeout(Duration.ofSeconds(10)).build(),
          Clock.systemUTC(), new PrintWriter(new StringWriter())).run(request(config));
      assertEquals(new RunOutcome(1, 0, false), outcome);
    }
    assertTrue(configured.queryCount("news.kz") > afterOnce, "the service asked the config's resolver too");
  }
}
