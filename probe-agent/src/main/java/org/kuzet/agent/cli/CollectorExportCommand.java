package org.kuzet.agent.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kuzet.backend.collector.CollectorExport;
import org.kuzet.backend.collector.CollectorStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kuzet collector export}: the collector's measurements as OONI lines or ClickHouse rows (docs/COLLECTOR.md). */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write the collector's measurements, oldest first, one JSON line each: ooni (OONI measurement"
        + " lines) or clickhouse (JSONEachRow rows for the fastpath table of docs/COLLECTOR.md)."})
public final class CollectorExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin CollectorDatabaseOptions database;

  @Option(names = "--since", paramLabel = "TIME",
      description = "Only measurements started at or after TIME (UTC): YYYY-MM-DD or 'YYYY-MM-DD hh:mm:ss'"
          + " (default: all).")
  String since;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "ooni",
      description = "ooni or clickhouse (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path output;

  @Override
  public Integer call() throws IOException {
    CollectorExport.Format f;
    try {
      f = CollectorExport.Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--format '" + format + "': one of ooni, clickhouse");
    }
    LocalDateTime from = since == null ? LocalDateTime.of(1970, 1, 1, 0, 0) : parseTime("--since", since);
    try (CollectorStore store = database.open()) {
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        CollectorExport.write(store, from, f, out);
        return Main.EXIT_OK;
      }
      long n;
      try (Writer out = new BufferedWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
        n = CollectorExport.write(store, from, f, out);
      }
      spec.commandLine().getOut().println("kuzet collector export: " + n + " measurements written to " + output);
      return Main.EXIT_OK;
    }
  }

  /** {@code YYYY-MM-DD} (start of that day) or {@code YYYY-MM-DD hh:mm:ss} / {@code YYYY-MM-DDThh:mm:ss}, UTC. */
  static LocalDateTime parseTime(String option, String value) {
    String v = value.strip().replace('T', ' ');
    if (v.endsWith("Z")) {
      v = v.substring(0, v.length() - 1);
    }
    try {
      return v.length() == 10 ? LocalDate.parse(v).atStartOfDay()
          : LocalDateTime.parse(v, org.kuzet.backend.collector.FastpathRow.TIME);
    } catch (DateTimeParseException e) {
      throw new UsageException(option + " '" + value + "': expected a UTC date or time, e.g. 2026-11-01 or"
          + " '2026-11-01 06:00:00'");
    }
  }
}
