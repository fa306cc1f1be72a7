package org.kuzet.agent.service;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.agent.config.TargetFiles;
import org.kuzet.agent.run.RunEngine;
import org.kuzet.agent.run.RunPlan;
import org.kuzet.agent.run.RunPlans;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.messengers.EndpointMap;
import org.kuzet.core.messengers.Messenger;
import org.kuzet.schema.Measurement;
import org.kuzet.targets.Target;

/**
 * The service's door to the run pipeline ({@code agent.run}): the {@link RunExecutor} that turns a
 * {@link RunRequest} into a {@link RunPlan} ({@link RunPlans}, the same factory as {@code kuzet run --once}),
 * carries it out with {@link RunEngine} (offline verdicts through {@link RunRequest#finish}) and hands each
 * measurement to a {@link RunStore}.
 *
 * <p>Stopping: {@link RunEngine} interrupts the measurements when the service stops; no new measurement starts
 * after that, and the ones in flight are dropped whole, never saved half-done.
 */
public final class MeasuringRunExecutor implements RunExecutor {
  private static final String WHO = "kuzet service";

  private final RunStore store;
  private final BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings;
  private final Clock clock;
  private final PrintWriter log;
  private final IdentityWatch identity;
  /** Where the messengers' endpoints really are: the identity, except in tests (loopback servers). */
  private EndpointMap messengerMap = EndpointMap.IDENTITY;

  /**
   * @param settings completes the probe settings of a run; it receives a builder with the config's resolvers,
   *     control URLs and the request's metrics listener already set
   */
  public MeasuringRunExecutor(RunStore store, BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings,
      Clock clock, PrintWriter log) {
    this(store, settings, clock, log, new IdentityWatch());
  }

  /** @param identity the network identity, looked up again when it sees the network change within a run */
  public MeasuringRunExecutor(RunStore store, BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings,
      Clock clock, PrintWriter log, IdentityWatch identity) {
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = Objects.requireNonNull(log, "log");
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  @Override
  public RunOutcome run(RunRequest request) throws InterruptedException {
    RunPlan web;
    try {
      web = plan(request);
    } catch (RunFailedException e) {
      throw cannotStart(request, e);
    }
    // The messengers after the web measurements, with the run's network identity and report id, stored as the rest.
    RunPlan plan = request.config().messengers().in(request.campaign() != null)
        ? web.withMessengers(List.of(Messenger.values()), messengerMap) : web;
    RunStore.Recorder[] recorder = new RunStore.Recorder[1];
    AtomicInteger saved = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    boolean stopped;
    try {
      // The network, looked up per run and again when the network changes within it; no address is kept.
      stopped = new RunEngine(clock, log, WHO, identity::forRun).run(plan,
          m -> identity.stored(request.finish(m)), request::stopRequested,
          new RunEngine.Observer() {
            @Override
            public void started(String reportId, ProbeSettings settings) {
              try {
                recorder[0] = store.begin(request, reportId, plan.targets());
              } catch (IOException e) {
                throw new UncheckedIOException("cannot record the run: " + e.getMessage(), e);
              }
            }

            @Override
            public void measured(Target target, Measurement m) {
              store(m, () -> recorder[0].save(target, m));
            }

            @Override
            public void failed(Target target, RuntimeException error) {
              failed.incrementAndGet();
              log.println(WHO + ": " + identity.messages().get("service.couldNotMeasure", target.url(), error.getMessage()));
              log.flush();
            }

            @Override
            public void measured(Messenger app, Measurement m) {
              store(m, () -> recorder[0].save(m));
            }

            /** Stores {@code m}; one the store cannot take is counted as failed and said on the log, never dropped. */
            private void store(Measurement m, Save save) {
              try {
                save.run();
                saved.incrementAndGet();
              } catch (IOException e) {
                failed.incrementAndGet();
                log.println(WHO + ": " + identity.messages().get("service.couldNotStore", m.input(), e.getMessage()));
                log.flush();
              }
            }

            @Override
            public void failed(Messenger app, RuntimeException error) {
              log.println(WHO + ": " + identity.messages().get("service.couldNotMeasure", app.testName(), error.getMessage()));
              log.flush();
            }
          });
    } catch (RuntimeException e) {
      if (recorder[0] != null) {
        // The run's record is closed as failed rather than left looking as if it were still going.
        try {
          recorder[0].finish(new RunOutcome(0, 0, false, "the run broke off: " + (e.getMessage() == null
              ? "internal error" : e.getMessage())));
        } catch (IOException | RuntimeException ignored) {
          // the first failure is the one to report
        }
      }
      throw e;
    }
    RunOutcome outcome = new RunOutcome(saved.get(), failed.get(), stopped);
    try {
      recorder[0].finish(outcome);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the run's record: " + e.getMessage(), e);
    }
    return outcome;
  }

  /** Tests: the apps' endpoints (Telegram's literal addresses above all) sent to loopback servers. */
  MeasuringRunExecutor messengerMap(EndpointMap map) {
    this.messengerMap = map;
    return this;
  }

  /** The plan of the request: the same factory as {@code kuzet run --once --config}. */
  public RunPlan plan(RunRequest request) {
    RunPlans.Targets targets = targets(request.targets());
    return RunPlans.plan(request.config(), targets, ProbeSettings.builder().listener(request.listener()),
        b -> settings.apply(request, b),
        request.upload() ? request.config().upload().collector() : null);
  }

  /** Records a run that could not start as failed, with its reason, and returns the exception to throw. */
  private RunFailedException cannotStart(RunRequest request, RunFailedException failure) {
    // No measurement carries this id: no network lookup is made for a run that cannot start.
    String reportId = MeasurementIds.reportId(clock.instant(), "ZZ", "AS0");
    try {
      store.begin(request, reportId, List.of()).finish(RunOutcome.cannotStart(failure.getMessage()));
    } catch (IOException e) {
      log.println(WHO + ": " + identity.messages().get("service.couldNotRecordFailedRun", e.getMessage()));
      log.flush();
    }
    return failure;
  }

  /** The targets of a selection; bad lines of a list file are skipped (a service cannot stop to ask). */
  private RunPlans.Targets targets(TargetSelection selection) {
    RunPlans.Targets targets;
    try {
      targets = RunPlans.load(selection, log, WHO);
    } catch (TargetFiles.Unusable e) {
      throw new RunFailedException(e.describe() + "; " + TargetFiles.HINT, e.problem().label());
    }
    if (targets.targets().isEmpty()) {
      throw new RunFailedException("no targets left after the category filter "
          + String.join(",", selection.categories()) + "; check [targets] categories", "no_targets");
    }
    return targets;
  }

  /** One write to the run's record. */
  private interface Save {
    void run() throws IOException;
  }
}
