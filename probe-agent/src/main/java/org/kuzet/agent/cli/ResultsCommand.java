package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kuzet results}: stored measurements as a table, newest first. */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "List stored measurements, newest first (times in UTC). 'kuzet show UID' prints one in full.")
public final class ResultsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin FilterOptions filter;

  @Mixin StoreOptions store;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "Show at most N measurements (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new UsageException("--limit " + limit + ": must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    var f = filter.toFilter(limit + 1);
    try (ResultsStore db = store.openForReading()) {
      List<StoredMeasurement> rows = db.measurements().find(f);
      if (rows.isEmpty()) {
        out.println("no stored measurement matches (database " + db.file() + ")");
        out.flush();
        return Main.EXIT_OK;
      }
      TextTable table = new TextTable(List.of("TIME (UTC)", "VERDICT", "SIGNALS", "URL", "UID"));
      for (StoredMeasurement m : rows.subList(0, Math.min(limit, rows.size()))) {
        table.add(List.of(StoreTimes.format(m.startTime()), m.verdict() == null ? "-" : m.verdict(),
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
}
