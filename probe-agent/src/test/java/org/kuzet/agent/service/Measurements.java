package org.kuzet.agent.service;

import java.util.List;
import java.util.Map;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/** Small hand-made measurements for tests that only care about verdicts, signals and times. */
public final class Measurements {
  private Measurements() {}

  /** @param start "YYYY-MM-DD hh:mm:ss" UTC */
  public static Measurement of(String input, String start, Verdict verdict, List<Signal> signals) {
    TcpConnect tcp = new TcpConnect("127.0.0.9", 443, new TcpConnect.Status(false, "generic_timeout_error", true),
        0.1, 0.35);
    TestKeys keys = TestKeys.observations(List.of(), List.of(tcp), List.of(), List.of(), null).withAnalysis(
        AnalysisKeys.builder().blocking(verdict == Verdict.BLOCKED ? Blocking.method("tcp_ip") : Blocking.NONE)
            .accessible(verdict == Verdict.ACCESSIBLE).verdict(verdict).signals(signals).build());
    return new Measurement("uid-" + input.hashCode(), "report", input, start, start, "AS0", "ZZ", "kuzet", "0.1.0",
        Measurement.TEST_NAME, "0.5.0", 1.5, Measurement.DATA_FORMAT_VERSION, Map.of(), keys);
  }
}
