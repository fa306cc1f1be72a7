package org.kuzet.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TlsHandshake;

/**
 * The agent's metrics, in a Micrometer registry scraped in Prometheus format (see {@link MetricsServer}).
 * Names as scraped:
 * <ul>
 *   <li>{@code kuzet_measurements_total{verdict}}, {@code kuzet_measurement_signals_total{signal}}</li>
 *   <li>{@code kuzet_step_duration_seconds{step=dns|tcp|tls|http, failure}} (a summary: count, sum, max)</li>
 *   <li>{@code kuzet_runs_total{kind=regular|campaign, outcome=completed|stopped|failed}},
 *       {@code kuzet_runs_failed_total{kind, reason}} (reason: target_list_missing|target_list_unreadable|
 *       target_list_invalid|no_targets|store|internal), {@code kuzet_runs_skipped_total},
 *       {@code kuzet_run_duration_seconds},
 *       {@code kuzet_last_run_timestamp_seconds}, {@code kuzet_next_run_timestamp_seconds}</li>
 *   <li>{@code kuzet_connectivity_state{state}} (1 for the current state, 0 for the others),
 *       {@code kuzet_outage_seconds_total} (time spent not online, the open outage included)</li>
 *   <li>{@code kuzet_upload_queue_depth}, {@code kuzet_last_upload_success_timestamp_seconds}</li>
 * </ul>
 * Labels come from closed sets (verdicts, signals, states, failure names without their free-text detail), so the
 * number of series stays small. No label ever carries a URL, an address or anything about the volunteer.
 * Thread-safe.
 */
public final class AgentMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final AtomicReference<NetworkState> state = new AtomicReference<>();
  private final AtomicReference<Instant> outageSince = new AtomicReference<>();
  private final Object outageLock = new Object();
  private double closedOutageSeconds;
  private volatile IntSupplier queueDepth = () -> 0;
  private volatile double lastUpload = Double.NaN;
  private volatile double lastRun = Double.NaN;
  private volatile double nextRun = Double.NaN;
  private final Counter skipped;
  private final Timer runDuration;

  public AgentMetrics(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    for (NetworkState s : NetworkState.values()) {
      Gauge.builder("kuzet.connectivity.state", () -> state.get() == s ? 1 : 0).tag("state", s.wire())
          .description("1 for the network state the last check found, 0 for the others").register(registry);
    }
    FunctionCounter.builder("kuzet.outage", this, AgentMetrics::outageSeconds).baseUnit("seconds")
        .description("Time spent not online (no local network, domestic only or offline)").register(registry);
    Gauge.builder("kuzet.upload.queue.depth", () -> queueDepth.getAsInt())
        .description("Measurements waiting to be uploaded").register(registry);
    Gauge.builder("kuzet.last.upload.success.timestamp", () -> lastUpload).baseUnit("seconds")
        .description("When an upload last succeeded (Unix time)").register(registry);
    Gauge.builder("kuzet.last.run.timestamp", () -> lastRun).baseUnit("seconds")
        .description("When the last run finished (Unix time)").register(registry);
    Gauge.builder("kuzet.next.run.timestamp", () -> nextRun).baseUnit("seconds")
        .description("When the next run is planned (Unix time)").register(registry);
    skipped = Counter.builder("kuzet.runs.skipped").description("Slots missed (sleep, stop, overrun), not replayed")
        .register(registry);
    runDuration = Timer.builder("kuzet.run.duration").description("Wall time of whole runs").register(registry);
  }

  /** Feeds measurement and step metrics; install it in the run's ProbeSettings. */
  public ProbeEventListener listener() {
    return new ProbeEventListener() {
      @Override
      public void measurementEnd(Measurement m) {
        measured(m);
      }

      @Override
      public void dnsEnd(DnsQuery q) {
        step("dns", q.failure(), q.t() - q.t0());
      }

      @Override
      public void tcpEnd(TcpConnect c) {
        step("tcp", c.status().failure(), c.t() - c.t0());
      }

      @Override
      public void tlsEnd(TlsHandshake h) {
        step("tls", h.failure(), h.t() - h.t0());
      }

      @Override
      public void httpEnd(HttpTransaction tx) {
        step("http", tx.failure(), tx.t() - tx.t0());
      }
    };
  }

  /** Counts one stored measurement by verdict and signals. */
  public void measured(Measurement m) {
    var keys = m.testKeys();
    String verdict = keys.xVerdict() == null ? "none" : keys.xVerdict().wire();
    Counter.builder("kuzet.measurements").tag("verdict", verdict)
        .description("Measurements stored, by verdict").register(registry).increment();
    if (keys.xSignals() != null) {
      for (Signal s : keys.xSignals()) {
        Counter.builder("kuzet.measurement.signals").tag("signal", s.wire())
            .description("Evidence signals in stored measurements (one measurement may have several)")
            .register(registry).increment();
      }
    }
  }

  private void step(String step, String failure, double seconds) {
    Timer.builder("kuzet.step.duration").tag("step", step).tag("failure", failureLabel(failure))
        .description("Time of one network step (dns, tcp, tls, http) by its failure (none when it worked)")
        .register(registry).record(Duration.ofNanos((long) (Math.max(0, seconds) * 1e9)));
  }

  /** df-007 names are a closed set except {@code unknown_failure: detail}; the detail is dropped. */
  static String failureLabel(String failure) {
    if (failure == null) {
      return "none";
    }
    int colon = failure.indexOf(':');
    return (colon < 0 ? failure : failure.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
  }

  /** A run ended; {@code outcome} is completed, stopped (service stopping) or failed. */
  public void runFinished(boolean campaign, String outcome, Duration took) {
    Counter.builder("kuzet.runs").tag("kind", campaign ? "campaign" : "regular").tag("outcome", outcome)
        .description("Runs ended, by kind (regular or campaign) and outcome (completed, stopped, failed)")
        .register(registry).increment();
    runDuration.record(took);
    lastRun = clock.instant().toEpochMilli() / 1000.0;
  }

  /**
   * A run failed; {@code reason} is a closed-set label: {@code target_list_missing}, {@code target_list_unreadable},
   * {@code target_list_invalid}, {@code no_targets}, {@code store} or {@code internal}.
   */
  public void runFailed(boolean campaign, String reason) {
    Counter.builder("kuzet.runs.failed").description("Runs that failed, by reason")
        .tag("kind", campaign ? "campaign" : "regular").tag("reason", reason).register(registry).increment();
  }

  public void runSkipped(int count) {
    skipped.increment(count);
  }

  public void nextRun(Instant at) {
    nextRun = at.toEpochMilli() / 1000.0;
  }

  /** The state the last connectivity check found. */
  public void connectivity(NetworkState now) {
    Objects.requireNonNull(now, "now");
    synchronized (outageLock) {
      state.set(now);
      if (now.isOutage() && outageSince.get() == null) {
        outageSince.set(clock.instant());
      } else if (!now.isOutage() && outageSince.get() != null) {
        closedOutageSeconds += secondsSince(outageSince.getAndSet(null));
      }
    }
  }

  private double outageSeconds() {
    synchronized (outageLock) {
      Instant since = outageSince.get();
      return closedOutageSeconds + (since == null ? 0 : secondsSince(since));
    }
  }

  private double secondsSince(Instant since) {
    return Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
  }

  /** Where the upload queue's depth is read at each scrape (bound by whoever owns the queue). */
  public void uploadQueueDepth(IntSupplier depth) {
    this.queueDepth = Objects.requireNonNull(depth, "depth");
  }

  public void uploadSucceeded(Instant at) {
    lastUpload = at.toEpochMilli() / 1000.0;
  }

  /**
   * After one {@code Uploader.drain}: the queue depth it left ({@code Result.remaining}) and, when the collector
   * took anything ({@code uploaded + duplicate > 0}), the time of that success.
   */
  public void uploadDrained(long remaining, boolean accepted, Instant at) {
    long depth = Math.max(0, Math.min(Integer.MAX_VALUE, remaining));
    uploadQueueDepth(() -> (int) depth);
    if (accepted) {
      uploadSucceeded(at);
    }
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
