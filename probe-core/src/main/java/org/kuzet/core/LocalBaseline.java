package org.kuzet.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kuzet.core.analysis.Throttling;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * The volunteer's own network speed within one run, for throttling by time ({@link Throttling}): the timings of
 * the accessible sites of the {@code control} list, and of accessible targets by the address their page came
 * from (a target sharing an address with another, e.g. on one CDN, is compared with that one too). Each
 * measurement is judged against what the baseline holds when it completes, and a judged one records those figures
 * ({@code x_throttling_baseline}, see {@link Throttling#judge(TestKeys, org.kuzet.schema.ThrottlingBaseline)});
 * {@link MeasurementRunner} measures the baseline sites first so they are there. Thread-safe; one per run.
 */
public final class LocalBaseline {
  private record Sample(String input, Throttling.Timing timing) {}

  private final Throttling.Thresholds thresholds;
  private final List<Throttling.Timing> controlList = new ArrayList<>();
  private final Map<String, List<Sample>> byAddress = new HashMap<>();

  public LocalBaseline(Throttling.Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * {@code m} judged for throttling against this baseline; then, when it is accessible, its timings join the
   * baseline (the {@code control} list's when {@code baselineSite}).
   */
  public synchronized Measurement judge(Measurement m, boolean baselineSite) {
    TestKeys keys = m.testKeys();
    String address = Throttling.finalAddress(keys);
    List<Throttling.Timing> samples = new ArrayList<>(controlList);
    if (address != null) {
      for (Sample s : byAddress.getOrDefault(address, List.of())) {
        if (!s.input().equals(m.input())) {
          samples.add(s.timing());
        }
      }
    }
    TestKeys judged = Throttling.judge(keys, new Throttling.Baseline(samples), thresholds);
    if (judged.xVerdict() == Verdict.ACCESSIBLE) {
      Throttling.Timing timing = Throttling.probe(judged);
      if (baselineSite) {
        controlList.add(timing);
      }
      if (address != null) {
        byAddress.computeIfAbsent(address, a -> new ArrayList<>()).add(new Sample(m.input(), timing));
      }
    }
    return judged == keys ? m : m.withTestKeys(judged);
  }
}
