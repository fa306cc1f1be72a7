package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.ShortIds;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kuzet results}: stored measurements as a table, newest first. */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "List stored measurements, newest first (times in UTC). 'kuzet show ID' prints one in full; 'kuzet results 12' lists run #12.")
public final class ResultsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Mixin FilterOptions filter;

  @Mixin StoreOptions store;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "Show at most N measurements (default: ${DEFAULT-VALUE}).")
  int limit;

  @Parameters(arity = "0..1", paramLabel = "RUN",
      description = "Only the measurements of this run (its number, as 'kuzet status' shows it: 12 or #12).")
  String runNumber;

  @Override
  public Integer call() {
    Messages msg = root.messages;
    if (limit < 1) {
      throw new UsageException(msg.get("results.error.limit", limit));
    }
    if (runNumber != null) {
      long n = parseRun(msg, runNumber);
      if (filter.run != null && filter.run != n) {
        throw new UsageException(msg.get("results.error.runsDisagree", runNumber, filter.run));
      }
      filter.run = n;
    }
    PrintWriter out = spec.commandLine().getOut();
    var f = filter.toFilter(limit + 1);
    try (ResultsStore db = store.openForReading()) {
      List<StoredMeasurement> rows = db.measurements().find(f);
      if (rows.isEmpty() && f.runId() != null && db.runs().run(f.runId()).isEmpty()) {
        throw new UsageException(msg.get("results.error.noRun", f.runId(), db.file()));
      }
      if (rows.isEmpty()) {
        out.println(msg.get("results.none", db.file()));
        out.flush();
        return Main.EXIT_OK;
      }
      TextTable table = new TextTable(List.of("id", "run", "time", "verdict", "signals", "url", "uid").stream()
          .map(c -> msg.get("results.col." + c)).toList());
      for (StoredMeasurement m : rows.subList(0, Math.min(limit, rows.size()))) {
        table.add(List.of(ShortIds.of(m.uid()), m.runId() == null ? "-" : String.valueOf(m.runId()),
            StoreTimes.format(m.startTime()), m.verdict() == null ? "-" : m.verdict(),
            m.signals().isEmpty() ? "-" : String.join(",", m.signals()), m.input(), m.uid()));
      }
      table.print(out);
      if (rows.size() > limit) {
        out.println(msg.get("results.more", limit));
      }
      out.flush();
      return Main.EXIT_OK;
    }
  }

  private static long parseRun(Messages msg, String text) {
    String digits = text.startsWith("#") ? text.substring(1) : text;
    try {
      long n = Long.parseLong(digits);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(msg.get("results.error.notRun", text));
  }
}
