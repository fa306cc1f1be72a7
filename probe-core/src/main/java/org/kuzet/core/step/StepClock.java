package org.kuzet.core.step;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Times of one measurement, as seconds since its start, read from an injected {@link Clock}. */
public final class StepClock {
  private final Clock clock;
  private final Instant start;

  public StepClock(Clock clock) {
    this.clock = clock;
    this.start = clock.instant();
  }

  public Instant start() {
    return start;
  }

  /** Seconds since the start, microsecond resolution. */
  public double now() {
    long micros = Duration.between(start, clock.instant()).toNanos() / 1_000;
    return micros / 1e6;
  }
}
