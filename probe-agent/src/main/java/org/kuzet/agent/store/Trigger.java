package org.kuzet.agent.store;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Why a run happened: stored as text in {@code runs.trigger}. */
public enum Trigger {
  /** {@code kuzet run --once} or another command a person typed. */
  MANUAL("manual"),
  /** The background service's regular schedule. */
  SCHEDULED("scheduled"),
  /** A dense run of an organiser's campaign (protests, elections); {@code runs.campaign} names it. */
  CAMPAIGN("campaign"),
  /**
   * {@code kuzet analyze --db}: measurements recorded elsewhere (OONI's, another probe's export), analysed here;
   * they are stored with {@code upload_state = 'local'} and never uploaded.
   */
  IMPORTED("imported");

  private final String wire;

  Trigger(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Trigger fromWire(String wire) {
    for (Trigger t : values()) {
      if (t.wire.equals(wire)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown run trigger '" + wire + "' (one of "
        + Arrays.stream(values()).map(Trigger::wire).collect(Collectors.joining(", ")) + ")");
  }
}
