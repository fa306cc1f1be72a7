package org.kuzet.core.connectivity;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns successive check results into a timeline of {@link ConnectivityEvent}s. A pure state machine: it is
 * given the states and their times and does no I/O and reads no clock, so the agent can store each closed event
 * and the open one, and tests can replay any sequence.
 *
 * <p>A change of state is accepted only after {@code confirmations} consecutive observations of the new state
 * (1 = at once). One lost check must not open a minutes-long "outage"; when the change is confirmed, the new
 * event starts at the <em>first</em> of those observations, so no time is misattributed. Observations must not go
 * back in time. Not thread-safe: one heartbeat loop feeds it.
 */
public final class ConnectivityMonitor {
  private final int confirmations;
  private ConnectivityEvent current;
  private NetworkState pending;
  private Instant pendingSince;
  private int pendingCount;
  private Instant last;

  public ConnectivityMonitor(int confirmations) {
    if (confirmations < 1) {
      throw new IllegalArgumentException("confirmations must be at least 1, got " + confirmations);
    }
    this.confirmations = confirmations;
  }

  /** A monitor that switches on the first differing observation. */
  public ConnectivityMonitor() {
    this(1);
  }

  /**
   * Records that the network was in {@code state} at {@code at}.
   *
   * @return the event this observation closed, if it confirmed a change of state
   */
  public Optional<ConnectivityEvent> observe(NetworkState state, Instant at) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    if (last != null && at.isBefore(last)) {
      throw new IllegalArgumentException("observation at " + at + " is before the previous one at " + last);
    }
    last = at;
    if (current == null) {
      current = new ConnectivityEvent(state, at, null);
      return Optional.empty();
    }
    if (state == current.state()) {
      pending = null; // a blip that was not confirmed: the current event simply continues
      return Optional.empty();
    }
    if (state != pending) {
      pending = state;
      pendingSince = at;
      pendingCount = 0;
    }
    pendingCount++;
    if (pendingCount < confirmations) {
      return Optional.empty();
    }
    ConnectivityEvent closed = new ConnectivityEvent(current.state(), current.start(), pendingSince);
    current = new ConnectivityEvent(state, pendingSince, null);
    pending = null;
    return Optional.of(closed);
  }

  /** The open event, empty before the first observation. */
  public Optional<ConnectivityEvent> current() {
    return Optional.ofNullable(current);
  }

  /** Closes the open event at {@code at} (on shutdown), so the timeline has no dangling row. */
  public Optional<ConnectivityEvent> close(Instant at) {
    if (current == null) {
      return Optional.empty();
    }
    ConnectivityEvent closed = new ConnectivityEvent(current.state(), current.start(),
        at.isBefore(current.start()) ? current.start() : at);
    current = null;
    pending = null;
    return Optional.of(closed);
  }
}
