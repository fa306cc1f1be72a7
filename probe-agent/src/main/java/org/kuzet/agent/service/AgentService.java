package org.kuzet.agent.service;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.schedule.Scheduler;
import org.kuzet.agent.schedule.Slot;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.connectivity.ConnectivityMonitor;
import org.kuzet.core.connectivity.NetworkState;

/**
 * The long-running agent: one loop that waits for the next slot, runs it, and between runs checks connectivity
 * on the heartbeat (every {@code [heartbeat] interval}, {@code campaign_interval} while a campaign is active).
 *
 * <p>Runs happen on the loop's own thread, one at a time: a slot that comes due while a run is going is simply
 * planned after it (never two runs at once; the {@link org.kuzet.agent.schedule.InstanceLock} keeps a second
 * service off the same database). During a run the heartbeat is driven by the run itself: every
 * {@link RunRequest#finish} checks connectivity again when a heartbeat is due, so a shutdown that begins
 * mid-run marks the measurements made after it {@code offline}.
 *
 * <p>Every connectivity check feeds a {@link ConnectivityMonitor}; a change of state closes the previous
 * {@link ConnectivityEvent} and opens the next ({@link ConnectivityLog}), giving the outage timeline.
 *
 * <p>{@link #stop()} (the JVM's shutdown hook on SIGTERM/SIGINT) makes the loop start nothing new; a run in
 * progress sees {@link RunRequest#stopRequested()}, finishes the measurements in flight and returns. The open
 * connectivity event is closed on the way out.
 *
 * <p>Consent is read again ({@link ConsentGate}) before every slot, before every measurement a run starts (through
 * {@link RunRequest#stopRequested()}) and, by the uploader, before every upload. Without it the service is idle:
 * due slots are skipped and logged, no connectivity check is made (the open connectivity event is closed), and
 * it looks again at each heartbeat, resuming when consent is given again. Measurements already in flight when
 * consent is withdrawn finish and are stored locally, never uploaded without consent.
 */
public final class AgentService {
  /** How many closed connectivity events are remembered for {@link RunRequest#finish}; runs are short. */
  private static final int HISTORY = 64;

  /** Checks connectivity now; {@link org.kuzet.core.connectivity.ConnectivityChecker#check} in production. */
  @FunctionalInterface
  public interface ConnectivityProbe {
    ConnectivityCheck check() throws InterruptedException;
  }

  private final Clock clock;
  private final Waiter waiter;
  private final ConfigSource configs;
  private final ConnectivityProbe probe;
  private final ConsentGate consent;
  private final ConnectivityLog timeline;
  private final RunExecutor executor;
  private final AgentMetrics metrics;
  private final boolean upload;
  private final PrintWriter log;
  private final Messages messages;
  private final Scheduler scheduler;
  private final ConnectivityMonitor monitor = new ConnectivityMonitor();
  private final Deque<ConnectivityEvent> history = new ArrayDeque<>();
  private final CountDownLatch stopLatch = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopping;
  private KuzetConfig config;
  private Instant lastCheck;
  private Instant lastObserved;
  /** The reason consent was missing at the last look, or null while it is given. */
  private String idleBecause;

  private AgentService(Builder b) {
    this.clock = Objects.requireNonNull(b.clock, "clock");
    this.waiter = b.waiter != null ? b.waiter : Waiter.real(b.clock);
    this.configs = Objects.requireNonNull(b.configs, "configs");
    this.probe = Objects.requireNonNull(b.probe, "probe");
    this.consent = Objects.requireNonNull(b.consent, "consent");
    this.timeline = b.timeline != null ? b.timeline : ConnectivityLog.NONE;
    this.executor = Objects.requireNonNull(b.executor, "executor");
    this.metrics = b.metrics != null ? b.metrics : new AgentMetrics(b.clock);
    this.upload = b.upload;
    this.log = b.log != null ? b.log : new PrintWriter(System.err, true);
    this.messages = b.messages != null ? b.messages : Messages.english();
    this.config = configs.current();
    this.scheduler = new Scheduler(config.schedule(), config.campaigns(),
        b.random != null ? b.random : RandomGenerator.getDefault());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs until {@link #stop()}; returns when the loop has ended and the open connectivity event is closed. */
  public void run() throws InterruptedException {
    try {
      String uploading = messages.get(upload ? "service.upload.on" : "service.upload.off");
      say(config.campaigns().isEmpty() ? messages.get("service.started", uploading)
          : messages.get("service.started.campaigns", uploading,
              String.join(", ", config.campaigns().stream().map(c -> c.name()).toList())));
      Slot announced = null;
      while (!stopping) {
        reloadConfig();
        Instant now = clock.instant();
        int skippedBefore = scheduler.skipped();
        Slot slot = scheduler.next(now);
        int skipped = scheduler.skipped() - skippedBefore;
        if (skipped > 0) {
          metrics.runSkipped(skipped);
          say(messages.get("service.missed", skipped));
        }
        metrics.nextRun(slot.at());
        if (!slot.equals(announced)) {
          say(messages.get("service.next", describe(slot), seconds(slot.at())));
          announced = slot;
        }
        Duration heartbeat = config.heartbeat().at(scheduler.campaignAt(now) != null);
        if (!consentGiven()) {
          if (Scheduler.isDue(slot, now)) {
            scheduler.ran(slot);
            metrics.runSkipped(1);
            say(messages.get("service.skipped", describe(slot), idleBecause));
            continue;
          }
          Instant look = now.plus(heartbeat);
          waiter.waitUntil(slot.at().isBefore(look) ? slot.at() : look, stopLatch);
          continue;
        }
        if (Scheduler.isDue(slot, now)) {
          runSlot(slot);
          continue;
        }
        Instant heartbeatDue = lastCheck == null ? now : lastCheck.plus(heartbeat);
        if (!now.isBefore(heartbeatDue)) {
          check();
          continue;
        }
        waiter.waitUntil(slot.at().isBefore(heartbeatDue) ? slot.at() : heartbeatDue, stopLatch);
      }
    } finally {
      synchronized (this) {
        monitor.close(observationTime()).ifPresent(e -> {
          remember(e);
          timeline.closed(e);
        });
      }
      say(messages.get("service.stopped"));
      done.countDown();
    }
  }

  /** Asks the loop to stop; safe from any thread, any number of times. */
  public void stop() {
    stopping = true;
    stopLatch.countDown();
  }

  /** Waits up to {@code timeout} for {@link #run()} to return; true when it did. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  private void reloadConfig() {
    KuzetConfig latest = configs.current();
    if (latest != config) {
      config = latest;
      scheduler.update(latest.schedule(), latest.campaigns());
    }
  }

  private void runSlot(Slot slot) throws InterruptedException {
    scheduler.ran(slot);
    ConnectivityCheck check = check();
    Instant started = clock.instant();
    RunRequest request = new RunRequest(slot, started, RunRequest.targetsFor(config, slot), config, check, upload,
        metrics.listener(), () -> stopping || !consent.now().measure(), this::stateSince);
    say(messages.get("service.run.started", describe(slot), check.state().wire()));
    String outcome;
    try {
      RunOutcome o = executor.run(request);
      outcome = o.stopped() ? "stopped" : "completed";
      ConsentGate.State now = o.stopped() && !stopping ? consent.now() : null;
      say(messages.get("service.run." + outcome, describe(slot),
          now != null && !now.measure() ? " (" + now.reason() + ")" : "", o.measured(), o.failed(),
          human(Duration.between(started, clock.instant()))));
    } catch (RunFailedException e) {
      outcome = "failed";
      metrics.runFailed(slot.isCampaign(), e.reason());
      say(messages.get("service.run.failed", describe(slot), e.getMessage()));
    } catch (RuntimeException e) {
      outcome = "failed";
      metrics.runFailed(slot.isCampaign(), e instanceof java.io.UncheckedIOException ? "store" : "internal");
      say(messages.get("service.run.failed", describe(slot),
          e.getMessage() == null ? messages.get("service.internalError") : e.getMessage()));
    }
    metrics.runFinished(slot.isCampaign(), outcome, Duration.between(started, clock.instant()));
  }

  /**
   * Reads consent; on a change, says so. Losing it closes the open connectivity event (nothing is watched while
   * idle) and makes the first check after consent returns happen at once.
   */
  private boolean consentGiven() {
    ConsentGate.State state = consent.now();
    if (state.measure()) {
      if (idleBecause != null) {
        say(messages.get("service.consentAgain"));
        idleBecause = null;
      }
      return true;
    }
    if (!state.reason().equals(idleBecause)) {
      idleBecause = state.reason();
      say(messages.get("service.idle", idleBecause));
      synchronized (this) {
        monitor.close(observationTime()).ifPresent(e -> {
          remember(e);
          timeline.closed(e);
        });
        lastCheck = null;
      }
    }
    return false;
  }

  /** Checks connectivity now and records what it found. */
  private ConnectivityCheck check() throws InterruptedException {
    ConnectivityCheck c = probe.check();
    synchronized (this) {
      lastCheck = clock.instant();
      // A wall clock stepped back (NTP) must not break the timeline: never observe before the last observation.
      Instant at = lastObserved != null && c.at().isBefore(lastObserved) ? lastObserved : c.at();
      lastObserved = at;
      boolean first = monitor.current().isEmpty();
      Optional<ConnectivityEvent> closed = monitor.observe(c.state(), at);
      closed.ifPresent(e -> {
        remember(e);
        timeline.closed(e);
      });
      if (first || closed.isPresent()) {
        ConnectivityEvent open = monitor.current().orElseThrow();
        timeline.opened(open, c);
        say(messages.get("service.network", open.state().wire())
            + (first ? "" : messages.get("service.network.was", closed.get().state().wire(),
                human(closed.get().duration(at))))
            + (c.link().up() ? "" : ": " + c.link().detail()));
      }
      metrics.connectivity(c.state());
    }
    return c;
  }

  /**
   * The worst network state seen from {@code from} until now: an outage state when any check in that time
   * found one, else online. Runs a check first when the heartbeat is due (the run calls this per measurement).
   */
  private NetworkState stateSince(Instant from) {
    try {
      Duration heartbeat;
      Instant due;
      synchronized (this) {
        heartbeat = config.heartbeat().at(scheduler.campaignAt(clock.instant()) != null);
        due = lastCheck == null ? clock.instant() : lastCheck.plus(heartbeat);
      }
      if (!clock.instant().isBefore(due)) {
        check();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping: judge on what is known
    }
    synchronized (this) {
      ConnectivityEvent open = monitor.current().orElse(null);
      if (open != null && open.state().isOutage()) {
        return open.state();
      }
      for (ConnectivityEvent e : history) {
        if (e.state().isOutage() && e.end().isAfter(from)) {
          return e.state();
        }
      }
      return NetworkState.ONLINE;
    }
  }

  private void remember(ConnectivityEvent e) {
    history.addFirst(e);
    while (history.size() > HISTORY) {
      history.removeLast();
    }
  }

  private Instant observationTime() {
    Instant now = clock.instant();
    return lastObserved != null && now.isBefore(lastObserved) ? lastObserved : now;
  }

  private String describe(Slot slot) {
    return slot.describe(messages);
  }

  private void say(String message) {
    log.println(seconds(clock.instant()) + " kuzet service: " + message);
    log.flush();
  }

  private static String human(Duration d) {
    return d.truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Everything the service needs; clock, configs, probe, consent and executor are required. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Waiter waiter;
    private ConfigSource configs;
    private ConnectivityProbe probe;
    private ConsentGate consent;
    private ConnectivityLog timeline;
    private RunExecutor executor;
    private AgentMetrics metrics;
    private boolean upload;
    private PrintWriter log;
    private Messages messages;
    private RandomGenerator random;

    public Builder clock(Clock c) { clock = c; return this; }
    public Builder waiter(Waiter w) { waiter = w; return this; }
    public Builder config(ConfigSource c) { configs = c; return this; }
    public Builder connectivity(ConnectivityProbe p) { probe = p; return this; }
    /** Read before every slot and every measurement; without consent the service stays idle. Required. */
    public Builder consent(ConsentGate c) { consent = c; return this; }
    public Builder timeline(ConnectivityLog l) { timeline = l; return this; }
    public Builder executor(RunExecutor e) { executor = e; return this; }
    public Builder metrics(AgentMetrics m) { metrics = m; return this; }
    /** Whether measurements may be queued for upload (config on and the volunteer agreed). */
    public Builder upload(boolean u) { upload = u; return this; }
    public Builder log(PrintWriter l) { log = l; return this; }
    /** The language of the log lines (English by default); times, counts and network states stay as they are. */
    public Builder messages(Messages m) { messages = m; return this; }
    public Builder random(RandomGenerator r) { random = r; return this; }

    public AgentService build() {
      return new AgentService(this);
    }
  }
}
