package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.core.testing.TestMeasurements;

class RunProgressTest {
  private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

  @Test
  void onATerminalOneBarIsRedrawnInPlace() {
    StringWriter s = new StringWriter();
    RunProgress p = RunProgress.forOutput(new PrintWriter(s), Messages.english(), 4, true);
    p.measured(TestMeasurements.blocked("https://a.kz/", T));
    p.measured(TestMeasurements.accessible("https://b.kz/", T));
    p.finish();
    String out = s.toString();
    assertEquals(1, out.chars().filter(c -> c == '\n').count(), "redrawn with \\r, one line in the end: " + out);
    assertTrue(out.contains("\r[###############---------------] 2/4  blocked 1  "), out);
  }

  @Test
  void theBarsClockTicksBetweenCompletionsAndStopsWithTheRun() {
    StringWriter s = new StringWriter();
    AtomicLong nanos = new AtomicLong(1_000);
    Runnable[] tick = new Runnable[1];
    AtomicBoolean stopped = new AtomicBoolean();
    RunProgress p = RunProgress.forOutput(new PrintWriter(s), Messages.english(), 4, true, nanos::get, t -> {
      tick[0] = t;
      return () -> stopped.set(true);
    });
    p.measured(TestMeasurements.accessible("https://a.kz/", T));
    assertTrue(s.toString().endsWith("1/4  blocked 0  0:00 "), s.toString());
    nanos.addAndGet(Duration.ofSeconds(65).toNanos());
    tick[0].run();
    assertTrue(s.toString().endsWith("\r[#######-----------------------] 1/4  blocked 0  1:05 "),
        "redrawn with the new time, no measurement completed: " + s);
    assertFalse(stopped.get());
    p.finish();
    assertTrue(stopped.get(), "the clock stops when the run ends");
  }

  @Test
  void theRealTickerRedrawsOnItsOwn() throws Exception {
    CountDownLatch ticks = new CountDownLatch(2);
    Runnable stop = RunProgress.Ticker.EVERY_SECOND.start(ticks::countDown);
    try {
      assertTrue(ticks.await(60, TimeUnit.SECONDS), "two ticks within a minute");
    } finally {
      stop.run();
    }
  }

  @Test
  void elsewhereOneLinePerMeasurement() {
    StringWriter s = new StringWriter();
    RunProgress p = RunProgress.forOutput(new PrintWriter(s), Messages.english(), 12, false);
    p.measured(TestMeasurements.blocked("https://a.kz/", T));
    p.failed("https://c.kz/", "boom");
    assertEquals(java.util.List.of(
        "[ 1/12] blocked      https://a.kz/  tls.interception,tls.known_interception_root",
        "[ 2/12] error        https://c.kz/  boom"), s.toString().lines().toList());
  }

  @Test
  void csvCellsAreQuotedAndNeverFormulas() {
    assertEquals("plain", ExportCommand.csvCell("plain"));
    assertEquals("\"a,b\"", ExportCommand.csvCell("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", ExportCommand.csvCell("say \"hi\""));
    assertEquals("'=HYPERLINK(1)", ExportCommand.csvCell("=HYPERLINK(1)"));
    assertEquals("", ExportCommand.csvCell(null));
  }
}
