package org.kuzet.agent.cli;

import org.kuzet.agent.i18n.Messages;
import org.kuzet.core.Software;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code kuzet} command: subcommands only. */
@Command(name = "kuzet", mixinStandardHelpOptions = true, versionProvider = KuzetCommand.Version.class,
    description = "Measures website blocking and internet shutdowns from a volunteer's network.",
    subcommands = {MeasureCommand.class, TargetsCommand.class, RunCommand.class, ResultsCommand.class,
        ShowCommand.class, ExportCommand.class, QueryCommand.class, ReportCommand.class, HelperCommand.class,
        CollectorCommand.class, CampaignCommand.class, ConsentCommand.class, ServiceCommand.class, UploadCommand.class,
        StatusCommand.class, AnalyzeCommand.class, MessengersCommand.class})
public final class KuzetCommand implements Runnable {

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces with errors (for bug reports).")
  boolean verbose;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--lang", scope = ScopeType.INHERIT, paramLabel = "LANG",
      description = "Language of what kuzet says: en, ru or kk (default: $KUZET_LANG, else the locale: LC_ALL,"
          + " LC_MESSAGES, LANG; else en). Verdicts, signals and JSON keys stay English.")
  String lang;

  /** What kuzet says, in the volunteer's language; set by {@link Main} before the command runs. */
  Messages messages = Messages.english();

  /** Where questions are answered (consent); set by {@link Main}. */
  Terminal terminal = new Terminal(new java.io.BufferedReader(java.io.Reader.nullReader()), false);

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing a command (see 'kuzet --help')");
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Software.NAME + " " + Software.VERSION + " (Java " + Runtime.version() + ")"};
    }
  }
}
