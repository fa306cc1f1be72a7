package org.kuzet.agent.service;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.schedule.Slot;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.analysis.OfflineVerdict;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.Measurement;

/**
 * One run the service asks a {@link RunExecutor} to carry out.
 *
 * @param slot the slot (grid point, firing time, campaign or not)
 * @param startedAt when the service started the run
 * @param targets what to measure: the campaign's own selection, or the regular one (see {@link #targetsFor})
 * @param config the configuration in force (resolvers, control URLs, collector, database)
 * @param check the connectivity check made just before the run
 * @param upload whether measurements may be queued for upload: the config turns it on AND the volunteer agreed
 * @param listener metrics hook to install in the run's ProbeSettings
 */
public record RunRequest(
    Slot slot,
    Instant startedAt,
    TargetSelection targets,
    KuzetConfig config,
    ConnectivityCheck check,
    boolean upload,
    ProbeEventListener listener,
    BooleanSupplier stop,
    Function<Instant, NetworkState> stateSince) {

  private static final DateTimeFormatter OONI_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public RunRequest {
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(stop, "stop");
    Objects.requireNonNull(stateSince, "stateSince");
  }

  /** The network state found just before the run. */
  public NetworkState network() {
    return check.state();
  }

  /** The campaign's name, or null for a regular run. */
  public String campaign() {
    return slot.isCampaign() ? slot.campaign().name() : null;
  }

  /** True once the service is stopping: start no further measurement. */
  public boolean stopRequested() {
    return stop.getAsBoolean();
  }

  /**
   * The measurement as it must be stored: unchanged when the network was online for its whole duration, else
   * with {@code x_verdict: offline} and no blocking signals ({@link OfflineVerdict}). Asks the service for the
   * network state since the measurement started, which runs a connectivity check when the heartbeat is due, so
   * a shutdown that begins in the middle of a run is caught. Call it from one thread at a time (the runner's
   * sink is).
   */
  public Measurement finish(Measurement m) {
    Instant start = LocalDateTime.parse(m.measurementStartTime(), OONI_TIME).toInstant(ZoneOffset.UTC);
    return OfflineVerdict.during(stateSince.apply(start), m);
  }

  /**
   * A campaign's targets: its own lists and files when it has some, else the regular ones; its categories when
   * it names any, else the regular categories.
   */
  public static TargetSelection targetsFor(KuzetConfig config, Slot slot) {
    TargetSelection regular = config.targets();
    if (!slot.isCampaign()) {
      return regular;
    }
    TargetSelection own = slot.campaign().targets();
    return new TargetSelection(own.isEmpty() ? regular.lists() : own.lists(),
        own.isEmpty() ? regular.files() : own.files(),
        own.categories().isEmpty() ? regular.categories() : own.categories());
  }
}
