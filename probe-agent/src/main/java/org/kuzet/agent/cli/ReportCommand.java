package org.kuzet.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.report.HtmlReport;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kuzet report --html FILE}: a self-contained page about the stored measurements. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write a self-contained HTML report: a timeline of verdicts per target, the blocking methods"
        + " seen, TLS interception details and connectivity gaps. No script, no external file.")
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Option(names = "--html", paramLabel = "FILE", required = true, description = "Where to write the page.")
  Path html;

  @Mixin FilterOptions filter;

  @Mixin StoreOptions store;

  @Override
  public Integer call() throws IOException {
    MeasurementFilter which = filter.toFilter(null);
    Path parent = html.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageException(Text.of("report.error.noDirectory", html, parent));
    }
    if (Files.isDirectory(html)) {
      throw new UsageException(Text.of("report.error.isDirectory", html));
    }
    try (ResultsStore db = store.openForReading()) {
      HtmlReport report = new HtmlReport();
      db.measurements().forEach(which, report::add);
      report.runIds().forEach(id -> db.runs().run(id).ifPresent(report::addRun));
      String page = report.render("kuzet report: " + db.file().getFileName(), which.since(), which.until(),
          db.connectivity().connectivityEvents(which.since(), which.until()), Instant.now(), root.messages);
      CheckedOutput.writeFile(html, w -> w.write(page));
      spec.commandLine().getErr().println("kuzet: report written to " + html);
      spec.commandLine().getErr().flush();
      return Main.EXIT_OK;
    }
  }
}
