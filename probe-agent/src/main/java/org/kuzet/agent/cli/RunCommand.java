package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.ConfigException;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.run.ConnectivityPlan;
import org.kuzet.agent.run.RunEngine;
import org.kuzet.agent.run.RunPlan;
import org.kuzet.agent.run.RunPlans;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.store.Trigger;
import org.kuzet.agent.upload.UploadFlush;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.Software;
import org.kuzet.core.analysis.OfflineVerdict;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityChecker;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;
import org.kuzet.targets.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet run --once}: one web connectivity run over the selected targets, each measurement stored (and
 * queued for upload) as it completes, so Ctrl-C or a kill loses only what was still being measured. The run
 * itself is the service's: planned by {@code agent.run.RunPlans} from the config file (its defaults without one)
 * with the flags laid over it, carried out by {@code agent.run.RunEngine}; this class is the command line's door
 * (consent, progress, summary, upload afterwards).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Measure the selected targets once (default list: " + RunCommand.DEFAULT_LIST + ") and store"
        + " every result in the local database.",
        "Scheduled runs are the background service's job ('kuzet service')."})
public final class RunCommand implements Callable<Integer> {
  static final String DEFAULT_LIST = "kz";

  @Spec CommandSpec spec;

  @Mixin TargetOptions targets;

  @Mixin MeasurementOptions measurement;

  @Mixin StoreOptions store;

  @Option(names = "--once", description = "Run once now, then exit (required: regular runs are 'kuzet service').")
  boolean once;

  @Mixin ConfigOptions config;

  @ParentCommand KuzetCommand root;

  @Option(names = "--collector", paramLabel = "URL",
      description = "Collector to upload to after the run (default: [upload] collector of the config file).")
  String collector;

  @Option(names = "--baseline", negatable = true, description = "Measure the bundled control list's sites first, as"
      + " the baseline of throttling by time (default: [targets] baseline of the config file, on unless"
      + " $KUZET_BASELINE is off); --no-baseline measures only the targets.")
  Boolean baseline;

  @Option(names = "--upload", description = "Upload this run's measurements (and any still queued) after the run,"
      + " even without a recorded agreement to upload.")
  boolean upload;

  /** Tests: no connectivity check (the default anchors are public addresses; tests never touch the internet). */
  @Option(names = "--skip-connectivity-check", hidden = true)
  boolean skipConnectivityCheck;

  /** Tests: foreign anchors to check instead of the config's (the link is then taken as up). */
  @Option(names = "--connectivity-anchor", paramLabel = "ANCHOR", hidden = true)
  List<String> anchors = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    if (!once) {
      throw new UsageException(Text.of("run.error.needsOnce"));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<KuzetConfig> cfg = OptionalConfig.load(config, spec);
    URI uploadTo = explicitCollector(cfg);
    Flags flags = flags(cfg, err);
    measurement.warnAboutInstalledInterceptionRoots(err, root.messages);

    try (ResultsStore db = store.openForWriting()) {
      Optional<Consent> consent = consent(db.file(), out, err);
      if (consent == null) {
        return Main.EXIT_FAILED;
      }
      if (uploadTo == null && consent.map(Consent::upload).orElse(false)) {
        uploadTo = consentedCollector(cfg);
      }
      RunPlan plan = plan(flags, uploadTo);
      ConnectivityCheck check = null;
      if (plan.connectivity().enabled()) {
        try (ConnectivityChecker checker = plan.connectivity().open(Clock.systemUTC())) {
          check = checker.check();
        }
        if (check.state().isOutage()) {
          err.println(root.messages.get("run.outage", check.state().wire()));
        }
      }
      NetworkState state = check == null ? NetworkState.ONLINE : check.state();
      long runId = db.runs().beginRun(Trigger.MANUAL, null, Software.VERSION, check == null ? null : state,
          Instant.now());
      RunProgress progress = RunProgress.forOutput(out, root.messages, plan.targets().size(),
          System.console() != null);
      // What the summary needs, not the measurements themselves (a long list would hold them all in memory).
      List<Stored> stored = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      StoreException[] storeFailure = new StoreException[1];
      // Progress that cannot be printed (stdout on a full disk) stops nothing: the measurements are stored; the
      // failure ends the command once the run is closed.
      CheckedOutput.Failed[] outputFailure = new CheckedOutput.Failed[1];
      // Ctrl-C: every completed measurement is already committed; close the run so it is not shown as crashed.
      Thread onInterrupt = new Thread(() -> {
        try {
          db.runs().finishRun(runId, Instant.now());
        } catch (RuntimeException ignored) {
          // The run stays open (ended_at NULL): that is how a killed run looks, and nothing measured is lost.
        }
        progress.finish();
        err.println(root.messages.get("run.interrupted", stored.size(), runId, db.file()));
        err.flush();
      }, "kuzet-run-interrupted");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        new RunEngine(Clock.systemUTC(), err, "kuzet run", root.messages).run(plan, m -> OfflineVerdict.during(state, m),
            () -> false, new RunEngine.Observer() {
              @Override
              public void measured(Target target, Measurement m) {
                db.measurements().save(runId, m.input(), plan.targetList(), target.categoryCode(), m);
                synchronized (stored) { // read by the interrupt hook
                  stored.add(Stored.of(m));
                }
                if (outputFailure[0] == null) {
                  try {
                    progress.measured(m);
                  } catch (CheckedOutput.Failed f) {
                    outputFailure[0] = f;
                  }
                }
              }

              @Override
              public void failed(Target target, RuntimeException error) {
                // A measurement the store could not take (disk full, locked too long) is reported, not dropped.
                if (error instanceof StoreException se && storeFailure[0] == null) {
                  storeFailure[0] = se;
                }
                failed.add(target.url());
                if (outputFailure[0] == null) {
                  try {
                    progress.failed(target.url(), (error instanceof StoreException ? "not stored: " : "")
                        + error.getMessage());
                  } catch (CheckedOutput.Failed f) {
                    outputFailure[0] = f;
                  }
                }
              }
            });
        db.runs().finishRun(runId, Instant.now());
      } finally {
        removeHook(onInterrupt);
      }
      if (outputFailure[0] == null) {
        progress.finish();
      }
      if (storeFailure[0] != null) {
        throw new StoreException(storeFailure[0].getMessage() + "; " + stored.size() + " measurement(s) of run "
            + runId + " had been stored before that", storeFailure[0]);
      }
      if (outputFailure[0] != null) {
        throw outputFailure[0];
      }
      printSummary(out, root.messages, runId, db, stored, failed, progress.elapsed());
      uploadAfterRun(db, uploadTo, out, err);
      return failed.isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
  }

  /** The flags read and checked, before anything is opened: the config with them over it, targets, tuning. */
  record Flags(KuzetConfig config, TargetOptions.Selection targets, ProbeSettings.Builder tuning) {}

  /** Reads and checks the flags over {@code cfg} (its defaults without a file); bad input is a UsageException. */
  Flags flags(Optional<KuzetConfig> cfg, PrintWriter err) {
    // The config (or its defaults) with the flags over it: what the service would run with, plus this command's.
    KuzetConfig merged = measurement.overlay(cfg.orElseGet(RunCommand::defaults));
    if (baseline != null) {
      merged = merged.withTargets(merged.targets().withBaseline(baseline));
    }
    TargetOptions.Selection selection = targets.resolveOr(err, merged.targets());
    return new Flags(merged, selection, measurement.tuning(ProbeEventListener.NONE));
  }

  /** This run's plan, from the one factory the service uses too ({@link RunPlans}). */
  RunPlan plan(Flags flags, URI uploadTo) {
    return testSwitches(RunPlans.plan(flags.config(), new RunPlans.Targets(flags.targets().targets(),
        flags.targets().sourceName()), flags.tuning(), ProbeSettings.Builder::build,
        uploadTo == null ? null : uploadTo.toString()));
  }

  /** The defaults of the agent's config file, for a run without one. */
  static KuzetConfig defaults() {
    try {
      return ConfigLoader.defaults(Path.of("."));
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** The test-only switches (see docs/TESTING.md): no connectivity check, or loopback anchors only. */
  private RunPlan testSwitches(RunPlan plan) {
    return plan.withConnectivity(connectivity(plan.connectivity(), skipConnectivityCheck, anchors));
  }

  /**
   * {@code normal}, or what the test-only switches put in its place (see docs/TESTING.md): no check
   * ({@code --skip-connectivity-check}), or loopback anchors only ({@code --connectivity-anchor}).
   */
  static ConnectivityPlan connectivity(ConnectivityPlan normal, boolean skip, List<String> anchors) {
    if (skip) {
      return ConnectivityPlan.NONE;
    }
    if (anchors.isEmpty()) {
      return normal;
    }
    List<Anchor> foreign = new ArrayList<>();
    for (String a : anchors) {
      try {
        foreign.add(Anchor.parse(a));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--connectivity-anchor '" + a + "': " + e.getMessage());
      }
    }
    return ConnectivityPlan.anchorsOnly(foreign);
  }

  /** The collector of {@code --upload} (required then), checked before anything is measured; else null. */
  private URI explicitCollector(Optional<KuzetConfig> cfg) {
    if (!upload) {
      return null;
    }
    String url = collector != null ? collector : cfg.map(c -> c.upload().collector()).orElse(null);
    if (url == null) {
      throw new UsageException(Text.of("run.error.noCollector", config.file()));
    }
    return UploadFlush.collector(url, collector != null ? "--collector" : "[upload] collector");
  }

  /** With a recorded agreement to upload: --collector, else the config's when its upload is on; else null. */
  private URI consentedCollector(Optional<KuzetConfig> cfg) {
    if (collector != null) {
      return UploadFlush.collector(collector, "--collector");
    }
    return cfg.filter(c -> c.upload().enabled()).map(c -> UploadFlush.collector(c.upload().collector(),
        "[upload] collector")).orElse(null);
  }

  /**
   * The recorded consent. A manual run is attended, so it does not require one: at a terminal the first run asks
   * (null when the person declines: nothing is measured), elsewhere a notice goes to stderr and upload stays off.
   */
  private Optional<Consent> consent(Path db, PrintWriter out, PrintWriter err) {
    Optional<Consent> recorded;
    try {
      recorded = ConsentFile.read(db);
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    if (recorded.isPresent() && recorded.get().isCurrent()) {
      return recorded;
    }
    if (!root.terminal.interactive()) {
      err.println(root.messages.get("run.noConsentNotice", ConsentCommand.commandFor(db, "")));
      err.flush();
      return Optional.empty();
    }
    try {
      Optional<Consent> given = ConsentCommand.obtain(root, out, null, false, db);
      if (given.isEmpty()) {
        out.println(root.messages.get("run.consentDeclined"));
        out.flush();
        return null;
      }
      ConsentFile.write(db, given.get());
      out.println(root.messages.get("run.consentRecorded", ConsentFile.path(db)));
      out.flush();
      return given;
    } catch (IOException e) {
      throw new UsageException(Text.of("run.error.consent", e.getMessage()));
    }
  }

  /** Uploads after the run when asked or agreed to; a failure here never fails the run: the queue keeps it all. */
  private void uploadAfterRun(ResultsStore db, URI uploadTo, PrintWriter out, PrintWriter err) {
    if (uploadTo == null) {
      long pending = db.uploadQueue().counts().pending();
      out.println(root.messages.get("run.uploadOff", pending, ConsentCommand.commandFor(db.file(), "--yes --upload")));
      out.flush();
      return;
    }
    try {
      UploadFlush.Report report = UploadFlush.flush(db, uploadTo, collector != null ? "--collector"
          : "[upload] collector", measurement.trustRoots, false);
      UploadFlush.print(out, report, uploadTo, root.messages);
    } catch (RuntimeException e) {
      err.println(root.messages.get("run.uploadFailed", e.getMessage(), db.uploadQueue().counts().pending()));
      err.flush();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting (Ctrl-C): the hook runs.
    }
  }

  /** One stored measurement as the summary shows it. */
  private record Stored(String input, Verdict verdict, List<Signal> signals, String controlFailure) {
    static Stored of(Measurement m) {
      return new Stored(m.input(), m.testKeys().xVerdict(),
          m.testKeys().xSignals() == null ? List.of() : m.testKeys().xSignals(), m.testKeys().controlFailure());
    }
  }

  private static void printSummary(PrintWriter out, Messages msg, long runId, ResultsStore db, List<Stored> stored,
      List<String> failed, String elapsed) {
    out.println();
    // The store's own count of the run's committed measurements, not what the run meant to store.
    long committed = db.runs().run(runId).map(r -> r.measurementCount()).orElse(0L);
    out.println(msg.get("run.summary.stored", runId, committed, db.file(), elapsed));
    Map<String, Integer> perVerdict = new TreeMap<>();
    for (Verdict v : Verdict.values()) {
      perVerdict.put(v.wire(), 0);
    }
    List<Stored> blocked = new ArrayList<>();
    for (Stored m : stored) {
      perVerdict.merge(m.verdict() == null ? "not analysed" : m.verdict().wire(), 1, Integer::sum);
      if (m.verdict() == Verdict.BLOCKED) {
        blocked.add(m);
      }
    }
    if (!failed.isEmpty()) {
      perVerdict.put("error", failed.size());
    }
    out.println();
    out.printf(Locale.ROOT, "%-14s %6s%n", msg.get("run.summary.verdict"), msg.get("run.summary.count"));
    perVerdict.forEach((verdict, n) -> out.printf(Locale.ROOT, "%-14s %6d%n", verdict, n));
    if (!blocked.isEmpty()) {
      out.println();
      out.println(msg.get("run.summary.blocked"));
      for (Stored m : blocked) {
        out.printf(Locale.ROOT, "  %s  %s%n", m.input(), String.join(",", m.signals().stream().map(Signal::wire)
            .toList()));
      }
    }
    Map<String, Long> controls = new java.util.HashMap<>();
    stored.forEach(m -> controls.merge(String.valueOf(m.controlFailure()), 1L, Long::sum));
    controls.remove("null");
    String control = ControlStatus.summary(controls, stored.size(), msg);
    if (control != null) {
      out.println();
      out.println(msg.get("run.summary.control", control));
    }
    out.println();
    out.println(msg.get("run.summary.seeThem", runId));
    out.flush();
  }
}
