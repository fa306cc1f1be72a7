package org.kuzet.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.Software;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.analysis.Throttling;
import org.kuzet.core.ooni.OoniMeasurementReader;
import org.kuzet.core.ooni.OoniMeasurementReader.OoniVerdict;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet analyze FILE… | -}: kuzet's analysis of web_connectivity measurements recorded by anyone (OONI's
 * public data, OONI Probe's own files, {@code kuzet export --format ooni|jsonl}), printed beside the verdict the
 * file recorded; with {@code --db}, stored in a run of trigger {@code imported} (never uploaded).
 *
 * <p>Input: JSON lines, or JSON documents one after another (a pretty-printed measurement file), plain or gzip.
 * A line that cannot be read is reported with its file and line number and skipped; measurements of other tests
 * are counted and skipped; a summary ends the output.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = {"Run kuzet's analysis on web_connectivity measurements recorded by OONI or anyone else (OONI"
        + " measurement JSON lines, 'kuzet export' output; '-' reads standard input) and print kuzet's verdict,"
        + " signals and interception details beside the file's own blocking/accessible.",
        "Lines that cannot be read are reported (file:line) and skipped; other tests are counted as skipped."})
public final class AnalyzeCommand implements Callable<Integer> {
  private static final String STDIN = "-";

  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Measurement files (JSON lines; .gz too); '-' for"
      + " standard input.")
  List<String> files;

  @Option(names = "--json", description = "One JSON object per measurement instead of the table.")
  boolean json;

  // For measurements taken on a test network of loopback or private addresses (kuzet's own exports of a run with
  // measure's hidden --treat-as-public): their answers are not bogons there. Hidden because a volunteer never needs it.
  @Option(names = "--treat-as-public", paramLabel = "CIDR", hidden = true)
  List<String> publicRanges = new java.util.ArrayList<>();

  private org.kuzet.core.net.AddressPolicy policy = org.kuzet.core.net.AddressPolicy.STANDARD;

  @Option(names = "--db", paramLabel = "FILE", description = "Also store the analysed measurements in this results"
      + " database, as a run with trigger 'imported' (never uploaded), for 'results', 'report' and 'query'.")
  Path db;

  /** One measurement after kuzet's analysis, with the verdict keys its line recorded. */
  record Analyzed(Measurement measurement, OoniVerdict recorded) {
    TestKeys keys() {
      return measurement.testKeys();
    }

    /** kuzet's {@code blocking} equals the recorded one. */
    boolean blockingAgrees() {
      return java.util.Objects.equals(String.valueOf(keys().blocking()), String.valueOf(recorded.blocking()));
    }
  }

  /**
   * What {@code kuzet analyze} does with one measurement: read it, run kuzet's analysis on its observations and
   * control. Returns {@link Analyzed}, or the reader's {@link OoniMeasurementReader.Skipped} /
   * {@link OoniMeasurementReader.Bad}.
   */
  static Object analyze(String measurementJson) {
    return analyze(measurementJson, org.kuzet.core.net.AddressPolicy.STANDARD);
  }

  static Object analyze(String measurementJson, org.kuzet.core.net.AddressPolicy policy) {
    OoniMeasurementReader.Line line = OoniMeasurementReader.read(measurementJson, policy::isBogon);
    if (!(line instanceof OoniMeasurementReader.Read read)) {
      return line;
    }
    Measurement m = read.measurement();
    try {
      // Throttling by time is judged against the run's baseline that kuzet's own lines carry; others have none.
      return new Analyzed(m.withTestKeys(Throttling.judge(Analysis.analyze(m.testKeys()),
          m.testKeys().xThrottlingBaseline())), read.recorded());
    } catch (RuntimeException e) {
      // Data no rule foresaw must cost this measurement, never the file.
      return new OoniMeasurementReader.Bad("analysis failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private final class Tally {
    long analysed;
    long bad;
    long agree;
    long stored;
    long alreadyStored;
    final Map<String, Long> skipped = new TreeMap<>();
    boolean headerPrinted;
    boolean readFailed;
  }

  @Override
  public Integer call() throws IOException {
    long stdinCount = files.stream().filter(STDIN::equals).count();
    if (stdinCount > 1) {
      throw new UsageException("'-' (standard input) can be given once");
    }
    List<org.kuzet.core.net.Cidr> ranges = new java.util.ArrayList<>();
    for (String c : publicRanges) {
      try {
        ranges.add(org.kuzet.core.net.Cidr.parse(c));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--treat-as-public " + c + ": " + e.getMessage());
      }
    }
    policy = ranges.isEmpty() ? org.kuzet.core.net.AddressPolicy.STANDARD
        : org.kuzet.core.net.AddressPolicy.publicRanges(ranges);
    for (String f : files) {
      if (f.equals(STDIN)) {
        continue;
      }
      Path p = Path.of(f);
      if (Files.isDirectory(p)) {
        throw new UsageException(f + ": is a directory; give the measurement files in it");
      }
      if (!Files.isRegularFile(p)) {
        throw new UsageException(f + ": no such file");
      }
      if (!Files.isReadable(p)) {
        throw new UsageException(f + ": cannot read it (permission denied)");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Tally tally = new Tally();
    ResultsStore store = null;
    long runId = -1;
    if (db != null) {
      try {
        store = ResultsStore.open(db);
      } catch (StoreException e) {
        throw new UsageException(e.getMessage(), e);
      }
      runId = store.runs().beginRun(Trigger.IMPORTED, null, Software.VERSION, null, Instant.now());
    }
    try {
      for (String f : files) {
        String name = f.equals(STDIN) ? "stdin" : f;
        ResultsStore into = store;
        long run = runId;
        try (BufferedReader r = f.equals(STDIN) ? root.terminal.in() : MeasurementLines.open(Path.of(f))) {
          MeasurementLines.read(r, new MeasurementLines.Reader() {
            @Override
            public void measurement(int lineNo, String text) {
              one(name, lineNo, text, out, err, tally, into, run);
            }

            @Override
            public void notJson(int lineNo, String problem) {
              tally.bad++;
              err.println("kuzet analyze: " + name + ":" + lineNo + ": not JSON: " + oneLine(problem)
                  + "; the rest of the file is skipped");
            }
          });
        } catch (IOException e) {
          tally.readFailed = true;
          err.println("kuzet analyze: " + name + ": reading stopped: " + e.getMessage());
        }
      }
    } finally {
      if (store != null) {
        store.runs().finishRun(runId, Instant.now());
        store.close();
      }
    }
    summary(json ? err : out, tally, runId);
    out.flush();
    err.flush();
    return tally.readFailed ? Main.EXIT_FAILED : Main.EXIT_OK;
  }

  private void one(String name, int lineNo, String text, PrintWriter out, PrintWriter err, Tally tally,
      ResultsStore store, long runId) {
    Object result = analyze(text, policy);
    if (result instanceof OoniMeasurementReader.Bad bad) {
      tally.bad++;
      err.println("kuzet analyze: " + name + ":" + lineNo + ": " + oneLine(bad.problem()) + "; skipped");
      return;
    }
    if (result instanceof OoniMeasurementReader.Skipped skipped) {
      tally.skipped.merge(skipped.testName(), 1L, Long::sum);
      return;
    }
    Analyzed a = (Analyzed) result;
    tally.analysed++;
    if (a.blockingAgrees()) {
      tally.agree++;
    }
    if (json) {
      out.println(jsonLine(name, lineNo, a));
    } else {
      row(out, tally, name + ":" + lineNo, a);
    }
    if (store != null) {
      Measurement m = withRecorded(a);
      if (store.measurements().byUid(m.measurementUid()).isPresent()) {
        tally.alreadyStored++;
      } else {
        store.imports().saveImported(runId, m.input(), name, m);
        tally.stored++;
      }
    }
  }

  /** The stored form keeps what the file had recorded in the annotations, beside kuzet's analysis. */
  private static Measurement withRecorded(Analyzed a) {
    Measurement m = a.measurement();
    Map<String, String> annotations = new LinkedHashMap<>(m.annotations());
    annotations.put("recorded_blocking", String.valueOf(a.recorded().blocking()));
    annotations.put("recorded_accessible", String.valueOf(a.recorded().accessible()));
    annotations.put("recorded_dns_consistency", String.valueOf(a.recorded().dnsConsistency()));
    return new Measurement(m.measurementUid(), m.reportId(), m.input(), m.measurementStartTime(), m.testStartTime(),
        m.probeAsn(), m.probeCc(), m.softwareName(), m.softwareVersion(), m.testName(), m.testVersion(),
        m.testRuntime(), m.dataFormatVersion(), annotations, m.testKeys());
  }

  private static final String ROW = "%-30s %-13s %-36s %-14s %-16s %s%n";

  private static void row(PrintWriter out, Tally tally, String where, Analyzed a) {
    if (!tally.headerPrinted) {
      out.printf(ROW, "LINE", "KUZET", "SIGNALS", "OONI BLOCKING", "OONI ACCESSIBLE", "INPUT");
      tally.headerPrinted = true;
    }
    TestKeys k = a.keys();
    out.printf(ROW, clean(where), k.xVerdict() == null ? "-" : k.xVerdict().wire(), signals(k),
        String.valueOf(a.recorded().blocking()), String.valueOf(a.recorded().accessible()),
        clean(a.measurement().input()));
    JsonNode x = k.xInterception();
    if (x != null) {
      StringBuilder s = new StringBuilder("  interception: issuer ").append(x.path("issuer").asText("?"))
          .append(", spki ").append(x.path("spki_sha256").asText("?"));
      JsonNode knownRoot = x.path("known_root");
      if (knownRoot.isObject()) {
        s.append(", known root ").append(knownRoot.path("name").asText()).append(" (")
            .append(knownRoot.path("matched_by").asText()).append(knownRoot.path("counted").asBoolean() ? ""
                : ", watched only").append(')');
      }
      String lookAlike = HumanSummary.lookAlike(x);
      if (lookAlike != null) {
        s.append(", ").append(lookAlike);
      }
      out.println(clean(s.toString()));
    }
    if (k.xBlockpage() != null) {
      out.println("  blockpage: " + clean(String.join(", ", k.xBlockpage())));
    }
  }

  private static String signals(TestKeys k) {
    return k.xSignals() == null || k.xSignals().isEmpty() ? "-"
        : String.join(",", k.xSignals().stream().map(Signal::wire).toList());
  }

  private static String jsonLine(String source, int lineNo, Analyzed a) {
    ObjectNode o = MeasurementJson.mapper().createObjectNode();
    o.put("source", source);
    o.put("line", lineNo);
    Measurement m = a.measurement();
    o.put("measurement_uid", m.measurementUid());
    o.put("input", m.input());
    o.put("measurement_start_time", m.measurementStartTime());
    o.put("probe_asn", m.probeAsn());
    o.put("probe_cc", m.probeCc());
    TestKeys k = a.keys();
    ObjectNode kuzet = o.putObject("kuzet");
    kuzet.put("verdict", k.xVerdict() == null ? null : k.xVerdict().wire());
    kuzet.set("signals", MeasurementJson.mapper().valueToTree(
        k.xSignals() == null ? List.of() : k.xSignals().stream().map(Signal::wire).toList()));
    putBlocking(kuzet, k.blocking());
    kuzet.put("accessible", k.accessible());
    kuzet.put("dns_consistency", k.dnsConsistency());
    kuzet.set("interception", k.xInterception());
    kuzet.set("blockpage", k.xBlockpage() == null ? null : MeasurementJson.mapper().valueToTree(k.xBlockpage()));
    kuzet.set("failed_hop", k.xFailedHop());
    ObjectNode recorded = o.putObject("recorded");
    putBlocking(recorded, a.recorded().blocking());
    recorded.put("accessible", a.recorded().accessible());
    recorded.put("dns_consistency", a.recorded().dnsConsistency());
    try {
      return MeasurementJson.mapper().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putBlocking(ObjectNode o, Blocking blocking) {
    if (blocking == null) {
      o.putNull("blocking");
    } else if (blocking.blocked()) {
      o.put("blocking", blocking.toString());
    } else {
      o.put("blocking", false);
    }
  }

  private void summary(PrintWriter to, Tally t, long runId) {
    long skipped = t.skipped.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder s = new StringBuilder();
    s.append(t.analysed).append(" analysed, ").append(skipped).append(" skipped");
    if (skipped > 0) {
      s.append(" (not web_connectivity: ");
      t.skipped.forEach((name, n) -> s.append(name).append(' ').append(n).append(", "));
      s.setLength(s.length() - 2);
      s.append(')');
    }
    s.append(", ").append(t.bad).append(" bad");
    if (t.analysed > 0) {
      s.append("; kuzet's blocking equals the recorded one for ").append(t.agree).append(" of ").append(t.analysed);
    }
    to.println(s);
    if (db != null) {
      to.println("stored " + t.stored + " in " + db + " (run " + runId + ", trigger imported, never uploaded)"
          + (t.alreadyStored > 0 ? "; " + t.alreadyStored + " were already there" : ""));
    }
  }

  private static String clean(String s) {
    return s == null ? "-" : s.replaceAll("\\p{Cntrl}", " ");
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
