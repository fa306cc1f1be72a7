package org.kuzet.core.connectivity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One connectivity check: the conclusion and the evidence for it.
 *
 * @param at when the check started
 * @param domestic results of the domestic anchors (empty when the local link was down: nothing was probed)
 * @param foreign results of the foreign anchors (likewise)
 */
public record ConnectivityCheck(
    NetworkState state, Instant at, LocalNetwork.Link link, List<AnchorResult> domestic,
    List<AnchorResult> foreign) {

  public ConnectivityCheck {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(link, "link");
    domestic = List.copyOf(domestic);
    foreign = List.copyOf(foreign);
  }

  /**
   * The classification, a pure function of the evidence. A class of anchors "works" when at least one of its
   * anchors answered: a single foreign site being down or blocked must not look like a shutdown, and one
   * answering foreign anchor proves the international links carry traffic.
   */
  public static NetworkState classify(boolean linkUp, List<AnchorResult> domestic, List<AnchorResult> foreign) {
    if (!linkUp) {
      return NetworkState.NO_LOCAL_NETWORK;
    }
    if (anyWorks(foreign)) {
      return NetworkState.ONLINE;
    }
    return anyWorks(domestic) ? NetworkState.DOMESTIC_ONLY : NetworkState.OFFLINE;
  }

  private static boolean anyWorks(List<AnchorResult> results) {
    return results.stream().anyMatch(AnchorResult::works);
  }
}
