package org.kuzet.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves forward by a fixed tick every time it is read, from any thread. Step timings taken from it
 * are strictly increasing in the order the probe read them, so a test can assert "DNS ended before TCP started"
 * without depending on how fast the machine is.
 */
public final class TickingClock extends Clock {
  private final Instant origin;
  private final long tickNanos;
  private final AtomicLong reads = new AtomicLong();

  public TickingClock(Instant origin, Duration tick) {
    if (tick.isZero() || tick.isNegative()) {
      throw new IllegalArgumentException("tick must be positive: " + tick);
    }
    this.origin = origin;
    this.tickNanos = tick.toNanos();
  }

  /** From 2026-01-01T00:00:00Z, one millisecond per read. */
  public TickingClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMillis(1));
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(reads.getAndIncrement() * tickNanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock is always UTC");
  }
}
