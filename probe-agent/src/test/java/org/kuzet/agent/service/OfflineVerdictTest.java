package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

class OfflineVerdictTest {
  private static final Instant T = Instant.parse("2022-01-05T06:00:00Z");

  @Test
  void dropsEveryBlockingClaimAndKeepsTheEvidence() {
    Measurement m = TestMeasurements.of("https://a.kz/", T, Verdict.BLOCKED,
        List.of(Signal.TCP_TIMEOUT, Signal.HTTP_BLOCKPAGE));
    TestKeys k = m.testKeys();
    m = m.withTestKeys(k.withAnalysis(k.analysis().toBuilder().dnsConsistency("consistent").bodyLengthMatch(false)
        .bodyProportion(0.1).headersMatch(true).statusCodeMatch(false).titleMatch(false)
        .blockpage(List.of("kz-blockpage")).build()));
    TestKeys off = OfflineVerdict.apply(m).testKeys();
    assertEquals(Verdict.OFFLINE, off.xVerdict());
    assertEquals(List.of(), off.xSignals());
    assertNull(off.blocking());
    assertNull(off.accessible());
    assertNull(off.xBlockpage());
    assertEquals(k.tcpConnect(), off.tcpConnect());
    assertEquals("consistent", off.dnsConsistency());
    assertEquals(0.1, off.bodyProportion());
    assertEquals(false, off.statusCodeMatch());
    assertEquals(m.input(), OfflineVerdict.apply(m).input());
  }
}
