package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.metrics.MetricsServer;
import org.kuzet.agent.run.RunPlans;
import org.kuzet.agent.schedule.InstanceLock;
import org.kuzet.agent.service.AgentService;
import org.kuzet.agent.service.ConfigSource;
import org.kuzet.agent.service.ServiceWiring;
import org.kuzet.core.connectivity.ConnectivityChecker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet service}: the long-running agent (see {@link AgentService}). Order of start: config, the
 * single-instance lock, consent (asked at a terminal the first time, else refused), metrics endpoint, then the
 * loop. SIGTERM/SIGINT stop it cleanly through a shutdown hook.
 */
@Command(name = "service", mixinStandardHelpOptions = true,
    description = {"Run the background agent: scheduled and campaign runs, connectivity heartbeat, metrics.",
        "Needs consent first ('kuzet consent --config FILE'). Stop with SIGTERM or Ctrl-C."})
public final class ServiceCommand implements Callable<Integer> {
  /** How long a stop waits for the run in flight to wind down; within systemd's TimeoutStopSec (30 s). */
  static final Duration STOP_GRACE = Duration.ofSeconds(20);

  /** Where runs and the outage timeline are stored; the agent's wiring binds the results store here. */
  public static volatile ServiceWiring wiring = new org.kuzet.agent.service.ResultsStoreWiring();

  /** Told about the service once it is built (tests use it to stop the loop; JMX-free introspection). */
  static volatile java.util.function.Consumer<AgentService> onStart = s -> {};

  /** Where the last started service serves metrics (for tests, which ask for port 0). */
  static volatile java.net.InetSocketAddress metricsAddress;

  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KuzetConfig cfg = config.load();
    Path db = cfg.database();
    InstanceLock lock;
    try {
      lock = InstanceLock.acquire(db);
    } catch (InstanceLock.AlreadyRunningException e) {
      err.println("kuzet service: " + root.messages.get(e.holderPid() == null ? "service.error.alreadyRunning"
          : "service.error.alreadyRunning.pid", db, e.lockFile(), e.holderPid()));
      err.flush();
      return Main.EXIT_FAILED;
    } catch (IOException e) {
      throw new UsageException(root.messages.get("service.error.lockFile", InstanceLock.lockFile(db), e.getMessage()));
    }
    // Counted down when everything is closed (store, lock); the stop hook waits for it, since the JVM halts as
    // soon as the hook returns.
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    try (lock) {
      Consent consent = consent(db, out);
      boolean upload = cfg.upload().enabled() && consent.upload();
      ConsentCommand.uploadNote(cfg, consent, cfg.database(), root.messages).ifPresent(err::println);
      Clock clock = Clock.systemUTC();
      AgentMetrics metrics = new AgentMetrics(clock);
      MetricsServer server = null;
      ConsentGate gate = ConsentGate.besideDatabase(db, root.messages);
      try (ServiceWiring.Bound bound = wiring.open(new ServiceWiring.Context(cfg, clock, metrics, upload, err, gate,
          root.messages));
          // The same connectivity check as 'kuzet run --once' (agent.run.RunPlans), kept for the heartbeat.
          ConnectivityChecker checker = RunPlans.connectivity(cfg,
              upload ? cfg.upload().collector() : null).open(clock)) {
        if (cfg.metricsListen() != null) {
          try {
            server = MetricsServer.start(cfg.metricsListen(), metrics::scrape);
          } catch (IOException e) {
            throw new UsageException(root.messages.get("service.error.metrics", org.kuzet.schema.Endpoints.format(
                cfg.metricsListen().getAddress().getHostAddress(), cfg.metricsListen().getPort()), e.getMessage()), e);
          }
          err.println("kuzet service: " + root.messages.get("service.metrics", "http://"
              + org.kuzet.schema.Endpoints.format(server.address().getAddress().getHostAddress(),
                  server.address().getPort()) + "/metrics"));
          metricsAddress = server.address();
        }
        AgentService service = AgentService.builder()
            .clock(clock)
            .config(ConfigSource.watching(config.file(), cfg, err, root.messages))
            .connectivity(checker::check)
            .consent(gate)
            .timeline(bound.timeline())
            .executor(bound.executor())
            .metrics(metrics)
            .upload(upload)
            .log(err)
            .messages(root.messages)
            .build();
        Thread hook = new Thread(() -> {
          service.stop();
          try {
            if (!finished.await(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
              err.println("kuzet service: " + root.messages.get("service.stopGrace", STOP_GRACE.toSeconds()));
              err.flush();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "kuzet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        onStart.accept(service);
        try {
          service.run();
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // the hook is what stopped us
          }
        }
      } finally {
        if (server != null) {
          server.close();
        }
      }
    } finally {
      finished.countDown();
    }
    return Main.EXIT_OK;
  }

  /** The recorded consent; asked for at a terminal when missing, else a usage error (exit 2). */
  private Consent consent(Path db, PrintWriter out) throws IOException {
    Optional<Consent> recorded;
    try {
      recorded = ConsentFile.read(db);
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    if (recorded.isPresent() && recorded.get().isCurrent()) {
      return recorded.get();
    }
    String why = recorded.isPresent() ? root.messages.get("service.error.consentOlder")
        : root.messages.get("service.error.noConsent", db);
    if (!root.terminal.interactive()) {
      String consent = "kuzet consent --config " + Shell.quote(config.file().toString());
      throw new UsageException(root.messages.get("service.error.refusing", why, consent));
    }
    Optional<Consent> given = ConsentCommand.obtain(root, out, null, false, db);
    if (given.isEmpty()) {
      throw new UsageException(root.messages.get("consent.declined"));
    }
    ConsentFile.write(db, given.get());
    out.println(root.messages.get("run.consentRecorded", ConsentFile.path(db)));
    out.flush();
    return given.get();
  }
}
