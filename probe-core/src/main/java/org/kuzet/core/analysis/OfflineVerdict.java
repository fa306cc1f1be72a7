package org.kuzet.core.analysis;

import java.util.List;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * Rewrites the analysis of a measurement made while the network was not online: the verdict becomes
 * {@code offline} and no blocking is claimed, because a shutdown makes every site look blocked. Observations, the
 * control and the comparisons with it are kept as they were: they are the evidence of the outage. An analysis
 * rule applied after {@link Analysis#analyze}, once the run knows the network's state (verdict principle 4).
 */
public final class OfflineVerdict {
  private OfflineVerdict() {}

  /** {@code m} as it must be stored when the network was {@code state} during it: rewritten only in an outage. */
  public static Measurement during(NetworkState state, Measurement m) {
    return state.isOutage() ? apply(m) : m;
  }

  public static Measurement apply(Measurement m) {
    TestKeys k = m.testKeys();
    // OONI's comparison keys (body, headers, status, title) and the failed hop are facts about what was seen and
    // are kept; blocking, accessibility, signals, interception and blockpage matches are claims and are dropped.
    return m.withTestKeys(k.withAnalysis(k.analysis().toBuilder().blocking(null).accessible(null)
        .verdict(Verdict.OFFLINE).signals(List.of()).interception(null).blockpage(null).build()));
  }
}
