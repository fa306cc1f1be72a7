package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonValue;

/** kuzet's {@code x_verdict}: what a measurement says about the site from this network at that time. */
public enum Verdict {
  ACCESSIBLE("accessible"),
  BLOCKED("blocked"),
  /** Fails from the control too: the site is down, not censored. */
  DOWN("down"),
  /** No usable control, or mixed evidence. */
  INCONCLUSIVE("inconclusive"),
  /** The local network or the upstream was cut at that time; no site is blamed. */
  OFFLINE("offline");

  private final String wire;

  Verdict(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
