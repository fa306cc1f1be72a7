package org.kuzet.agent.run;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.kuzet.agent.service.ServiceHostAnchors;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.connectivity.ConnectivityChecker;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.StepAnchorProber;

/**
 * How the network's state is checked before (and, in the service, between) runs: the config's anchors plus the
 * hosts kuzet itself depends on (the first control, the collector when uploading), resolved when the checker is
 * opened. {@link #NONE} checks nothing (tests only: the default anchors are public addresses).
 *
 * @param controlUrls the run's control URLs; the first becomes an anchor
 * @param collector the collector's URL when this run uploads, else null
 */
public record ConnectivityPlan(LocalNetwork local, List<Anchor> domestic, List<Anchor> foreign,
    List<String> controlUrls, String collector) {
  /** No check: the network is taken as online. */
  public static final ConnectivityPlan NONE = new ConnectivityPlan(null, List.of(), List.of(), List.of(), null);

  public ConnectivityPlan {
    domestic = List.copyOf(domestic);
    foreign = List.copyOf(foreign);
    controlUrls = List.copyOf(controlUrls);
  }

  /**
   * Tests: only these foreign anchors (for instance loopback ones), the local link taken as up, no service host
   * added.
   */
  public static ConnectivityPlan anchorsOnly(List<Anchor> foreign) {
    return new ConnectivityPlan(LocalNetwork.fixed(LocalNetwork.Link.up("anchors given on the command line")),
        List.of(), foreign, List.of(), null);
  }

  public boolean enabled() {
    return local != null;
  }

  /**
   * The one place a connectivity checker is assembled ({@code kuzet run --once} checks once with it, the service
   * keeps it for its heartbeat). Resolves the service hosts now (at most one lookup timeout).
   */
  public ConnectivityChecker open(Clock clock) {
    if (!enabled()) {
      throw new IllegalStateException("no connectivity check in this plan");
    }
    List<Anchor> all = new ArrayList<>(foreign);
    if (!controlUrls.isEmpty() || collector != null) {
      all = ServiceHostAnchors.withServiceHosts(foreign, controlUrls, collector, ServiceHostAnchors.SYSTEM);
    }
    return new ConnectivityChecker(local, StepAnchorProber.standard(), domestic, all,
        ConnectivityChecker.DEFAULT_BUDGET, clock);
  }
}
