package org.kuzet.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.ShortIds;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kuzet show UID}: one stored measurement in full, for a person. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print one stored measurement (by ID or UID) in full: what was stored about it, then every step it observed.")
public final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "The measurement's ID as 'kuzet results' shows it (or any unique"
      + " start of it, at least " + ShortIds.MIN_PREFIX + " characters), or its full UID.")
  String uid;

  @Mixin StoreOptions store;

  @Option(names = "--json", description = "Print the stored JSON line instead (DESIGN.md format).")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ResultsStore db = store.openForReading()) {
      StoredMeasurement s = find(db, uid.strip());
      if (json) {
        out.println(s.measurementJson());
        out.flush();
        return Main.EXIT_OK;
      }
      Measurement m = MeasurementJson.parse(s.measurementJson());
      line(out, "uid", s.uid());
      line(out, "url", s.input());
      line(out, "time", StoreTimes.format(s.startTime()) + " UTC, took "
          + String.format(java.util.Locale.ROOT, "%.2f s", m.testRuntime()));
      line(out, "network", m.probeAsn() + " " + m.probeCc());
      line(out, "list", (s.targetList() == null ? "-" : s.targetList()) + ", category "
          + (s.categoryCode() == null ? "-" : s.categoryCode()));
      line(out, "run", s.runId() == null ? "-" : String.valueOf(s.runId()));
      line(out, "verdict", s.verdict() == null ? "not analysed" : s.verdict());
      line(out, "signals", s.signals().isEmpty() ? "-" : String.join(", ", s.signals()));
      line(out, "blocking", s.blocking() == null ? "-" : s.blocking());
      line(out, "accessible", s.accessible() == null ? "-" : s.accessible().toString());
      line(out, "control", ControlStatus.describe(m.testKeys().controlFailure()));
      JsonNode interception = m.testKeys().xInterception();
      if (interception != null) {
        interception.fields().forEachRemaining(e -> line(out, "intercept", e.getKey() + ": " + e.getValue().asText()));
      }
      line(out, "upload", s.uploadState() + (s.uploadAttempts() > 0 ? ", " + s.uploadAttempts() + " failed attempt(s)"
          : "") + (s.uploadError() == null ? "" : ", last error: " + s.uploadError()));
      line(out, "software", m.softwareName() + " " + m.softwareVersion() + ", report " + m.reportId());
      out.println();
      out.print(HumanSummary.format(m));
      out.flush();
      return Main.EXIT_OK;
    }
  }

  /** By full UID; else by a unique prefix of the UID or of its random part (the ID {@code kuzet results} shows). */
  private static StoredMeasurement find(ResultsStore db, String id) {
    Optional<StoredMeasurement> exact = db.measurements().byUid(id);
    if (exact.isPresent()) {
      return exact.get();
    }
    if (id.length() >= ShortIds.MIN_PREFIX) {
      List<StoredMeasurement> matches = db.measurements().byUidPrefix(id, 6);
      if (matches.size() == 1) {
        return db.measurements().byUid(matches.get(0).uid()).orElseThrow();
      }
      if (matches.size() > 1) {
        throw new UsageException("'" + id + "' is the start of more than one measurement's id in " + db.file() + " ("
            + String.join(", ", matches.stream().limit(5).map(StoredMeasurement::uid).toList())
            + (matches.size() > 5 ? ", …" : "") + "); give more of it");
      }
    }
    throw new UsageException("no measurement with UID '" + id + "' (nor an ID "
        + (id.length() < ShortIds.MIN_PREFIX ? "of at least " + ShortIds.MIN_PREFIX + " characters" : "starting so")
        + ") in " + db.file() + " (list them with 'kuzet results')");
  }

  private static void line(PrintWriter out, String key, String value) {
    out.printf("%-11s %s%n", key, value.replaceAll("\\p{Cntrl}", " "));
  }
}
