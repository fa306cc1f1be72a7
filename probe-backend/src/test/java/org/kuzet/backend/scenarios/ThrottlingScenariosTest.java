package org.kuzet.backend.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTPS;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.world.Pages;
import org.kuzet.core.testing.world.ScenarioWorld.Site;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.analysis.Throttling;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * Throttling by time (issue 21), on loopback: one run of the probe over a {@code control}-list site (the baseline)
 * and a target, as {@code kuzet run} measures them. The thresholds are small (factor 2 on a 0.5 s floor) and the
 * slow parts are MUCH slower (a ServerHello held 4 s, a body trickling for about 2 s), while the fast parts are
 * loopback-fast, so the rows do not depend on the machine's speed. The probe's TLS and HTTP timeouts are long, so a
 * slow handshake or body is a page that arrives whole, not a timeout.
 */
class ThrottlingScenariosTest {
  private static final String TARGET = "rus.azattyq.kz";
  private static final String BASELINE = "example.kz";
  private static final Duration HELD = Duration.ofSeconds(4);
  private static final Throttling.Thresholds SMALL = new Throttling.Thresholds(2.0, Duration.ofMillis(500),
      Duration.ofMillis(500));

  /** A page of 16 KiB; trickling at 2 KiB per 250 ms (about 2 s) when {@code slow}. */
  private static Dispatcher article(boolean slow) {
    StringBuilder html = new StringBuilder("<html><head><title>Azattyq: news of Kazakhstan</title></head><body>");
    while (html.length() < 16 * 1024) {
      html.append("<p>Almaty, Astana, Shymkent: what happened today across the country.</p>\n");
    }
    MockResponse.Builder b = new MockResponse.Builder().addHeader("Content-Type", "text/html; charset=utf-8")
        .body(html.append("</body></html>").toString());
    if (slow) {
      b.throttleBody(2048, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return Pages.always(b.build());
  }

  private static World world() {
    return new World().probe(b -> b.throttling(SMALL).tlsTimeout(Duration.ofSeconds(15))
        .httpTimeout(Duration.ofSeconds(15)));
  }

  private static void assertThrottled(TestKeys k) {
    assertEquals(Verdict.BLOCKED, k.xVerdict(), () -> "verdict of " + k.requests());
    assertEquals(List.of(Signal.THROTTLED), k.xSignals());
    // OONI's keys stay what OONI's analysis says: the page arrived whole.
    assertEquals(Blocking.NONE, k.blocking());
    assertEquals(Boolean.TRUE, k.accessible());
  }

  private static void assertNotThrottled(TestKeys k) {
    assertFalse(k.xSignals().contains(Signal.THROTTLED), () -> "signals " + k.xSignals());
    assertTrue(k.xVerdict() == Verdict.ACCESSIBLE || k.xVerdict() == Verdict.DOWN, () -> "verdict " + k.xVerdict());
  }

  @Test
  void sniThrottledHandshakeIsThrottled() {
    try (World w = world()) {
      Site base = w.censoredSite(BASELINE, HTTPS, article(false));
      w.slowServerHello(base, TARGET, HELD); // the same throttler, but this name is not on its list
      Site target = w.censoredSite(TARGET, HTTPS, article(false));
      w.slowServerHello(target, TARGET, HELD);
      Map<String, TestKeys> run = w.measureRun(List.of(base.url()), List.of(target.url()));
      assertEquals(Verdict.ACCESSIBLE, run.get(base.url()).xVerdict());
      TestKeys k = run.get(target.url());
      assertThrottled(k);
      Throttling.Timing t = Throttling.probe(k);
      assertTrue(t.handshakeSeconds() >= HELD.toMillis() / 1000.0, "handshake " + t.handshakeSeconds());
      assertNotNull(Throttling.control(k.control()).handshakeSeconds(), "the helper sends x_handshake_seconds");
      // The baseline it was judged against is in the measurement: a re-run of the analysis reaches the same verdict.
      assertEquals(1, k.xThrottlingBaseline().samples());
      assertThrottled(Throttling.judge(Analysis.analyze(k), k.xThrottlingBaseline()));
    }
  }

  @Test
  void slowDownloadOfOneSiteWhileTheBaselineIsFastIsThrottled() {
    try (World w = world()) {
      Site base = w.site(BASELINE, HTTPS, article(false));
      Site target = w.censoredSite(TARGET, HTTPS, article(false));
      w.serve(target, target.certificates(), article(true)); // passes the page, slowly, for the probe only
      Map<String, TestKeys> run = w.measureRun(List.of(base.url()), List.of(target.url()));
      assertEquals(Verdict.ACCESSIBLE, run.get(base.url()).xVerdict());
      TestKeys k = run.get(target.url());
      assertThrottled(k);
      HttpTransaction last = k.requests().get(k.requests().size() - 1);
      assertTrue(last.bodySeconds() >= 1.0, "x_body_t0 to x_body_t: " + last.xBodyT0() + " .. " + last.xBodyT());
      assertNotNull(Throttling.control(k.control()).bodySeconds(), "the helper sends x_body_seconds");
    }
  }

  @Test
  void everythingSlowIsNotThrottled() {
    try (World w = world()) {
      Site base = w.censoredSite(BASELINE, HTTPS, article(false));
      w.slowServerHello(base, "", HELD); // a slow uplink: every handshake waits
      Site target = w.censoredSite(TARGET, HTTPS, article(false));
      w.slowServerHello(target, "", HELD);
      Map<String, TestKeys> run = w.measureRun(List.of(base.url()), List.of(target.url()));
      assertEquals(Verdict.ACCESSIBLE, run.get(base.url()).xVerdict());
      assertEquals(Verdict.ACCESSIBLE, run.get(target.url()).xVerdict());
      assertNotThrottled(run.get(target.url()));
    }
  }

  @Test
  void slowAtTheServerForEveryoneIsNeverThrottled() {
    try (World w = world()) {
      Site base = w.site(BASELINE, HTTPS, article(false));
      Site target = w.site(TARGET, HTTPS, article(true)); // the helper gets the same trickle
      Map<String, TestKeys> run = w.measureRun(List.of(base.url()), List.of(target.url()));
      assertNotThrottled(run.get(target.url()));
    }
  }

  @Test
  void withoutABaselineNothingIsThrottled() {
    try (World w = world()) {
      Site target = w.censoredSite(TARGET, HTTPS, article(false));
      w.slowServerHello(target, TARGET, HELD);
      TestKeys k = w.measureRun(List.of(), List.of(target.url())).get(target.url());
      assertEquals(Verdict.ACCESSIBLE, k.xVerdict());
      assertNotThrottled(k);
      assertNull(k.xThrottlingBaseline(), "nothing judged by time, nothing recorded");
    }
  }
}
