package org.kuzet.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.analysis.AnalysisKnowledge;
import org.kuzet.schema.TestKeys;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link AnalysisBenchmark} with JMH from this jar: records the observations once, then forks one JVM per
 * JVM configuration (the default JIT, and the service's flags, which stop at C1) and collects verdicts per second
 * per scenario.
 */
final class AnalysisBench {
  /** A JVM configuration the forks run with. */
  record Jvm(String name, List<String> flags) {}

  record Row(AnalysisRecording.Scenario scenario, Map<String, double[]> scoreAndError) {}

  private final PrintStream log;

  AnalysisBench(PrintStream log) {
    this.log = log;
  }

  List<Row> run(List<Jvm> jvms, int warmups, int iterations, int secondsEach) throws Exception {
    log.println("recording observations on loopback (probe + test helper) ...");
    List<AnalysisRecording.Scenario> scenarios = AnalysisRecording.record();
    Path file = Files.createTempFile("kuzet-analysis-bench", ".jsonl");
    try {
      AnalysisRecording.write(scenarios, file);
      // The recording must survive the JSON round trip unchanged in meaning, or the benchmark measures other data.
      Map<String, TestKeys> back = AnalysisRecording.read(file);
      for (AnalysisRecording.Scenario s : scenarios) {
        TestKeys again = Analysis.analyze(back.get(s.name()), AnalysisKnowledge.bundled());
        if (again.xVerdict() != s.measurement().testKeys().xVerdict()
            || !java.util.Objects.equals(again.xSignals(), s.measurement().testKeys().xSignals())) {
          log.println("WARNING: " + s.name() + " analyses to " + again.xVerdict() + " " + again.xSignals()
              + " after the JSON round trip, but was " + s.verdict() + " when measured");
        }
      }
      Map<String, Map<String, double[]>> scores = new LinkedHashMap<>();
      for (Jvm jvm : jvms) {
        log.println("JMH, JVM " + jvm.name() + ": " + String.join(" ", jvm.flags()));
        List<String> args = new ArrayList<>(jvm.flags());
        args.add("-D" + AnalysisBenchmark.OBSERVATIONS + "=" + file);
        ChainedOptionsBuilder options = new OptionsBuilder()
            .include(AnalysisBenchmark.class.getName() + ".analyze")
            .forks(1)
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(secondsEach))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(secondsEach))
            .jvmArgs(args.toArray(String[]::new))
            .shouldFailOnError(true)
            .output("/dev/stderr"); // JMH's progress to stderr; the table is stdout
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
          String scenario = r.getParams().getParam("scenario");
          scores.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(jvm.name(),
              new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
      }
      List<Row> rows = new ArrayList<>();
      for (AnalysisRecording.Scenario s : scenarios) {
        rows.add(new Row(s, scores.getOrDefault(s.name(), Map.of())));
      }
      rows.add(new Row(null, scores.getOrDefault("mix", Map.of())));
      return rows;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static void print(List<Jvm> jvms, List<Row> rows, PrintStream out) {
    StringBuilder head = new StringBuilder("| scenario | recorded verdict (signals) |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (Jvm j : jvms) {
      head.append(" verdicts/s, ").append(j.name()).append(" |");
      rule.append("---:|");
    }
    out.println(head);
    out.println(rule);
    for (Row r : rows) {
      StringBuilder line = new StringBuilder("| ");
      if (r.scenario() == null) {
        line.append("mix (all six in turn) | |");
      } else {
        line.append(r.scenario().name()).append(": ").append(r.scenario().description()).append(" | ")
            .append(r.scenario().verdict()).append(" |");
      }
      for (Jvm j : jvms) {
        double[] s = r.scoreAndError().get(j.name());
        line.append(s == null ? " n/a |" : Double.isNaN(s[1]) ? String.format(Locale.ROOT, " %,.0f |", s[0])
            : String.format(Locale.ROOT, " %,.0f ± %,.0f |", s[0], s[1]));
      }
      out.println(line);
    }
    out.println();
    for (Jvm j : jvms) {
      String flags = j.flags().isEmpty() ? "no extra flags (JMH's defaults)" : String.join(" ", j.flags());
      out.println("- " + j.name() + ": " + flags);
    }
  }
}
