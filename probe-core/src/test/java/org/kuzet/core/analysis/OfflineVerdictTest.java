package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.kuzet.core.connectivity.NetworkState;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

class OfflineVerdictTest {
  @Test
  void dropsEveryBlockingClaimAndKeepsTheEvidence() {
    Measurement m = measurement("https://a.kz/", "2022-01-05 06:00:00", Verdict.BLOCKED,
        List.of(Signal.TCP_TIMEOUT, Signal.HTTP_BLOCKPAGE));
    TestKeys k = m.testKeys();
    m = m.withTestKeys(new TestKeys(k.queries(), k.tcpConnect(), k.tlsHandshakes(), k.requests(), k.control(),
        k.controlFailure(), k.dnsExperimentFailure(), "consistent", k.blocking(), k.accessible(), k.xVerdict(),
        k.xSignals(), null, false, 0.1, true, false, false, List.of("kz-blockpage"), null));
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

  @Test
  void onlyAnOutageRewrites() {
    Measurement m = measurement("https://a.kz/", "2022-01-05 06:00:00", Verdict.BLOCKED, List.of(Signal.TCP_TIMEOUT));
    assertEquals(m, OfflineVerdict.during(NetworkState.ONLINE, m));
    for (NetworkState s : NetworkState.values()) {
      if (s.isOutage()) {
        assertEquals(Verdict.OFFLINE, OfflineVerdict.during(s, m).testKeys().xVerdict(), s.wire());
      }
    }
  }

  private static Measurement measurement(String input, String start, Verdict verdict, List<Signal> signals) {
    TcpConnect tcp = new TcpConnect("127.0.0.9", 443, new TcpConnect.Status(false, "generic_timeout_error", true),
        0.1, 0.35);
    TestKeys keys = new TestKeys(List.of(), List.of(tcp), List.of(), List.of(), null, null, null, null,
        verdict == Verdict.BLOCKED ? "tcp_ip" : false, verdict == Verdict.ACCESSIBLE, verdict, signals, null);
    return new Measurement("uid-" + input.hashCode(), "report", input, start, start, "AS0", "ZZ", "kuzet", "0.1.0",
        Measurement.TEST_NAME, "0.5.0", 1.5, Measurement.DATA_FORMAT_VERSION, Map.of(), keys);
  }
}
