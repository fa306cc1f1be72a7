package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.i18n.Messages;
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
import picocli.CommandLine.ParentCommand;
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

  @ParentCommand KuzetCommand root;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Lines lines = new Lines(out, root.messages);
    Messages m = root.messages;
    Instant now = clock.instant();
    Optional<KuzetConfig> cfg = OptionalConfig.load(config, spec);
    Path db = OptionalConfig.database(store, cfg, spec);
    lines.print("status.database", db.toAbsolutePath().toString());
    Optional<String> holder = InstanceLock.heldBy(db);
    Optional<Consent> consent;
    try {
      consent = ConsentFile.read(db);
    } catch (IOException e) {
      throw new UsageException(e.getMessage(), e);
    }
    // A running service reads consent before every run and upload (ConsentGate): without a current one it idles.
    boolean consented = consent.isPresent() && consent.get().isCurrent();
    String consentCommand = ConsentCommand.commandFor(db, "");
    lines.print("status.service", holder.map(pid -> consented ? m.get("status.service.running", pid)
        : m.get("status.service.idle", pid, m.get(consent.isEmpty() ? "status.service.idle.none"
            : "status.service.idle.older"), consentCommand)).orElse(m.get("status.service.notRunning")));
    lines.print("status.consent", consent.map(c -> m.get("status.consent.given", seconds(c.givenAt()),
        m.get(c.upload() ? "consent.upload.agreed" : "consent.upload.notAgreed"))
        + (c.isCurrent() ? "" : m.get("status.consent.older"))).orElse(m.get("status.consent.none", consentCommand)));
    if (!Files.exists(db)) {
      lines.print("status.lastRun", m.get("status.lastRun.noDatabase"));
    } else {
      try (ResultsStore results = store(db)) {
        printStored(lines, results, now);
      }
    }
    printPlan(lines, cfg, now, consented);
    out.flush();
    return Main.EXIT_OK;
  }

  /** "label: value" lines, the values aligned after the longest label of the volunteer's language. */
  private static final class Lines {
    private final PrintWriter out;
    private final Messages m;
    private final int width;

    Lines(PrintWriter out, Messages m) {
      this.out = out;
      this.m = m;
      int longest = 0;
      for (String key : LABELS) {
        longest = Math.max(longest, m.get(key).length());
      }
      this.width = longest + 2;
    }

    void print(String labelKey, String value) {
      String label = m.get(labelKey) + ":";
      out.println(label + " ".repeat(Math.max(1, width - label.length())) + value);
    }
  }

  private static final List<String> LABELS = List.of("status.database", "status.service", "status.consent",
      "status.lastRun", "status.control", "status.network", "status.uploadQueue", "status.campaign", "status.nextRun");

  private static ResultsStore store(Path db) {
    try {
      return ResultsStore.openReadOnly(db);
    } catch (org.kuzet.agent.store.StoreException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static void printStored(Lines lines, ResultsStore results, Instant now) {
    Messages m = lines.m;
    Optional<RunRecord> last = results.runs().lastRun();
    if (last.isEmpty()) {
      lines.print("status.lastRun", m.get("status.lastRun.none"));
    } else {
      RunRecord r = last.get();
      String end = r.endedAt() != null ? m.get("status.lastRun.ended", seconds(r.endedAt()))
          : m.get("status.lastRun.unfinished");
      String what = r.trigger().wire() + (r.campaign() == null ? "" : " " + r.campaign());
      if (r.failed()) {
        lines.print("status.lastRun", m.get("status.lastRun.failed", r.id(), what, seconds(r.startedAt()),
            r.failure()));
      } else {
        lines.print("status.lastRun", m.get("status.lastRun.done", r.id(), what, seconds(r.startedAt()), end,
            r.measurementCount(), r.blockedCount()) + (r.connectivity() == null ? ""
                : m.get("status.lastRun.network", r.connectivity().wire())));
      }
    }
    if (last.isPresent()) {
      lines.print("status.control", ControlStatus.health(
          results.measurements().controlFailures(last.get().id()), m));
    }
    lines.print("status.network", network(m, results, last, now));
    QueueCounts q = results.uploadQueue().counts();
    lines.print("status.uploadQueue", m.get("status.uploadQueue.counts", q.pending(), q.uploaded(), q.rejected()));
  }

  /**
   * The state a running service watches; else the last one recorded, with its end (nothing is watching now); else
   * what the last run's check found; else unknown.
   */
  private static String network(Messages m, ResultsStore results, Optional<RunRecord> last, Instant now) {
    Optional<ConnectivityRecord> recorded = results.connectivity().lastConnectivity();
    if (recorded.isPresent()) {
      ConnectivityRecord e = recorded.get();
      return e.ongoing()
          ? m.get("status.network.since", e.state().wire(), seconds(e.startedAt()),
              human(Duration.between(e.startedAt(), now)))
          : m.get("status.network.fromTo", e.state().wire(), seconds(e.startedAt()), seconds(e.endedAt()));
    }
    if (last.isPresent() && last.get().connectivity() != null) {
      return m.get("status.network.lastRun", last.get().connectivity().wire(), seconds(last.get().startedAt()));
    }
    return m.get("status.network.unknown");
  }

  private void printPlan(Lines lines, Optional<KuzetConfig> cfg, Instant now, boolean consented) {
    Messages m = lines.m;
    if (cfg.isEmpty()) {
      lines.print("status.nextRun", m.get("status.nextRun.noConfig", config.file()));
      return;
    }
    KuzetConfig c = cfg.get();
    Scheduler scheduler = new Scheduler(c.schedule(), c.campaigns(), new Random(0));
    KuzetConfig.Campaign active = scheduler.campaignAt(now);
    lines.print("status.campaign", active == null ? m.get("status.campaign.none")
        : m.get("status.campaign.active", active.name(), seconds(active.end()), human(active.interval())));
    Slot next = scheduler.next(now);
    Duration jitter = next.isCampaign() ? next.campaign().jitter() : c.schedule().jitter();
    lines.print("status.nextRun", m.get(consented ? "status.nextRun.planned" : "status.nextRun.skipped",
        next.describe(m), seconds(next.nominal()), human(jitter)));
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
