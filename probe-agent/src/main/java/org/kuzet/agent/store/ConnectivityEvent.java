package org.kuzet.agent.store;

import java.time.Instant;

/** One row of {@code connectivity_events}: a state from {@code startedAt} until {@code endedAt} (null: ongoing). */
public record ConnectivityEvent(long id, ConnectivityState state, Instant startedAt, Instant endedAt, String detailJson) {
  public boolean ongoing() {
    return endedAt == null;
  }
}
