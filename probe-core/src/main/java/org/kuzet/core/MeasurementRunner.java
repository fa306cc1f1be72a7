package org.kuzet.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.kuzet.schema.Measurement;

/**
 * Measures many URLs with bounded parallelism. Each URL has its own worker for its steps, so a blackholed site ties
 * up one worker for its timeouts and nothing else; once its steps are over, the worker goes on to the next URL while
 * the measurement's UDP queries finish listening for late replies in the background ({@link
 * WebConnectivity#measureAsync}). Results are handed to the sink as each measurement completes, one at a time (the
 * sink needs no locking of its own). At most {@link #tailBound} measurements wait for late replies at once, which
 * bounds sockets and memory however fast the URLs go by.
 */
public final class MeasurementRunner {
  /** Receives results; called from worker threads but never concurrently. */
  public interface Sink {
    void measured(Measurement measurement);

    /** A URL could not be measured because of a bug or bad input (never because of the network). */
    void failed(String input, RuntimeException error);
  }

  private final WebConnectivity experiment;
  private final int parallelism;

  public MeasurementRunner(WebConnectivity experiment, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.experiment = experiment;
    this.parallelism = parallelism;
  }

  /**
   * Measurements in flight at once, steps or late-reply window: three per worker, never fewer than 64. Fast URLs
   * (a few ms each) finish their steps far quicker than their 0.5 s window closes, so a worker needs room for several
   * measurements in their window, or it would wait for one to close; each holds its UDP sockets and records until
   * then (a few KiB), so memory stays bounded whatever the list's length.
   */
  int tailBound() {
    return Math.max(64, 3 * parallelism);
  }

  /** Measures every input, blocking until all are done or the thread is interrupted; returns how many completed. */
  public int run(List<String> inputs, String reportId, Sink sink) throws InterruptedException {
    AtomicInteger done = new AtomicInteger();
    Object sinkLock = new Object();
    int bound = tailBound();
    Semaphore tails = new Semaphore(bound);
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, inputs.size())), r -> {
      Thread t = new Thread(r, "kuzet-measure");
      t.setDaemon(true);
      return t;
    });
    try {
      for (String input : inputs) {
        pool.execute(() -> {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          try {
            tails.acquire();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          CompletableFuture<Measurement> measured;
          try {
            measured = experiment.measureAsync(input, reportId);
          } catch (RuntimeException e) {
            measured = CompletableFuture.failedFuture(e);
          }
          measured.whenComplete((m, error) -> {
            try {
              if (stopped.get()) {
                return;
              }
              synchronized (sinkLock) {
                if (error == null) {
                  sink.measured(m);
                  done.incrementAndGet();
                } else {
                  Throwable cause = error instanceof CompletionException && error.getCause() != null
                      ? error.getCause() : error;
                  sink.failed(input, cause instanceof RuntimeException r ? r : new IllegalStateException(cause));
                }
              }
            } finally {
              tails.release();
            }
          });
        });
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
        // Keep waiting: every step has its own deadline, so the pool always drains.
      }
      tails.acquire(bound); // every late-reply window has closed and every result is in the sink
      return done.get();
    } catch (InterruptedException e) {
      stopped.set(true);
      pool.shutdownNow();
      throw e;
    }
  }
}
