package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

class OfflineVerdictTest {
  @Test
  void dropsEveryBlockingClaimAndKeepsTheEvidence() {
    Measurement m = Measurements.of("https://a.kz/", "2022-01-05 06:00:00", Verdict.BLOCKED,
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
