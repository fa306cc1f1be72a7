package org.kuzet.core.step;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces a whole-step deadline by closing the step's socket. Socket read timeouts alone are not enough: a
 * middlebox that trickles one byte per second would keep a TLS handshake alive forever.
 */
public final class Watchdog implements AutoCloseable {
  /** The one timer thread of the steps: deadlines run here, no step thread waits on a timer. */
  static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kuzet-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final AtomicBoolean fired = new AtomicBoolean();
  private final ScheduledFuture<?> task;

  private Watchdog(Closeable target, Duration deadline) {
    this.task = TIMER.schedule(() -> {
      fired.set(true);
      try {
        target.close();
      } catch (IOException ignored) {
        // Closing is the whole point; a failure to close leaves the socket's own timeout in charge.
      }
    }, Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS);
  }

  public static Watchdog start(Closeable target, Duration deadline) {
    return new Watchdog(target, deadline);
  }

  /** True if the deadline passed and the target was closed: whatever failed afterwards is a timeout. */
  public boolean fired() {
    return fired.get();
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
