package org.kuzet.agent.run;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.kuzet.agent.service.NetworkLookup;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.MeasurementRunner;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.core.messengers.Messenger;
import org.kuzet.core.messengers.MessengerCheck;
import org.kuzet.core.messengers.MessengerEndpoints;
import org.kuzet.schema.Measurement;
import org.kuzet.targets.Target;

/**
 * Carries out a {@link RunPlan}, the same way for {@code kuzet run --once} and the service: looks the network up
 * once (no address kept), mints the report id, measures the plan's targets with probe-core's
 * {@link MeasurementRunner}, then checks the plan's messenger apps ({@link MessengerCheck}) with the same settings
 * and report id, passes each measurement through the caller's {@code finish} (the offline rule, see
 * {@code core.analysis.OfflineVerdict}) and hands it, with its target or app, to the {@link Observer}, which stores
 * it. {@code kuzet run --once}, {@code kuzet messengers} and the service all run through here.
 *
 * <p>Stopping: the runner is driven from a helper thread, interrupted once {@code stop} is true; no measurement
 * starts after that, and the ones in flight (cut short by the interrupt) are dropped whole, never stored half-done.
 */
public final class RunEngine {
  /** What a run tells its caller; called from one thread at a time. */
  public interface Observer {
    /** Before the first measurement: the report id and the settings (network identity included) of the run. */
    default void started(String reportId, ProbeSettings settings) {}

    /** A finished measurement of {@code target}; an exception thrown here reaches {@link #failed}. */
    void measured(Target target, Measurement measurement);

    /** {@code target} could not be measured (a bug, bad input) or its measurement not stored. */
    void failed(Target target, RuntimeException error);

    /** A finished measurement of a messenger app of the plan; an exception thrown here reaches the other. */
    default void measured(Messenger app, Measurement measurement) {}

    /** {@code app} could not be checked (a bug) or its measurement not stored. */
    default void failed(Messenger app, RuntimeException error) {}
  }

  /** How the run's network is looked up: {@link NetworkLookup#forRun}, or the service's watch over it. */
  public interface Lookup {
    IdentityLookup.Result forRun(IdentityLookup lookup, ProbeSettings settings, PrintWriter log, String who)
        throws InterruptedException;
  }

  private final Clock clock;
  private final PrintWriter log;
  private final String who;
  private final Lookup lookup;

  /**
   * @param log where the network lookup says what it found (never an address)
   * @param who the prefix of those lines ({@code kuzet run}, {@code kuzet service})
   */
  public RunEngine(Clock clock, PrintWriter log, String who) {
    this(clock, log, who, NetworkLookup::forRun);
  }

  /** {@link #RunEngine(Clock, PrintWriter, String)} with the lookup's line in {@code messages}' language. */
  public RunEngine(Clock clock, PrintWriter log, String who, org.kuzet.agent.i18n.Messages messages) {
    this(clock, log, who, (l, s, lg, w) -> NetworkLookup.forRun(l, s, lg, w, messages));
  }

  /** @param lookup the run's network lookup (the service's {@code IdentityWatch} also re-looks up on a change) */
  public RunEngine(Clock clock, PrintWriter log, String who, Lookup lookup) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = Objects.requireNonNull(log, "log");
    this.who = Objects.requireNonNull(who, "who");
    this.lookup = Objects.requireNonNull(lookup, "lookup");
  }

  /**
   * Runs {@code plan}; returns true when {@code stop} ended it early.
   *
   * @param finish the measurement as it must be stored (the offline rule), applied before the observer sees it
   */
  public boolean run(RunPlan plan, UnaryOperator<Measurement> finish, BooleanSupplier stop, Observer observer)
      throws InterruptedException {
    // The network, looked up once per run (so a change of network between runs is seen); no address is kept.
    IdentityLookup.Result network = lookup.forRun(NetworkLookup.of(plan.probe()), plan.settings(), log, who);
    ProbeSettings settings = network.applyTo(plan.settings());
    String reportId = MeasurementIds.reportId(clock.instant(), settings.probeCc(), settings.probeAsn());
    observer.started(reportId, settings);
    Object lock = new Object();
    boolean[] closed = {false};
    MeasurementRunner.TargetSink<Target> sink = new MeasurementRunner.TargetSink<>() {
      @Override
      public void measured(Target target, Measurement m) {
        synchronized (lock) {
          if (closed[0] || stop.getAsBoolean()) {
            return; // possibly cut short by the stop: dropped whole
          }
          observer.measured(target, finish.apply(m));
        }
      }

      @Override
      public void failed(Target target, RuntimeException error) {
        synchronized (lock) {
          if (!closed[0]) {
            observer.failed(target, error);
          }
        }
      }
    };
    if (!plan.targets().isEmpty()) {
      try (WebConnectivity experiment = new WebConnectivity(settings)) {
        MeasurementRunner runner = new MeasurementRunner(experiment, settings.parallelism());
        // The control list's sites first: the volunteer's own network speed, the baseline of throttling by time.
        runStoppably(() -> runner.run(plan.targets(), Target::url, Target.baselineUrls(plan.targets()), reportId,
            sink), stop);
      } finally {
        synchronized (lock) {
          closed[0] = true; // workers cut short by a stop may still call the sink: nothing more is stored
        }
      }
    }
    if (!plan.messengers().isEmpty() && !stop.getAsBoolean()) {
      messengers(plan, settings, reportId, finish, stop, observer);
    }
    return stop.getAsBoolean();
  }

  /**
   * The plan's messenger apps, one after another after the web targets, with the run's settings (network identity
   * included) and report id, through the same {@code finish} (the offline rule); stops between apps.
   */
  private static void messengers(RunPlan plan, ProbeSettings settings, String reportId,
      UnaryOperator<Measurement> finish, BooleanSupplier stop, Observer observer) {
    try (MessengerCheck check = new MessengerCheck(settings, MessengerEndpoints.bundled(), plan.endpointMap())) {
      for (Messenger app : plan.messengers()) {
        if (stop.getAsBoolean()) {
          return;
        }
        try {
          observer.measured(app, finish.apply(check.measure(app, reportId)));
        } catch (RuntimeException e) {
          observer.failed(app, e);
        }
      }
    }
  }

  private interface Body {
    void run() throws InterruptedException;
  }

  /** Runs {@code body} on a helper thread, interrupting it once {@code stop} is true. */
  private static void runStoppably(Body body, BooleanSupplier stop) throws InterruptedException {
    RuntimeException[] error = new RuntimeException[1];
    Thread worker = new Thread(() -> {
      try {
        body.run();
      } catch (InterruptedException e) {
        // stopping
      } catch (RuntimeException e) {
        error[0] = e;
      }
    }, "kuzet-run");
    worker.setDaemon(true);
    worker.start();
    boolean interrupted = false;
    try {
      while (worker.isAlive()) {
        worker.join(250);
        if (!interrupted && stop.getAsBoolean()) {
          interrupted = true;
          worker.interrupt();
        }
      }
    } catch (InterruptedException e) {
      worker.interrupt();
      throw e;
    }
    if (error[0] != null) {
      throw error[0];
    }
  }
}
