package org.kuzet.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.kuzet.backend.collector.CollectorStore;
import org.kuzet.backend.collector.NetworkReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kuzet collector report --html FILE}: blocked per network per day, across all probes, as one page. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write one self-contained HTML page: measurements and blocked ones per network (ASN) per day,"
        + " across all probes, with the blocking methods seen."})
public final class CollectorReportCommand implements Callable<Integer> {
  Clock clock = Clock.systemUTC();

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin CollectorDatabaseOptions database;

  @Option(names = "--html", required = true, paramLabel = "FILE", description = "The page to write.")
  Path html;

  @Option(names = "--since", paramLabel = "TIME",
      description = "Measurements started at or after TIME (UTC: YYYY-MM-DD or 'YYYY-MM-DD hh:mm:ss'; default:"
          + " 30 days ago).")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "… and before TIME (default: now).")
  String until;

  @Override
  public Integer call() throws IOException {
    LocalDateTime now = LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.SECONDS);
    LocalDateTime to = until == null ? now : CollectorExportCommand.parseTime("--until", until);
    LocalDateTime from = since == null ? to.minusDays(30).truncatedTo(ChronoUnit.DAYS)
        : CollectorExportCommand.parseTime("--since", since);
    if (!from.isBefore(to)) {
      throw new UsageException("--since " + from + " is not before --until " + to);
    }
    Path dir = html.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new UsageException("--html " + html + ": directory " + dir + " does not exist");
    }
    List<CollectorStore.NetworkDay> days;
    try (CollectorStore store = database.open()) {
      days = store.blockedPerNetworkPerDay(from, to);
    }
    Files.writeString(html, NetworkReport.html(days, from, to, clock.instant()), StandardCharsets.UTF_8);
    long blocked = days.stream().mapToLong(CollectorStore.NetworkDay::blocked).sum();
    spec.commandLine().getOut().println("kuzet collector report: " + html + " (" + days.size()
        + " network-days, " + blocked + " blocked measurements)");
    return Main.EXIT_OK;
  }
}
