package org.kuzet.agent.store;

import java.time.Instant;
import org.kuzet.core.connectivity.NetworkState;

/** One row of {@code connectivity_events}: a state from {@code startedAt} until {@code endedAt} (null: ongoing). */
public record ConnectivityRecord(long id, NetworkState state, Instant startedAt, Instant endedAt, String detailJson) {
  public boolean ongoing() {
    return endedAt == null;
  }
}
