package org.kuzet.core.connectivity;

/** What a connectivity check concluded about the network as a whole, before any target is blamed. */
public enum NetworkState {
  /** At least one foreign anchor answered: the international links work. */
  ONLINE("online"),
  /** No default route, or no interface up: this machine is not on a network (cable, Wi-Fi, modem). */
  NO_LOCAL_NETWORK("no_local_network"),
  /**
   * Domestic anchors answer, no foreign anchor does: the country's international gateway is cut, as in
   * Kazakhstan in January 2022. Targets measured now say nothing about blocking.
   */
  DOMESTIC_ONLY("domestic_only"),
  /** The local link is up but nothing beyond it answers: the ISP or the whole national network is down. */
  OFFLINE("offline");

  private final String wire;

  NetworkState(String wire) {
    this.wire = wire;
  }

  /** The name stored in the database, exported and used as the metrics label. */
  public String wire() {
    return wire;
  }

  /** The state named {@code wire} ({@link #wire()}); anything else is an {@link IllegalArgumentException}. */
  public static NetworkState fromWire(String wire) {
    for (NetworkState s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown network state '" + wire + "' (expected online, no_local_network,"
        + " domestic_only or offline)");
  }

  public boolean isOutage() {
    return this != ONLINE;
  }
}
