package org.kuzet.agent.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How the service waits between slots and heartbeats. The real one blocks on the stop latch; tests advance a
 * fake clock instead, so no test ever sleeps.
 */
@FunctionalInterface
public interface Waiter {
  /** Returns when the clock reads {@code until} (or later), when {@code stop} opens, or earlier: callers re-check. */
  void waitUntil(Instant until, CountDownLatch stop) throws InterruptedException;

  /**
   * Waits on the stop latch for the wall-clock time left. The service never asks for more than a heartbeat, so
   * after a suspend (during which the JVM's timers stand still) the wall clock is looked at again within a
   * heartbeat and the missed slot is noticed.
   */
  static Waiter real(Clock clock) {
    return (until, stop) -> {
      long ms = Duration.between(clock.instant(), until).toMillis();
      if (ms > 0) {
        stop.await(ms, TimeUnit.MILLISECONDS);
      }
    };
  }
}
