package org.kuzet.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.kuzet.schema.Measurement;

/**
 * Measures many targets with bounded parallelism. Each URL has its own worker for its whole measurement, so a
 * blackholed site ties up one worker for its timeouts and nothing else; results are handed to the sink as
 * each measurement completes, one at a time (the sink needs no locking of its own).
 */
public final class MeasurementRunner {
  /** Receives results; called from worker threads but never concurrently. */
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

  /** Measures every input, blocking until all are done or the thread is interrupted; returns how many completed. */
  public int run(List<String> inputs, String reportId, Sink sink) throws InterruptedException {
    return run(inputs, Set.of(), reportId, sink);
  }

  /**
   * {@link #run(List, String, Sink)} with {@code baselineInputs} (the {@code control} list's sites among the
   * inputs) measured first, all of them, so that every other input is judged for throttling against the
   * volunteer's own network speed in this run ({@link LocalBaseline}).
   */
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
   * {@link #run(List, Function, String, TargetSink)}; targets whose URL is in {@code baselineInputs} are measured first
   * (the run's local baseline, see {@link #run(List, Set, String, Sink)}).
   */
  public <T> int run(List<T> targets, Function<T, String> input, Set<String> baselineInputs, String reportId,
      TargetSink<T> sink) throws InterruptedException {
    AtomicInteger done = new AtomicInteger();
    Object sinkLock = new Object();
    LocalBaseline baseline = new LocalBaseline(experiment.throttling());
    List<T> first = targets.stream().filter(t -> baselineInputs.contains(input.apply(t))).toList();
    List<T> then = targets.stream().filter(t -> !baselineInputs.contains(input.apply(t))).toList();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, targets.size())), r -> {
      Thread t = new Thread(r, "kuzet-measure");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> phase = new ArrayList<>();
      for (T target : first) {
        phase.add(pool.submit(task(target, input, true, reportId, baseline, sink, sinkLock, done)));
      }
      for (Future<?> f : phase) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // task() catches what measuring throws; nothing else reaches here
        }
      }
      for (T target : then) {
        pool.execute(task(target, input, false, reportId, baseline, sink, sinkLock, done));
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
        // Keep waiting: every step has its own deadline, so the pool always drains.
      }
      return done.get();
    } catch (InterruptedException e) {
      pool.shutdownNow();
      throw e;
    }
  }

  private <T> Runnable task(T target, Function<T, String> input, boolean baselineSite, String reportId,
      LocalBaseline baseline, TargetSink<T> sink, Object sinkLock, AtomicInteger done) {
    return () -> {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      try {
        Measurement m = baseline.judge(experiment.measure(input.apply(target), reportId), baselineSite);
        synchronized (sinkLock) {
          sink.measured(target, m);
          done.incrementAndGet();
        }
      } catch (RuntimeException e) {
        synchronized (sinkLock) {
          sink.failed(target, e);
        }
      }
    };
  }
}
