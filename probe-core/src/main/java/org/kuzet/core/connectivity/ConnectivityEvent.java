package org.kuzet.core.connectivity;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A stretch of time in one network state: a row of the outage timeline.
 *
 * @param end null while the state still holds
 */
public record ConnectivityEvent(NetworkState state, Instant start, Instant end) {
  public ConnectivityEvent {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(start, "start");
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("event ends (" + end + ") before it starts (" + start + ")");
    }
  }

  public boolean isOpen() {
    return end == null;
  }

  /** Length of a closed event, or up to {@code now} for an open one. */
  public Duration duration(Instant now) {
    return Duration.between(start, end == null ? now : end);
  }
}
