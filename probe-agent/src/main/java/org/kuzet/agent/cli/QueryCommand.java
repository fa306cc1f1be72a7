package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kuzet.agent.store.QueryResult;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kuzet query "SQL"}: an analyst's own SQL over a read-only connection (schema: results-schema/README.md). */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Run one SQL statement on the results database, read-only, and print the rows as a table.",
        "Tables: runs, measurements, connectivity_events, settings (see results-schema/README.md)."})
public final class QueryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SQL", description = "One SQL statement, e.g. \"SELECT x_verdict, count(*) FROM"
      + " measurements GROUP BY 1\".")
  String sql;

  @Mixin StoreOptions store;

  @Option(names = "--max-rows", paramLabel = "N", defaultValue = "10000",
      description = "Print at most N rows (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Override
  public Integer call() {
    if (maxRows < 1) {
      throw new UsageException("--max-rows " + maxRows + ": must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ResultsStore db = store.openForReading()) {
      QueryResult result;
      try {
        result = db.analystSql().query(sql, maxRows);
      } catch (StoreException e) {
        throw new UsageException(e.getMessage(), e);
      }
      if (result.columns().isEmpty()) {
        out.println("(no result set)");
      } else {
        TextTable table = new TextTable(result.columns());
        result.rows().forEach(table::add);
        table.print(out);
        out.println("(" + result.rows().size() + " row" + (result.rows().size() == 1 ? "" : "s")
            + (result.truncated() ? "; more not shown, raise --max-rows" : "") + ")");
      }
      out.flush();
      return Main.EXIT_OK;
    }
  }
}
