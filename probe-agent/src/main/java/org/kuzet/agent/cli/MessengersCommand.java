package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.run.RunEngine;
import org.kuzet.agent.run.RunPlan;
import org.kuzet.agent.run.RunPlans;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.Software;
import org.kuzet.core.analysis.OfflineVerdict;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityChecker;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.messengers.EndpointMap;
import org.kuzet.core.messengers.Messenger;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.targets.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet messengers}: OONI's whatsapp, telegram and signal tests with kuzet's engine, each app one measurement
 * of its own test name, stored (and queued for upload) in the local database like a run's. A run of no web target
 * and these apps, carried out by {@link RunEngine} as {@code kuzet run --once} and the service are (network lookup,
 * report id, offline rule).
 */
@Command(name = "messengers", mixinStandardHelpOptions = true,
    description = {"Check whether WhatsApp, Telegram and Signal are reachable (their registration, web and API hosts"
        + " and Telegram's data centres, as OONI's tests check them) and store one measurement per app.",
        "The endpoints are shipped as data: " + "org/kuzet/core/messengers/endpoints.json."})
public final class MessengersCommand implements Callable<Integer> {
  /** The list name the store records for these measurements. */
  static final String LIST = "messengers";

  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Mixin MeasurementOptions measurement;

  @Mixin StoreOptions store;

  @Mixin ConfigOptions config;

  @Option(names = "--app", paramLabel = "APP", split = ",",
      description = "Only these apps: whatsapp, telegram, signal (default: all three).")
  List<String> apps = new ArrayList<>();

  /** Tests: no connectivity check (the default anchors are public addresses; tests never touch the internet). */
  @Option(names = "--skip-connectivity-check", hidden = true)
  boolean skipConnectivityCheck;

  /** Tests: foreign anchors to check instead of the config's (the link is then taken as up). */
  @Option(names = "--connectivity-anchor", paramLabel = "ANCHOR", hidden = true)
  List<String> anchors = new ArrayList<>();

  /** Tests: {@code IP=IP:PORT}, every connection to the first address goes to the second (loopback servers). */
  @Option(names = "--endpoint-map", paramLabel = "IP=IP:PORT", hidden = true)
  List<String> endpointMap = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Set<Messenger> selected = selected();
    EndpointMap map = endpointMap();
    Optional<KuzetConfig> cfg = OptionalConfig.load(config, spec);
    // The run's plan from the one factory 'kuzet run' and the service use: no web target, these apps.
    KuzetConfig merged = measurement.overlay(cfg.orElseGet(RunCommand::defaults));
    RunPlan web = RunPlans.plan(merged, new RunPlans.Targets(List.of(), LIST),
        measurement.tuning(ProbeEventListener.NONE), ProbeSettings.Builder::build, null);
    RunPlan plan = web.withMessengers(List.copyOf(selected), map)
        .withConnectivity(RunCommand.connectivity(web.connectivity(), skipConnectivityCheck, anchors));
    try (ResultsStore db = store.openForWriting()) {
      if (!consented(db.file())) {
        err.println(root.messages.get("messengers.noConsentNotice", ConsentCommand.commandFor(db.file(), "")));
        err.flush();
      }
      ConnectivityCheck check = null;
      if (plan.connectivity().enabled()) {
        try (ConnectivityChecker checker = plan.connectivity().open(Clock.systemUTC())) {
          check = checker.check();
        }
        if (check.state().isOutage()) {
          err.println(root.messages.get("messengers.outage", check.state().wire()));
        }
      }
      NetworkState state = check == null ? NetworkState.ONLINE : check.state();
      long runId = db.runs().beginRun(Trigger.MANUAL, null, Software.VERSION, check == null ? null : state,
          Instant.now());
      RuntimeException[] failure = new RuntimeException[1];
      try {
        new RunEngine(Clock.systemUTC(), err, "kuzet messengers", root.messages).run(plan, m -> OfflineVerdict.during(state, m),
            () -> false, new RunEngine.Observer() {
              @Override
              public void measured(Target target, Measurement m) {
                throw new IllegalStateException("kuzet messengers measured a web target: " + target.url());
              }

              @Override
              public void failed(Target target, RuntimeException error) {
                failure[0] = failure[0] == null ? error : failure[0];
              }

              @Override
              public void measured(Messenger app, Measurement m) {
                db.measurements().save(runId, app.testName(), LIST, null, m);
                List<Signal> signals = m.testKeys().xSignals() == null ? List.of() : m.testKeys().xSignals();
                out.printf(Locale.ROOT, "%-9s %-12s %s%n", app.testName(), m.testKeys().xVerdict().wire(),
                    String.join(",", signals.stream().map(Signal::wire).toList()));
                out.flush();
              }

              @Override
              public void failed(Messenger app, RuntimeException error) {
                // A measurement the store could not take, or a bug: reported once the run is closed.
                failure[0] = failure[0] == null ? error : failure[0];
              }
            });
      } finally {
        db.runs().finishRun(runId, Instant.now());
      }
      if (failure[0] != null) {
        throw failure[0];
      }
      out.println(root.messages.get("messengers.stored", runId, db.file()));
      out.flush();
      return Main.EXIT_OK;
    }
  }

  /** Whether a current consent is recorded beside the database (as for 'kuzet run', none is required here). */
  private static boolean consented(Path db) {
    try {
      return org.kuzet.agent.consent.ConsentFile.read(db).map(c -> c.isCurrent()).orElse(false);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private Set<Messenger> selected() {
    Set<Messenger> out = new LinkedHashSet<>();
    for (String a : apps) {
      Messenger m = Messenger.ofTestName(a.trim());
      if (m == null) {
        throw new UsageException(org.kuzet.agent.i18n.Text.of("messengers.error.app", a));
      }
      out.add(m);
    }
    return out.isEmpty() ? new LinkedHashSet<>(List.of(Messenger.values())) : out;
  }

  private EndpointMap endpointMap() {
    Map<InetAddress, InetSocketAddress> where = new HashMap<>();
    for (String e : endpointMap) {
      int eq = e.indexOf('=');
      int colon = e.lastIndexOf(':');
      if (eq <= 0 || colon <= eq) {
        throw new UsageException("--endpoint-map '" + e + "': write IP=IP:PORT");
      }
      try {
        where.put(IpLiterals.parse(e.substring(0, eq)), new InetSocketAddress(
            IpLiterals.parse(e.substring(eq + 1, colon)), Integer.parseInt(e.substring(colon + 1))));
      } catch (IllegalArgumentException ex) {
        throw new UsageException("--endpoint-map '" + e + "': " + ex.getMessage() + "; write IP=IP:PORT");
      }
    }
    return where.isEmpty() ? EndpointMap.IDENTITY : a -> where.getOrDefault(a.getAddress(), a);
  }
}
