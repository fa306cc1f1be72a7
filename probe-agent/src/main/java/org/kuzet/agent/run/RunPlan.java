package org.kuzet.agent.run;

import java.util.List;
import java.util.Objects;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.messengers.EndpointMap;
import org.kuzet.core.messengers.Messenger;
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
 * @param messengers the apps checked after the web targets ({@code kuzet messengers}, {@code [messengers]} of the
 *     service), one measurement each, with the run's network identity and report id; empty for none
 * @param endpointMap where the apps' connections really go: the identity, but for tests (loopback servers)
 */
public record RunPlan(List<Target> targets, String targetList, ProbeSettings settings, KuzetConfig.Probe probe,
    ConnectivityPlan connectivity, List<Messenger> messengers, EndpointMap endpointMap) {
  public RunPlan {
    targets = List.copyOf(targets);
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(connectivity, "connectivity");
    messengers = List.copyOf(messengers);
    Objects.requireNonNull(endpointMap, "endpointMap");
  }

  /** A plan of web targets only. */
  public RunPlan(List<Target> targets, String targetList, ProbeSettings settings, KuzetConfig.Probe probe,
      ConnectivityPlan connectivity) {
    this(targets, targetList, settings, probe, connectivity, List.of(), EndpointMap.IDENTITY);
  }

  /** This plan with another connectivity check (tests: none, or loopback anchors). */
  public RunPlan withConnectivity(ConnectivityPlan other) {
    return new RunPlan(targets, targetList, settings, probe, other, messengers, endpointMap);
  }

  /** This plan with these apps checked after its web targets, their connections going where {@code map} says. */
  public RunPlan withMessengers(List<Messenger> apps, EndpointMap map) {
    return new RunPlan(targets, targetList, settings, probe, connectivity, apps, map);
  }
}
