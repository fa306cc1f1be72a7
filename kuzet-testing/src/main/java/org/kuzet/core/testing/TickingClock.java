package org.kuzet.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The test clock, in UTC, safe from any thread. Two uses, one class:
 * <ul>
 *   <li>{@link #TickingClock(Instant, Duration) ticking}: it moves forward by a fixed tick every time it is read,
 *       so step timings taken from it are strictly increasing in the order the probe read them, and a test can
 *       assert "DNS ended before TCP started" without depending on how fast the machine is;</li>
 *   <li>{@link #at(Instant) standing}: it moves only when the test says so ({@link #advance}, {@link #set}), so
 *       schedules, backoff and timelines are tested without waiting.</li>
 * </ul>
 * A ticking clock can be advanced and set too; its ticks go on from there.
 */
public final class TickingClock extends Clock {
  private final long tickNanos;
  private Instant origin;
  private long reads;

  /** A clock at {@code origin} that moves by {@code tick} on every read ({@link Duration#ZERO}: only by hand). */
  public TickingClock(Instant origin, Duration tick) {
    if (tick.isNegative()) {
      throw new IllegalArgumentException("tick must not be negative: " + tick);
    }
    this.origin = origin;
    this.tickNanos = tick.toNanos();
  }

  /** From 2026-01-01T00:00:00Z, one millisecond per read. */
  public TickingClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMillis(1));
  }

  /** A clock standing at {@code start}: it moves only by {@link #advance} and {@link #set}. */
  public static TickingClock at(Instant start) {
    return new TickingClock(start, Duration.ZERO);
  }

  @Override
  public synchronized Instant instant() {
    return origin.plusNanos(reads++ * tickNanos);
  }

  /** Moves the clock forward by {@code d}. */
  public synchronized void advance(Duration d) {
    origin = origin.plus(d);
  }

  /** Puts the clock at {@code t} (ticks, if any, go on from there). */
  public synchronized void set(Instant t) {
    origin = t;
    reads = 0;
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
