package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.MeasurementRunner;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.Software;
import org.kuzet.core.WebConnectivity;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;
import org.kuzet.targets.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet run --once}: one web connectivity run over the selected targets, each measurement stored (and
 * queued for upload) as it completes, so Ctrl-C or a kill loses only what was still being measured.
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

  @Override
  public Integer call() throws InterruptedException {
    if (!once) {
      throw new UsageException("'kuzet run' measures once and needs --once; for scheduled runs use 'kuzet service'");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TargetOptions.Selection selection = targets.resolve(err, DEFAULT_LIST);
    ProbeSettings settings = measurement.toSettings(ProbeEventListener.NONE);
    measurement.warnAboutInstalledInterceptionRoots(err);
    Map<String, Target> byUrl = new HashMap<>();
    selection.targets().forEach(t -> byUrl.putIfAbsent(t.url(), t));
    List<String> urls = selection.targets().stream().map(Target::url).toList();

    try (ResultsStore db = store.openForWriting()) {
      Instant started = Instant.now();
      long runId = db.beginRun(Trigger.MANUAL, null, Software.VERSION, null, started);
      RunProgress progress = RunProgress.forOutput(out, urls.size(), System.console() != null);
      // What the summary needs, not the measurements themselves (a long list would hold them all in memory).
      List<Stored> stored = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      StoreException[] storeFailure = new StoreException[1];
      // Ctrl-C: every completed measurement is already committed; close the run so it is not shown as crashed.
      Thread onInterrupt = new Thread(() -> {
        try {
          db.finishRun(runId, Instant.now());
        } catch (RuntimeException ignored) {
          // The run stays open (ended_at NULL): that is how a killed run looks, and nothing measured is lost.
        }
        progress.finish();
        err.println("kuzet: interrupted; " + stored.size() + " measurement(s) of run " + runId + " stored in "
            + db.file());
        err.flush();
      }, "kuzet-run-interrupted");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try (WebConnectivity experiment = new WebConnectivity(settings)) {
        String reportId = MeasurementIds.reportId(started, settings.probeCc(), settings.probeAsn());
        new MeasurementRunner(experiment, settings.parallelism()).run(urls, reportId, new MeasurementRunner.Sink() {
          @Override
          public void measured(Measurement m) {
            Target t = byUrl.get(m.input());
            db.save(runId, m.input(), selection.sourceName(), t == null ? null : t.categoryCode(), m);
            synchronized (stored) {
              stored.add(Stored.of(m));
            }
            progress.measured(m);
          }

          @Override
          public void failed(String input, RuntimeException error) {
            // A measurement the store could not take (disk full, locked too long) is reported, not dropped silently.
            if (error instanceof StoreException se && storeFailure[0] == null) {
              storeFailure[0] = se;
            }
            failed.add(input);
            progress.failed(input, (error instanceof StoreException ? "not stored: " : "") + error.getMessage());
          }
        });
        db.finishRun(runId, Instant.now());
      } finally {
        removeHook(onInterrupt);
      }
      progress.finish();
      if (storeFailure[0] != null) {
        throw storeFailure[0];
      }
      printSummary(out, runId, db, stored, failed, progress.elapsed());
      return failed.isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
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
  private record Stored(String input, Verdict verdict, List<Signal> signals) {
    static Stored of(Measurement m) {
      return new Stored(m.input(), m.testKeys().xVerdict(),
          m.testKeys().xSignals() == null ? List.of() : m.testKeys().xSignals());
    }
  }

  private static void printSummary(PrintWriter out, long runId, ResultsStore db, List<Stored> stored,
      List<String> failed, String elapsed) {
    out.println();
    out.printf(Locale.ROOT, "run %d: %d measurement(s) stored in %s (%s)%n", runId, stored.size(), db.file(), elapsed);
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
    out.printf(Locale.ROOT, "%-14s %6s%n", "VERDICT", "COUNT");
    perVerdict.forEach((verdict, n) -> out.printf(Locale.ROOT, "%-14s %6d%n", verdict, n));
    if (!blocked.isEmpty()) {
      out.println();
      out.println("blocked:");
      for (Stored m : blocked) {
        out.printf(Locale.ROOT, "  %s  %s%n", m.input(), String.join(",", m.signals().stream().map(Signal::wire)
            .toList()));
      }
    }
    out.println();
    out.println("see them with: kuzet results --run " + runId);
    out.flush();
  }
}
