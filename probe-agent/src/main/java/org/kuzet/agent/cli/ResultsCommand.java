package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.ShortIds;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kuzet results}: stored measurements as a table, newest first. */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "List stored measurements, newest first (times in UTC). 'kuzet show ID' prints one in full; 'kuzet results 12' lists run #12.")
public final class ResultsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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
    if (limit < 1) {
      throw new UsageException("--limit " + limit + ": must be at least 1");
    }
    if (runNumber != null) {
      long n = parseRun(runNumber);
      if (filter.run != null && filter.run != n) {
        throw new UsageException("run " + runNumber + " and --run " + filter.run + " disagree: give one of them");
      }
      filter.run = n;
    }
    PrintWriter out = spec.commandLine().getOut();
    var f = filter.toFilter(limit + 1);
    try (ResultsStore db = store.openForReading()) {
      List<StoredMeasurement> rows = db.measurements().find(f);
      if (rows.isEmpty() && f.runId() != null && db.runs().run(f.runId()).isEmpty()) {
        throw new UsageException("no run #" + f.runId() + " in " + db.file() + " ('kuzet status' shows the last one)");
      }
      if (rows.isEmpty()) {
        out.println("no stored measurement matches (database " + db.file() + ")");
        out.flush();
        return Main.EXIT_OK;
      }
      TextTable table = new TextTable(List.of("ID", "RUN", "TIME (UTC)", "VERDICT", "SIGNALS", "URL", "UID"));
      for (StoredMeasurement m : rows.subList(0, Math.min(limit, rows.size()))) {
        table.add(List.of(ShortIds.of(m.uid()), m.runId() == null ? "-" : String.valueOf(m.runId()),
            StoreTimes.format(m.startTime()), m.verdict() == null ? "-" : m.verdict(),
            m.signals().isEmpty() ? "-" : String.join(",", m.signals()), m.input(), m.uid()));
      }
      table.print(out);
      if (rows.size() > limit) {
        out.println("(the newest " + limit + " shown; narrow with --since/--url/--verdict or raise --limit)");
      }
      out.flush();
      return Main.EXIT_OK;
    }
  }

  private static long parseRun(String text) {
    String digits = text.startsWith("#") ? text.substring(1) : text;
    try {
      long n = Long.parseLong(digits);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("'" + text + "' is not a run number (a whole number from 1, e.g. 12 or #12); to see one"
        + " measurement use 'kuzet show ID'");
  }
}
