package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;

/**
 * How {@code kuzet run} shows progress: a bar redrawn in place on a terminal (done/total, blocked so far,
 * elapsed; the clock ticks every second even while no measurement completes, so a long wait does not look like a
 * hang), one plain line per measurement otherwise (logs, pipes, the service's journal).
 */
abstract class RunProgress {
  final PrintWriter out;
  final Messages messages;
  final int total;
  private final LongSupplier nanoClock;
  private final long startNanos;
  int done;
  int blocked;

  RunProgress(PrintWriter out, Messages messages, int total, LongSupplier nanoClock) {
    this.out = out;
    this.messages = messages;
    this.total = total;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  static RunProgress forOutput(PrintWriter out, Messages messages, int total, boolean terminal) {
    return forOutput(out, messages, total, terminal, System::nanoTime, Ticker.EVERY_SECOND);
  }

  static RunProgress forOutput(PrintWriter out, Messages messages, int total, boolean terminal,
      LongSupplier nanoClock, Ticker ticker) {
    return terminal ? new Bar(out, messages, total, nanoClock, ticker) : new Lines(out, messages, total, nanoClock);
  }

  /** Calls a redraw regularly until stopped; one daemon thread per run, not per measurement. */
  interface Ticker {
    Ticker EVERY_SECOND = tick -> {
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kuzet-progress-clock");
        t.setDaemon(true);
        return t;
      });
      clock.scheduleAtFixedRate(tick, 1, 1, TimeUnit.SECONDS);
      return clock::shutdownNow;
    };

    Runnable start(Runnable tick);
  }

  final synchronized void measured(Measurement m) {
    done++;
    if (m.testKeys().xVerdict() == Verdict.BLOCKED) {
      blocked++;
    }
    show(m);
  }

  final synchronized void failed(String input, String reason) {
    done++;
    showFailure(input, reason);
  }

  abstract void show(Measurement m);

  abstract void showFailure(String input, String reason);

  /** Leaves the output ready for whatever is printed next. */
  abstract void finish();

  String elapsed() {
    long s = Duration.ofNanos(nanoClock.getAsLong() - startNanos).toSeconds();
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String verdict(Measurement m) {
    return m.testKeys().xVerdict() == null ? "measured" : m.testKeys().xVerdict().wire();
  }

  private static final class Lines extends RunProgress {
    private final int width;

    Lines(PrintWriter out, Messages messages, int total, LongSupplier nanoClock) {
      super(out, messages, total, nanoClock);
      this.width = String.valueOf(total).length();
    }

    @Override
    void show(Measurement m) {
      String signals = m.testKeys().xSignals() == null || m.testKeys().xSignals().isEmpty() ? ""
          : "  " + String.join(",", m.testKeys().xSignals().stream().map(Signal::wire).toList());
      out.printf(Locale.ROOT, "[%" + width + "d/%d] %-12s %s%s%n", done, total, verdict(m), m.input(), signals);
      out.flush();
    }

    @Override
    void showFailure(String input, String reason) {
      out.printf(Locale.ROOT, "[%" + width + "d/%d] %-12s %s  %s%n", done, total, messages.get("progress.error"), input,
          reason);
      out.flush();
    }

    @Override
    void finish() {}
  }

  private static final class Bar extends RunProgress {
    private static final int WIDTH = 30;

    private final Runnable stopTicking;

    Bar(PrintWriter out, Messages messages, int total, LongSupplier nanoClock, Ticker ticker) {
      super(out, messages, total, nanoClock);
      this.stopTicking = ticker.start(this::tick);
    }

    private synchronized void tick() {
      draw();
    }

    @Override
    void show(Measurement m) {
      draw();
    }

    @Override
    void showFailure(String input, String reason) {
      out.print("\r\033[K");
      out.println(messages.get("progress.couldNotMeasure", input, reason));
      draw();
    }

    private void draw() {
      int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
      out.printf(Locale.ROOT, "\r[%s%s] %d/%d  %s %d  %s ", "#".repeat(filled), "-".repeat(WIDTH - filled),
          done, total, messages.get("progress.blocked"), blocked, elapsed());
      out.flush();
    }

    @Override
    synchronized void finish() {
      stopTicking.run();
      out.println();
      out.flush();
    }
  }
}
