package org.kuzet.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kuzet.agent.i18n.Messages;
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
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kuzet show UID}: one stored measurement in full, for a person. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print one stored measurement (by ID or UID) in full: what was stored about it, then every step it observed.")
public final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

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
      Messages msg = root.messages;
      Lines lines = new Lines(out, msg);
      lines.add("uid", s.uid());
      lines.add("url", s.input());
      lines.add("time", msg.get("show.time.value", StoreTimes.format(s.startTime()),
          String.format(java.util.Locale.ROOT, "%.2f s", m.testRuntime())));
      lines.add("network", m.probeAsn() + " " + m.probeCc());
      lines.add("list", msg.get("show.list.value", s.targetList() == null ? "-" : s.targetList(),
          s.categoryCode() == null ? "-" : s.categoryCode()));
      lines.add("run", s.runId() == null ? "-" : String.valueOf(s.runId()));
      lines.add("verdict", s.verdict() == null ? msg.get("show.notAnalysed") : s.verdict());
      lines.add("signals", s.signals().isEmpty() ? "-" : String.join(", ", s.signals()));
      lines.add("blocking", s.blocking() == null ? "-" : s.blocking());
      lines.add("accessible", s.accessible() == null ? "-" : s.accessible().toString());
      lines.add("control", ControlStatus.describe(m.testKeys().controlFailure(), msg));
      JsonNode interception = m.testKeys().xInterception();
      if (interception != null) {
        interception.fields().forEachRemaining(e -> lines.add("intercept", e.getKey() + ": " + e.getValue().asText()));
      }
      lines.add("upload", s.uploadState()
          + (s.uploadAttempts() > 0 ? msg.get("show.upload.attempts", s.uploadAttempts()) : "")
          + (s.uploadError() == null ? "" : msg.get("show.upload.lastError", s.uploadError())));
      lines.add("software", msg.get("show.software.value", m.softwareName() + " " + m.softwareVersion(), m.reportId()));
      lines.print();
      out.println();
      out.print(HumanSummary.format(m));
      out.flush();
      return Main.EXIT_OK;
    }
  }

  /** By full UID; else by a unique prefix of the UID or of its random part (the ID {@code kuzet results} shows). */
  private StoredMeasurement find(ResultsStore db, String id) {
    Messages msg = root.messages;
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
        throw new UsageException(msg.get("show.error.ambiguous", id, db.file(),
            String.join(", ", matches.stream().limit(5).map(StoredMeasurement::uid).toList())
            + (matches.size() > 5 ? ", …" : "")));
      }
    }
    throw new UsageException(id.length() < ShortIds.MIN_PREFIX
        ? msg.get("show.error.unknownShort", id, ShortIds.MIN_PREFIX, db.file())
        : msg.get("show.error.unknown", id, db.file()));
  }

  /** Labelled lines, the values aligned on the longest label of the volunteer's language. */
  private static final class Lines {
    private final PrintWriter out;
    private final Messages msg;
    private final List<String[]> lines = new java.util.ArrayList<>();

    Lines(PrintWriter out, Messages msg) {
      this.out = out;
      this.msg = msg;
    }

    void add(String label, String value) {
      lines.add(new String[] {msg.get("show." + label), value.replaceAll("\\p{Cntrl}", " ")});
    }

    void print() {
      int width = Math.max(11, lines.stream().mapToInt(l -> l[0].length()).max().orElse(0)); // 11: as before
      for (String[] l : lines) {
        out.println(l[0] + " ".repeat(width - l[0].length() + 1) + l[1]);
      }
    }
  }
}
