package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;

/**
 * How {@code kuzet run} shows progress: a bar redrawn in place on a terminal (done/total, blocked so far,
 * elapsed), one plain line per measurement otherwise (logs, pipes, the service's journal).
 */
abstract class RunProgress {
  final PrintWriter out;
  final int total;
  final long startNanos = System.nanoTime();
  int done;
  int blocked;

  RunProgress(PrintWriter out, int total) {
    this.out = out;
    this.total = total;
  }

  static RunProgress forOutput(PrintWriter out, int total, boolean terminal) {
    return terminal ? new Bar(out, total) : new Lines(out, total);
  }

  final void measured(Measurement m) {
    done++;
    if (m.testKeys().xVerdict() == Verdict.BLOCKED) {
      blocked++;
    }
    show(m);
  }

  final void failed(String input, String reason) {
    done++;
    showFailure(input, reason);
  }

  abstract void show(Measurement m);

  abstract void showFailure(String input, String reason);

  /** Leaves the output ready for whatever is printed next. */
  abstract void finish();

  String elapsed() {
    long s = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String verdict(Measurement m) {
    return m.testKeys().xVerdict() == null ? "measured" : m.testKeys().xVerdict().wire();
  }

  private static final class Lines extends RunProgress {
    private final int width;

    Lines(PrintWriter out, int total) {
      super(out, total);
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
      out.printf(Locale.ROOT, "[%" + width + "d/%d] %-12s %s  %s%n", done, total, "error", input, reason);
      out.flush();
    }

    @Override
    void finish() {}
  }

  private static final class Bar extends RunProgress {
    private static final int WIDTH = 30;

    Bar(PrintWriter out, int total) {
      super(out, total);
    }

    @Override
    void show(Measurement m) {
      draw();
    }

    @Override
    void showFailure(String input, String reason) {
      out.print("\r\033[K");
      out.println("kuzet: could not measure " + input + ": " + reason);
      draw();
    }

    private void draw() {
      int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
      out.printf(Locale.ROOT, "\r[%s%s] %d/%d  blocked %d  %s ", "#".repeat(filled), "-".repeat(WIDTH - filled),
          done, total, blocked, elapsed());
      out.flush();
    }

    @Override
    void finish() {
      out.println();
      out.flush();
    }
  }
}
