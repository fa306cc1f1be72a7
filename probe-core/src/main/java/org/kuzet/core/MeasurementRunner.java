package org.kuzet.core;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.kuzet.schema.Measurement;

/**
 * Measures many targets with bounded parallelism. Each URL has its own worker for its steps, so a blackholed site
 * ties up one worker for its timeouts and nothing else; once its steps are over, the worker goes on to the next URL
 * while the measurement's UDP queries finish listening for late replies and its control request waits for the
 * helper's answer, in the background ({@link WebConnectivity#measureAsync}). Results are handed to the sink as each
 * measurement completes, one at a time (the sink needs no locking of its own). At most {@link #tailBound}
 * measurements are in flight at once (steps, late replies or the control's answer), which
 * bounds sockets and memory however fast the URLs go by. The {@code control} list's sites, when given, are measured
 * first and all of them, so that every other target is judged for throttling against the volunteer's own network
 * speed in this run ({@link LocalBaseline}).
 */
public final class MeasurementRunner {
  /** Receives results; called from the experiment's threads (its finishing pool, or a worker) but never concurrently. */
  public interface Sink {
    void measured(Measurement measurement);

    /** A URL could not be measured because of a bug or bad input (never because of the network). */
    void failed(String input, RuntimeException error);
  }

  /**
   * Receives each target with its own measurement (no join back through the URL: two targets of one URL stay
   * two); called from worker threads but never concurrently.
   *
   * @param <T> what a target is to the caller (a target list's entry, a plain URL)
   */
  public interface TargetSink<T> {
    void measured(T target, Measurement measurement);

    /** The target could not be measured because of a bug or bad input (never because of the network). */
    void failed(T target, RuntimeException error);
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
    return run(inputs, Set.of(), reportId, sink);
  }

  /** {@link #run(List, String, Sink)} with {@code baselineInputs} (the {@code control} list's sites) first. */
  public int run(List<String> inputs, Set<String> baselineInputs, String reportId, Sink sink)
      throws InterruptedException {
    return run(inputs, Function.identity(), baselineInputs, reportId, new TargetSink<String>() {
      @Override
      public void measured(String input, Measurement measurement) {
        sink.measured(measurement);
      }

      @Override
      public void failed(String input, RuntimeException error) {
        sink.failed(input, error);
      }
    });
  }

  /**
   * Measures every target (its URL is {@code input.apply(target)}), blocking until all are done or the thread is
   * interrupted; returns how many completed.
   */
  public <T> int run(List<T> targets, Function<T, String> input, String reportId, TargetSink<T> sink)
      throws InterruptedException {
    return run(targets, input, Set.of(), reportId, sink);
  }

  /**
   * {@link #run(List, Function, String, TargetSink)}; targets whose URL is in {@code baselineInputs} are measured
   * first, all of them (late replies included), before any other starts.
   */
  public <T> int run(List<T> targets, Function<T, String> input, Set<String> baselineInputs, String reportId,
      TargetSink<T> sink) throws InterruptedException {
    Batch<T> batch = new Batch<>(input, reportId, sink, new LocalBaseline(experiment.throttling()));
    List<T> first = targets.stream().filter(t -> baselineInputs.contains(input.apply(t))).toList();
    List<T> then = targets.stream().filter(t -> !baselineInputs.contains(input.apply(t))).toList();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, targets.size())), r -> {
      Thread t = new Thread(r, "kuzet-measure");
      t.setDaemon(true);
      return t;
    });
    try {
      if (!first.isEmpty()) {
        CountDownLatch baselineDone = new CountDownLatch(first.size());
        for (T target : first) {
          pool.execute(() -> batch.measure(target, true, baselineDone));
        }
        baselineDone.await();
      }
      for (T target : then) {
        pool.execute(() -> batch.measure(target, false, null));
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
        // Keep waiting: every step has its own deadline, so the pool always drains.
      }
      batch.tails.acquire(batch.bound); // every late-reply window has closed and every result is in the sink
      return batch.done.get();
    } catch (InterruptedException e) {
      batch.stopped.set(true);
      pool.shutdownNow();
      throw e;
    }
  }

  /** One run's shared state: the sink (one caller at a time), the late-reply bound, the baseline. */
  private final class Batch<T> {
    final Function<T, String> input;
    final String reportId;
    final TargetSink<T> sink;
    final LocalBaseline baseline;
    final Object sinkLock = new Object();
    final AtomicInteger done = new AtomicInteger();
    final AtomicBoolean stopped = new AtomicBoolean();
    final int bound = tailBound();
    final Semaphore tails = new Semaphore(bound);

    Batch(Function<T, String> input, String reportId, TargetSink<T> sink, LocalBaseline baseline) {
      this.input = input;
      this.reportId = reportId;
      this.sink = sink;
      this.baseline = baseline;
    }

    /** On a worker: the steps now, the rest when the late-reply window closes; {@code finished} counted down then. */
    void measure(T target, boolean baselineSite, CountDownLatch finished) {
      boolean handedOn = false;
      try {
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
          measured = experiment.measureAsync(input.apply(target), reportId);
        } catch (RuntimeException e) {
          measured = CompletableFuture.failedFuture(e);
        }
        handedOn = true;
        measured.whenComplete((m, error) -> {
          try {
            deliver(target, baselineSite, m, error);
          } finally {
            tails.release();
            if (finished != null) {
              finished.countDown();
            }
          }
        });
      } finally {
        if (!handedOn && finished != null) {
          finished.countDown();
        }
      }
    }

    private void deliver(T target, boolean baselineSite, Measurement m, Throwable error) {
      if (stopped.get()) {
        return;
      }
      synchronized (sinkLock) {
        try {
          if (error != null) {
            throw error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          }
          sink.measured(target, baseline.judge(m, baselineSite));
          done.incrementAndGet();
        } catch (RuntimeException e) {
          // A bug, bad input, or a sink that could not take it (a full disk): reported, never dropped silently.
          sink.failed(target, e);
        } catch (Throwable t) {
          sink.failed(target, new IllegalStateException(t));
        }
      }
    }
  }
}
