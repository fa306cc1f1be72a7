package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.schedule.InstanceLock;
import org.kuzet.agent.schedule.Scheduler;
import org.kuzet.agent.schedule.Slot;
import org.kuzet.agent.store.ConnectivityRecord;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet status}: the agent's state as the database and the config file tell it (last run, next run, active
 * campaign, connectivity, upload queue, whether a service is running). Reads only; never creates a database.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Print the agent's state: last and next run, active campaign, network state, upload queue,"
        + " and whether a service is running on the database."})
public final class StatusCommand implements Callable<Integer> {
  /** The time "now" is read from; tests set a fixed clock. */
  static Clock clock = Clock.systemUTC();

  @Spec CommandSpec spec;

  @Mixin StoreOptions store;

  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Instant now = clock.instant();
    Optional<KuzetConfig> cfg = OptionalConfig.load(config, spec);
    Path db = OptionalConfig.database(store, cfg, spec);
    out.println("database:     " + db.toAbsolutePath());
    Optional<String> holder = InstanceLock.heldBy(db);
    Optional<Consent> consent;
    try {
      consent = ConsentFile.read(db);
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    // A running service reads consent before every run and upload (ConsentGate): without a current one it idles.
    boolean consented = consent.isPresent() && consent.get().isCurrent();
    out.println("service:      " + holder.map(pid -> consented ? "running (process " + pid + ")"
        : "idle (process " + pid + "): " + (consent.isEmpty() ? "consent withdrawn or none recorded"
            : "consent was given to an older explanation") + ", so it measures and uploads nothing until "
            + "'" + ConsentCommand.commandFor(db, "") + "' is given again").orElse("not running"));
    out.println("consent:      " + consent.map(c -> "given " + seconds(c.givenAt()) + ", upload "
        + (c.upload() ? "agreed" : "not agreed") + (c.isCurrent() ? "" : " (to an older explanation)"))
        .orElse("none recorded ('" + ConsentCommand.commandFor(db, "") + "')"));
    if (!Files.exists(db)) {
      out.println("last run:     no runs yet (no database)");
    } else {
      try (ResultsStore results = store(db)) {
        printStored(out, results, now);
      }
    }
    printPlan(out, cfg, now, consented);
    out.flush();
    return Main.EXIT_OK;
  }

  private static ResultsStore store(Path db) {
    try {
      return ResultsStore.openReadOnly(db);
    } catch (org.kuzet.agent.store.StoreException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static void printStored(PrintWriter out, ResultsStore results, Instant now) {
    Optional<RunRecord> last = results.lastRun();
    if (last.isEmpty()) {
      out.println("last run:     no runs yet");
    } else {
      RunRecord r = last.get();
      String end = r.endedAt() != null ? "ended " + seconds(r.endedAt())
          : "not finished (running now, or the process was stopped during it)";
      if (r.failed()) {
        out.printf(Locale.ROOT, "last run:     #%d %s%s, started %s, FAILED: %s%n", r.id(), r.trigger().wire(),
            r.campaign() == null ? "" : " " + r.campaign(), seconds(r.startedAt()), r.failure());
      } else {
        out.printf(Locale.ROOT, "last run:     #%d %s%s, started %s, %s; %d measured, %d blocked%s%n", r.id(),
            r.trigger().wire(), r.campaign() == null ? "" : " " + r.campaign(), seconds(r.startedAt()), end,
            r.measurementCount(), r.blockedCount(), r.connectivity() == null ? ""
                : " (network " + r.connectivity().wire() + ")");
      }
    }
    if (last.isPresent()) {
      out.println("control:      " + ControlStatus.health(results.controlFailures(last.get().id())));
    }
    out.println("network:      " + network(results, last, now));
    QueueCounts q = results.counts();
    out.printf(Locale.ROOT, "upload queue: %d pending, %d uploaded, %d rejected%n", q.pending(), q.uploaded(),
        q.rejected());
  }

  /**
   * The state a running service watches; else the last one recorded, with its end (nothing is watching now); else
   * what the last run's check found; else unknown.
   */
  private static String network(ResultsStore results, Optional<RunRecord> last, Instant now) {
    Optional<ConnectivityRecord> recorded = results.lastConnectivity();
    if (recorded.isPresent()) {
      ConnectivityRecord e = recorded.get();
      return e.ongoing()
          ? e.state().wire() + " since " + seconds(e.startedAt()) + " (" + human(Duration.between(e.startedAt(), now))
              + ")"
          : e.state().wire() + " from " + seconds(e.startedAt()) + " to " + seconds(e.endedAt())
              + " (the last state recorded; no service is watching it now)";
    }
    if (last.isPresent() && last.get().connectivity() != null) {
      return last.get().connectivity().wire() + " at the last run (" + seconds(last.get().startedAt()) + ")";
    }
    return "unknown (no connectivity check recorded)";
  }

  private void printPlan(PrintWriter out, Optional<KuzetConfig> cfg, Instant now, boolean consented) {
    if (cfg.isEmpty()) {
      out.println("next run:     unknown (no config file at " + config.file() + "; give --config FILE)");
      return;
    }
    KuzetConfig c = cfg.get();
    Scheduler scheduler = new Scheduler(c.schedule(), c.campaigns(), new Random(0));
    KuzetConfig.Campaign active = scheduler.campaignAt(now);
    out.println("campaign:     " + (active == null ? "none active"
        : active.name() + " (until " + seconds(active.end()) + ", every " + human(active.interval()) + ")"));
    Slot next = scheduler.next(now);
    Duration jitter = next.isCampaign() ? next.campaign().jitter() : c.schedule().jitter();
    out.println("next run:     " + next.describe() + " around " + seconds(next.nominal()) + " (± "
        + human(jitter) + (consented ? ", if the service is running)" : "; skipped unless consent is given)"));
  }

  private static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }

  private static String human(Duration d) {
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    return d.truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
