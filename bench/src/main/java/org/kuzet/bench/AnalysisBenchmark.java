package org.kuzet.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.analysis.AnalysisKnowledge;
import org.kuzet.schema.TestKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: verdicts per second of the pure analysis function, {@code Analysis.analyze(keys, knowledge)}, over
 * observations recorded on loopback by {@link AnalysisRecording} (the file named by the system property
 * {@value #OBSERVATIONS}). One parameter value per scenario; "mix" cycles through all of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AnalysisBenchmark {
  static final String OBSERVATIONS = "kuzet.bench.observations";

  @Param({"https-ok", "http-ok", "dns-nxdomain", "tls-intercepted", "http-blockpage", "tls-reset", "mix"})
  public String scenario;

  private TestKeys[] keys;
  private AnalysisKnowledge knowledge;
  private int next;

  @Setup
  public void load() throws IOException {
    String file = System.getProperty(OBSERVATIONS);
    if (file == null) {
      throw new IllegalStateException("-D" + OBSERVATIONS + "=FILE is needed (kuzet-bench analysis records it)");
    }
    Map<String, TestKeys> recorded = AnalysisRecording.read(Path.of(file));
    if (scenario.equals("mix")) {
      keys = recorded.values().toArray(TestKeys[]::new);
    } else if (recorded.containsKey(scenario)) {
      keys = new TestKeys[] {recorded.get(scenario)};
    } else {
      throw new IllegalStateException("no recorded scenario " + scenario + " in " + file);
    }
    knowledge = AnalysisKnowledge.bundled(); // loaded here, as the engine holds it for a whole run
  }

  /** One verdict; returned so JMH keeps the work. */
  @Benchmark
  public TestKeys analyze() {
    TestKeys k = keys[next];
    next = next + 1 == keys.length ? 0 : next + 1;
    return Analysis.analyze(k, knowledge);
  }
}
