package org.kuzet.agent.service;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.agent.config.TargetFiles;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.MeasurementRunner;
import org.kuzet.core.messengers.Messenger;
import org.kuzet.core.messengers.MessengerCheck;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.schema.Measurement;
import org.kuzet.targets.BundledLists;
import org.kuzet.targets.LoadResult;
import org.kuzet.targets.Problem;
import org.kuzet.targets.Target;
import org.kuzet.targets.TargetSelector;

/**
 * The {@link RunExecutor} that measures: loads the request's targets, measures them with probe-core's
 * {@link MeasurementRunner}, passes each measurement through {@link RunRequest#finish} (offline verdicts) and
 * hands it to a {@link RunStore}.
 *
 * <p>Stopping: the runner is driven from a helper thread which is interrupted when the service stops; no new
 * measurement starts after that, and the ones in flight (cut short by the interrupt) are dropped whole, never
 * saved half-done.
 */
public final class MeasuringRunExecutor implements RunExecutor {
  private final RunStore store;
  private final BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings;
  private final Clock clock;
  private final PrintWriter log;
  /** Where the messengers' endpoints really are: the identity, except in tests (loopback servers). */
  private org.kuzet.core.messengers.EndpointMap messengerMap = org.kuzet.core.messengers.EndpointMap.IDENTITY;

  /**
   * @param settings completes the probe settings of a run; it receives a builder with the config's resolvers,
   *     control URLs and the request's metrics listener already set
   */
  public MeasuringRunExecutor(RunStore store, BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings,
      Clock clock, PrintWriter log) {
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public RunOutcome run(RunRequest request) throws InterruptedException {
    ProbeSettings ps = settings.apply(request, ProbeSettings.builder()
        .resolvers(request.config().resolvers())
        .controlUrls(request.config().controlUrls())
        .listener(request.listener()));
    // The network, looked up once per run (so a change of network between runs is seen); no address is kept.
    IdentityLookup.Result network = NetworkLookup.forRun(NetworkLookup.of(request.config().probe()), ps, log,
        "kuzet service");
    ps = network.applyTo(ps);
    String reportId = MeasurementIds.reportId(clock.instant(), ps.probeCc(), ps.probeAsn());
    List<Target> targets;
    try {
      targets = load(request.targets());
      if (targets.isEmpty()) {
        throw new RunFailedException("no targets left after the category filter "
            + String.join(",", request.targets().categories()) + "; check [targets] categories", "no_targets");
      }
    } catch (TargetFiles.Unusable e) {
      throw cannotStart(request, reportId, new RunFailedException(e.describe() + "; " + TargetFiles.HINT,
          e.problem().label()));
    } catch (RunFailedException e) {
      throw cannotStart(request, reportId, e);
    }
    RunStore.Recorder recorder;
    try {
      recorder = store.begin(request, reportId, targets);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the run: " + e.getMessage(), e);
    }
    try {
      return measure(request, ps, reportId, targets, recorder);
    } catch (RuntimeException e) {
      // The run's record is closed as failed rather than left looking as if it were still going.
      try {
        recorder.finish(new RunOutcome(0, 0, false, "the run broke off: " + (e.getMessage() == null
            ? "internal error" : e.getMessage())));
      } catch (IOException | RuntimeException ignored) {
        // the first failure is the one to report
      }
      throw e;
    }
  }

  /** Records a run that could not start as failed, with its reason, and returns the exception to throw. */
  private RunFailedException cannotStart(RunRequest request, String reportId, RunFailedException failure) {
    try {
      store.begin(request, reportId, List.of()).finish(RunOutcome.cannotStart(failure.getMessage()));
    } catch (IOException e) {
      log.println("kuzet service: could not record the failed run: " + e.getMessage());
      log.flush();
    }
    return failure;
  }

  private RunOutcome measure(RunRequest request, ProbeSettings ps, String reportId, List<Target> targets,
      RunStore.Recorder recorder) throws InterruptedException {
    Object saveLock = new Object();
    boolean[] closed = {false};
    AtomicInteger saved = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    MeasurementRunner.Sink sink = new MeasurementRunner.Sink() {
      @Override
      public void measured(Measurement m) {
        synchronized (saveLock) {
          if (closed[0] || request.stopRequested()) {
            return; // possibly cut short by the stop: dropped whole
          }
          try {
            recorder.save(request.finish(m));
            saved.incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
            log.println("kuzet service: could not store the measurement of " + m.input() + ": " + e.getMessage());
            log.flush();
          }
        }
      }

      @Override
      public void failed(String input, RuntimeException error) {
        failed.incrementAndGet();
        log.println("kuzet service: could not measure " + input + ": " + error.getMessage());
        log.flush();
      }
    };
    List<String> urls = targets.stream().map(Target::url).toList();
    boolean stopped;
    try (WebConnectivity experiment = new WebConnectivity(ps)) {
      stopped = runStoppably(new MeasurementRunner(experiment, ps.parallelism()), urls,
          Target.baselineUrls(targets), reportId, sink, request);
    }
    if (!stopped && request.config().messengers().in(request.campaign() != null)) {
      stopped = messengers(request, ps, reportId, sink);
    }
    synchronized (saveLock) {
      closed[0] = true; // workers cut short by a stop may still call the sink: nothing more is saved
    }
    RunOutcome outcome = new RunOutcome(saved.get(), failed.get(), stopped);
    try {
      recorder.finish(outcome);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the run's record: " + e.getMessage(), e);
    }
    return outcome;
  }

  /** Tests: the apps' endpoints (Telegram's literal addresses above all) sent to loopback servers. */
  MeasuringRunExecutor messengerMap(org.kuzet.core.messengers.EndpointMap map) {
    this.messengerMap = map;
    return this;
  }

  /**
   * The messenger checks of a run ({@code [messengers]}), one measurement per app through the same sink as the
   * run's web measurements (stored, offline during an outage, uploaded); true when the service stopped meanwhile.
   */
  private boolean messengers(RunRequest request, ProbeSettings ps, String reportId,
      MeasurementRunner.Sink sink) {
    try (MessengerCheck check = new MessengerCheck(ps, org.kuzet.core.messengers.MessengerEndpoints.bundled(),
        messengerMap)) {
      for (Messenger app : Messenger.values()) {
        if (request.stopRequested()) {
          return true;
        }
        try {
          sink.measured(check.measure(app, reportId));
        } catch (RuntimeException e) {
          sink.failed(app.testName(), e);
        }
      }
    }
    return false;
  }

  /** Runs the measurements on a helper thread, interrupting it when the service stops; true when it stopped. */
  private static boolean runStoppably(MeasurementRunner runner, List<String> urls, java.util.Set<String> baseline,
      String reportId, MeasurementRunner.Sink sink, RunRequest request) throws InterruptedException {
    RuntimeException[] error = new RuntimeException[1];
    Thread worker = new Thread(() -> {
      try {
        runner.run(urls, baseline, reportId, sink);
      } catch (InterruptedException e) {
        // stopping
      } catch (RuntimeException e) {
        error[0] = e;
      }
    }, "kuzet-run");
    worker.setDaemon(true);
    worker.start();
    boolean interrupted = false;
    while (worker.isAlive()) {
      worker.join(250);
      if (!interrupted && request.stopRequested()) {
        interrupted = true;
        worker.interrupt();
      }
    }
    if (error[0] != null) {
      throw error[0];
    }
    return request.stopRequested();
  }

  /** The targets of a selection; bad lines of a list file are skipped (a service cannot stop to ask). */
  List<Target> load(TargetSelection selection) throws TargetFiles.Unusable {
    List<Target> all = new ArrayList<>();
    for (String name : selection.lists()) {
      all.addAll(BundledLists.load(name));
    }
    for (Path file : selection.files()) {
      LoadResult r = TargetFiles.load(file);
      for (Problem p : r.warnings()) {
        log.println("kuzet service: skipped " + p);
      }
      all.addAll(r.targets());
    }
    TargetSelector.Builder b = TargetSelector.builder();
    if (!selection.categories().isEmpty()) {
      b.categories(selection.categories());
    }
    return b.build().select(all);
  }
}
