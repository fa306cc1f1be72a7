package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

class OfflineVerdictTest {
  @Test
  void dropsEveryBlockingClaimAndKeepsTheEvidence() {
    Measurement m = measurement("https://a.kz/", "2022-01-05 06:00:00", Verdict.BLOCKED,
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

  /** A blocked measurement of {@code input}: one timed-out connect, {@code signals} as found. */
  private static Measurement measurement(String input, String start, Verdict verdict, List<Signal> signals) {
    String line = """
        {"measurement_uid": "uid-1", "report_id": "report", "input": "%s", "measurement_start_time": "%s",
         "test_start_time": "%s", "probe_asn": "AS0", "probe_cc": "ZZ", "software_name": "kuzet",
         "software_version": "0.1.0", "test_name": "web_connectivity", "test_version": "0.5.0", "test_runtime": 1.5,
         "data_format_version": "0.2.0", "annotations": {},
         "test_keys": {"queries": [], "tls_handshakes": [], "requests": [],
           "tcp_connect": [{"ip": "127.0.0.9", "port": 443, "t0": 0.1, "t": 0.35,
             "status": {"success": false, "failure": "generic_timeout_error", "blocked": true}}],
           "blocking": "tcp_ip", "accessible": false, "x_verdict": "%s", "x_signals": [%s]}}
        """.formatted(input, start, start, verdict.wire(),
        String.join(",", signals.stream().map(x -> "\"" + x.wire() + "\"").toList()));
    return MeasurementJson.parse(line.replace("\n", " "));
  }
}
