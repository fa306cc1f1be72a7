package org.kuzet.agent.store;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the connectivity check found: stored as text in {@code runs.connectivity} and {@code connectivity_events}. */
public enum ConnectivityState {
  ONLINE("online"),
  /** No usable local network (no route, no address, the resolver unreachable). */
  NO_LOCAL_NETWORK("no_local_network"),
  /** Domestic sites answer, foreign anchors do not: an upstream (international) shutdown. */
  DOMESTIC_ONLY("domestic_only"),
  OFFLINE("offline");

  private final String wire;

  ConnectivityState(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static ConnectivityState fromWire(String wire) {
    for (ConnectivityState s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown connectivity state '" + wire + "' (one of "
        + Arrays.stream(values()).map(ConnectivityState::wire).collect(Collectors.joining(", ")) + ")");
  }
}
