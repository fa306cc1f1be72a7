package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kuzet.targets.Target;
import org.kuzet.targets.TargetSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kuzet targets}: shows what a run with the same target options would measure. Touches no network. */
@Command(name = "targets", mixinStandardHelpOptions = true,
    description = {"Print the targets a run with these options would measure, then the count per category.",
        "Without --list, --targets or URLs, shows the default list (" + TargetsCommand.DEFAULT_LIST + ")."})
public final class TargetsCommand implements Callable<Integer> {
  static final String DEFAULT_LIST = "kz";

  @Spec CommandSpec spec;

  @Mixin TargetOptions targets;

  @Option(names = "--urls-only", description = "Print only the URLs, one per line (for scripts).")
  boolean urlsOnly;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    TargetOptions.Selection selection = targets.resolve(spec.commandLine().getErr(), DEFAULT_LIST);
    if (urlsOnly) {
      selection.targets().forEach(t -> out.println(t.url()));
      out.flush();
      return Main.EXIT_OK;
    }
    int width = selection.targets().stream().mapToInt(t -> t.url().length()).max().orElse(3);
    out.printf("%-" + width + "s  %-5s  %-2s  %s%n", "URL", "CAT", "CC", "SOURCE");
    for (Target t : selection.targets()) {
      out.printf("%-" + width + "s  %-5s  %-2s  %s%n", t.url(), t.categoryCode(), t.country(), t.source());
    }
    out.println();
    out.println("from " + selection.sourceName() + ":");
    TargetSummary.of(selection.targets()).lines().forEach(line -> out.println("  " + line));
    out.flush();
    return Main.EXIT_OK;
  }
}
