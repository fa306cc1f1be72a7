package org.kuzet.agent.run;

import java.util.List;
import java.util.Objects;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.core.ProbeSettings;
import org.kuzet.targets.Target;

/**
 * Everything one run is decided by before it starts: what it measures and how. Built only by {@link RunPlans}
 * (from a config file, with {@code kuzet run --once}'s flags over it), carried out only by {@link RunEngine}; so
 * {@code kuzet run --once --config FILE} and {@code kuzet service} with the same FILE measure the same targets
 * with the same settings.
 *
 * @param targets what to measure, in order; two entries may share a URL (each keeps its own category)
 * @param targetList where the targets came from ({@code kz}, {@code kz+extra.csv}), stored with each measurement
 * @param settings the probe settings: the config's {@code [network] resolvers} and {@code [control] urls}, with
 *     the caller's tuning (timeouts, trust roots, metrics listener); the network identity is added per run
 * @param probe how the network is named ({@code [probe]}): looked up once per run by {@link RunEngine}
 * @param connectivity the connectivity check that decides whether the network is up (anchors, local link)
 */
public record RunPlan(List<Target> targets, String targetList, ProbeSettings settings, KuzetConfig.Probe probe,
    ConnectivityPlan connectivity) {
  public RunPlan {
    targets = List.copyOf(targets);
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(connectivity, "connectivity");
  }

  /** This plan with another connectivity check (tests: none, or loopback anchors). */
  public RunPlan withConnectivity(ConnectivityPlan other) {
    return new RunPlan(targets, targetList, settings, probe, other);
  }
}
