package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.ThrottlingBaseline;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlResponse;

class ThrottlingTest {
  private static final Throttling.Thresholds TH = Throttling.Thresholds.DEFAULT;
  private static final Throttling.Baseline FAST = new Throttling.Baseline(List.of(
      new Throttling.Timing(0.2, 0.1, 100_000), new Throttling.Timing(0.3, 0.2, 100_000)));

  /** An accessible page: handshake of {@code hs} s, body of {@code bytes} over {@code bodySeconds}. */
  private static TestKeys keys(double hs, double bodySeconds, long bytes, ControlResponse control,
      Verdict verdict) {
    TlsHandshake tls = new TlsHandshake("10.0.0.1:443", "news.kz", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", false,
        List.of(), null, 1.0, 1.0 + hs).numbered(3, List.of());
    HttpTransaction.Response r = new HttpTransaction.Response(200, Map.of(), List.of(), "x", false, bytes, null);
    HttpTransaction tx = new HttpTransaction(new HttpTransaction.Request("GET", "https://news.kz/", Map.of(), "",
        "tcp"), r, null, 2.0, 3.0 + bodySeconds, "10.0.0.1:443", 0).numbered(3, List.of())
        .withBodyTimes(3.0, 3.0 + bodySeconds);
    return TestKeys.observations(List.of(), List.of(), List.of(tls), List.of(tx), null)
        .withControl(control == null ? ControlExchange.NONE : ControlExchange.answered(null, control))
        .withAnalysis(AnalysisKeys.builder().dnsConsistency("consistent").blocking(Blocking.NONE).accessible(true)
            .verdict(verdict).signals(List.of()).build());
  }

  private static ControlResponse control(Double hs, Double bodySeconds, long bytes) {
    ObjectNode c = MeasurementJson.mapper().createObjectNode();
    ObjectNode t = c.putObject("tls_handshake").putObject("10.0.0.1:443");
    t.put("server_name", "news.kz").put("status", true).putNull("failure");
    if (hs != null) {
      t.put("x_handshake_seconds", hs);
    }
    ObjectNode h = c.putObject("http_request").put("body_length", bytes).putNull("failure").put("status_code", 200);
    if (bodySeconds != null) {
      h.put("x_body_seconds", bodySeconds);
    }
    try {
      return MeasurementJson.mapper().treeToValue(c, ControlResponse.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void slowHandshakeAgainstAFastBaselineAndControlIsThrottled() {
    TestKeys k = Throttling.judge(keys(5.0, 0.1, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE), FAST, TH);
    assertEquals(Verdict.BLOCKED, k.xVerdict());
    assertEquals(List.of(Signal.THROTTLED), k.xSignals());
    assertEquals(Boolean.TRUE, k.accessible()); // OONI's key: OONI's analysis does not look at time
  }

  @Test
  void withOonisHelperTheBaselineAloneDecides() {
    TestKeys k = keys(5.0, 0.1, 100_000, control(null, null, 100_000), Verdict.ACCESSIBLE);
    assertEquals("handshake", Throttling.reason(k, FAST, TH));
  }

  @Test
  void slowDownloadIsThrottled() {
    TestKeys k = keys(0.2, 20.0, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE);
    assertEquals("download", Throttling.reason(k, FAST, TH));
  }

  @Test
  void noBaselineNoThrottling() {
    TestKeys k = keys(5.0, 20.0, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE);
    assertSame(k, Throttling.judge(k, Throttling.Baseline.NONE, TH));
  }

  @Test
  void slowAtTheControlTooIsNotThrottled() {
    assertNull(Throttling.reason(keys(5.0, 20.0, 100_000, control(4.8, 19.0, 100_000), Verdict.ACCESSIBLE), FAST,
        TH));
  }

  @Test
  void slowBaselineIsNotThrottled() {
    Throttling.Baseline slow = new Throttling.Baseline(List.of(new Throttling.Timing(4.5, 15.0, 100_000)));
    assertNull(Throttling.reason(keys(5.0, 20.0, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE), slow,
        TH));
  }

  @Test
  void underTheFloorIsNotThrottledHoweverTheRatio() {
    // 3.5 s is more than 3 x the baseline's 0.25 s, but under OONI's 4 s.
    assertNull(Throttling.reason(keys(3.5, 3.5, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE), FAST,
        TH));
    Throttling.Thresholds test = new Throttling.Thresholds(2, Duration.ofMillis(500), Duration.ofMillis(500));
    assertEquals("handshake", Throttling.reason(keys(3.5, 0.1, 100_000, control(0.3, 0.1, 100_000),
        Verdict.ACCESSIBLE), FAST, test));
  }

  @Test
  void onlyAnAccessiblePageIsJudged() {
    TestKeys down = keys(5.0, 20.0, 100_000, control(0.3, 0.1, 100_000), Verdict.DOWN);
    assertSame(down, Throttling.judge(down, FAST, TH));
  }

  @Test
  void timingsComeFromTheRecords() {
    Throttling.Timing t = Throttling.probe(keys(5.0, 2.0, 100_000, null, Verdict.ACCESSIBLE));
    assertEquals(5.0, t.handshakeSeconds(), 1e-9);
    assertEquals(50_000, t.rate(), 1e-6);
    Throttling.Timing c = Throttling.control(control(0.5, 4.0, 100_000));
    assertEquals(0.5, c.handshakeSeconds(), 1e-9);
    assertEquals(25_000, c.rate(), 1e-6);
  }

  @Test
  void theFiguresJudgedAgainstAreRecordedAndReproduceTheVerdictAfterARoundTrip() throws Exception {
    TestKeys accessible = keys(5.0, 0.1, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE);
    TestKeys judged = Throttling.judge(accessible, FAST, TH);
    ThrottlingBaseline recorded = judged.xThrottlingBaseline();
    assertEquals(new ThrottlingBaseline(0.25, FAST.rate(), 2, 3.0, 4.0, 4.0), recorded);
    String json = MeasurementJson.mapper().writeValueAsString(judged);
    assertTrue(json.contains("\"x_throttling_baseline\":{\"handshake_seconds\":0.25,"), json);
    TestKeys read = MeasurementJson.mapper().readValue(json, TestKeys.class);
    assertEquals(recorded, read.xThrottlingBaseline());
    // A re-run of the analysis (accessible again, as OONI's rules see it) judged against what the line recorded.
    TestKeys again = Throttling.judge(accessible, read.xThrottlingBaseline());
    assertEquals(Verdict.BLOCKED, again.xVerdict());
    assertEquals(List.of(Signal.THROTTLED), again.xSignals());
    assertEquals(judged.analysis(), again.analysis());
  }

  @Test
  void aMeasurementJudgedAgainstABaselineThatSawNothingSlowRecordsItToo() {
    TestKeys k = Throttling.judge(keys(0.2, 0.1, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE), FAST, TH);
    assertEquals(Verdict.ACCESSIBLE, k.xVerdict());
    assertEquals(2, k.xThrottlingBaseline().samples());
  }

  @Test
  void withoutABaselineNoFiguresAreWrittenAndNothingIsJudged() throws Exception {
    TestKeys k = keys(5.0, 20.0, 100_000, control(0.3, 0.1, 100_000), Verdict.ACCESSIBLE);
    assertSame(k, Throttling.judge(k, Throttling.Baseline.NONE, TH));
    assertSame(k, Throttling.judge(k, (ThrottlingBaseline) null));
    assertFalse(MeasurementJson.mapper().writeValueAsString(k).contains("x_throttling_baseline"),
        "lines without a baseline read as before");
  }
}
