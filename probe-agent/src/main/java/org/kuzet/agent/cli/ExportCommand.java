package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.schema.OoniExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet export}: stored measurements, oldest first, as kuzet's JSON lines (DESIGN.md, valid against
 * results-schema's JSON Schema), CSV (one row per measurement, the columns analysts filter on), or OONI
 * measurement JSON lines (results-schema's {@link OoniExport}: kuzet's own x_ keys removed, OONI's kept).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write stored measurements, oldest first: jsonl (kuzet's export lines), csv, or ooni (OONI"
        + " measurement JSON lines).")
public final class ExportCommand implements Callable<Integer> {
  enum Format { jsonl, csv, ooni }

  static final List<String> CSV_COLUMNS = List.of("measurement_uid", "start_time", "input", "target_list",
      "category_code", "x_verdict", "x_signals", "blocking", "accessible", "runtime", "probe_asn", "probe_cc",
      "run_id", "upload_state");

  /** OONI's placeholder for a scrubbed probe address (see {@link OoniExport#SCRUBBED_IP}). */
  static final String OONI_SCRUBBED_IP = OoniExport.SCRUBBED_IP;

  @Spec CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
      description = "jsonl, csv or ooni (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path output;

  @Mixin FilterOptions filter;

  @Mixin StoreOptions store;

  @Override
  public Integer call() throws IOException {
    Format f;
    try {
      f = Format.valueOf(format.strip().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--format '" + format + "': one of jsonl, csv, ooni");
    }
    var which = filter.toFilter(null);
    if (output != null) {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new UsageException("--output " + output + ": no such directory " + parent);
      }
      if (Files.isDirectory(output)) {
        throw new UsageException("--output " + output + ": is a directory");
      }
    }
    try (ResultsStore db = store.openForReading()) {
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        write(db, which, f, out);
        out.flush();
      } else {
        long[] n = {0};
        // A partial export never replaces a good one (see CheckedOutput.writeFile).
        CheckedOutput.writeFile(output, w -> n[0] = write(db, which, f, w));
        spec.commandLine().getErr().println("kuzet: exported " + n[0] + " measurement(s) to " + output);
      }
      return Main.EXIT_OK;
    }
  }

  private static long write(ResultsStore db, org.kuzet.agent.store.MeasurementFilter which, Format f, Writer w)
      throws IOException {
    long[] n = {0};
    if (f == Format.csv) {
      w.write(String.join(",", CSV_COLUMNS) + "\r\n");
    }
    db.measurements().forEach(which, m -> {
      try {
        w.write(switch (f) {
          case jsonl -> m.measurementJson();
          case csv -> csvRow(m);
          case ooni -> ooniLine(m.measurementJson());
        });
        w.write(f == Format.csv ? "\r\n" : "\n");
        n[0]++;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    w.flush();
    return n[0];
  }

  static String csvRow(StoredMeasurement m) {
    List<String> cells = java.util.Arrays.asList(m.uid(), StoreTimes.format(m.startTime()), m.input(), m.targetList(),
        m.categoryCode(), m.verdict(), String.join(" ", m.signals()), m.blocking(),
        m.accessible() == null ? null : m.accessible().toString(), String.valueOf(m.runtime()), m.probeAsn(),
        m.probeCc(), m.runId() == null ? null : String.valueOf(m.runId()), m.uploadState());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(csvCell(cells.get(i)));
    }
    return sb.toString();
  }

  /** RFC 4180 quoting; a cell a spreadsheet would run as a formula is prefixed with ' (CSV injection). */
  static String csvCell(String s) {
    if (s == null) {
      return "";
    }
    if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /** The OONI form of a stored line (results-schema's {@link OoniExport}). */
  static String ooniLine(String kuzetJson) {
    return OoniExport.line(kuzetJson);
  }
}
