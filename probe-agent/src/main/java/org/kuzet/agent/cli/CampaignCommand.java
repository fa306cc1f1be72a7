package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.ConfigException;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.ConfigWriter;
import org.kuzet.agent.config.Durations;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.targets.BundledLists;
import org.kuzet.targets.Categories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet campaign add|list|remove}: edits the {@code [campaign NAME]} sections of the config file as text,
 * keeping every other line and comment as written. A running {@code kuzet service} picks the change up by itself.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true,
    description = "Manage campaigns: windows of denser runs around an election or a protest.",
    subcommands = {CampaignCommand.Add.class, CampaignCommand.ListCampaigns.class, CampaignCommand.Remove.class})
public final class CampaignCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Time source for "is this campaign active"; tests keep the system clock and use far-off dates. */
  static Clock clock = Clock.systemUTC();

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing add, list or remove");
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a campaign to the config file, e.g.",
          "  kuzet campaign add election-2026 --start 2026-03-19T06:00+05:00 --end 2026-03-20T12:00+05:00 --every 15m"})
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigOptions config;

    @Parameters(index = "0", paramLabel = "NAME", description = "Lower-case letters, digits, '.', '_', '-'.")
    String name;

    @Option(names = "--start", required = true, paramLabel = "TIME",
        description = "ISO-8601 with an offset, e.g. 2026-03-19T06:00+05:00 (Almaty) or 2026-03-19T01:00Z.")
    String start;

    @Option(names = "--end", required = true, paramLabel = "TIME", description = "Same format as --start.")
    String end;

    @Option(names = "--every", required = true, paramLabel = "D", converter = DurationConverter.class,
        description = "Run interval inside the window, e.g. 15m.")
    Duration every;

    @Option(names = "--jitter", paramLabel = "D",
        description = "Random offset of each run within ±D (default: a tenth of --every; 0 for none).")
    String jitter;

    @Option(names = "--list", paramLabel = "NAME", split = ",",
        description = "The campaign's own bundled list(s) (default: the regular targets).")
    List<String> lists = new ArrayList<>();

    @Option(names = "--targets", paramLabel = "FILE", description = "The campaign's own target list file(s).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--category", paramLabel = "CODE", split = ",",
        description = "Keep only these Citizen Lab categories during the campaign.")
    List<String> categories = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      config.load(); // refuse to edit a file that is already broken, with its own error
      OffsetDateTime from = time("--start", start);
      OffsetDateTime to = time("--end", end);
      Duration j;
      try {
        j = jitter == null ? every.dividedBy(10) : Durations.parseOrZero(jitter);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--jitter: " + e.getMessage());
      }
      for (String l : lists) {
        if (!BundledLists.names().contains(l)) {
          throw new UsageException("--list " + l + ": no such bundled list (known: "
              + String.join(", ", BundledLists.names()) + ")");
        }
      }
      for (Path f : files) {
        // Read now, as each of the campaign's runs will: a list that cannot be used is refused before it is written.
        try {
          org.kuzet.agent.config.TargetFiles.load(f.toAbsolutePath());
        } catch (org.kuzet.agent.config.TargetFiles.Unusable e) {
          throw new UsageException("--targets " + f + ": " + e.getMessage() + "; "
              + org.kuzet.agent.config.TargetFiles.HINT);
        }
      }
      List<String> codes = new ArrayList<>();
      for (String c : categories) {
        if (!Categories.isKnown(c.toUpperCase(Locale.ROOT))) {
          throw new UsageException("--category " + c + ": not a Citizen Lab category code (e.g. NEWS, POLR, HUMR)");
        }
        codes.add(c.toUpperCase(Locale.ROOT));
      }
      if (!to.toInstant().isAfter(clock.instant())) {
        throw new UsageException("--end " + end + " is in the past: the campaign would never run; check the date");
      }
      Campaign campaign;
      try {
        campaign = new Campaign(name, from.toInstant(), to.toInstant(), every, j,
            new TargetSelection(lists, files.stream().map(p -> p.toAbsolutePath()).toList(), codes));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      KuzetConfig after;
      try {
        after = ConfigWriter.addCampaign(config.file(), campaign, from.getOffset());
      } catch (IllegalArgumentException | ConfigException e) {
        throw new UsageException(e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("added campaign " + name + " to " + config.file() + ": " + describe(campaign, from.getOffset()));
      overlaps(after, campaign).forEach(o -> out.println("note: it overlaps campaign " + o.name()
          + "; while both are active the earlier-starting one sets the interval"));
      out.flush();
      return Main.EXIT_OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the campaigns in the config file.")
  static final class ListCampaigns implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      KuzetConfig c = config.load();
      PrintWriter out = spec.commandLine().getOut();
      if (c.campaigns().isEmpty()) {
        out.println("no campaigns in " + config.file() + " (add one with 'kuzet campaign add')");
        out.flush();
        return Main.EXIT_OK;
      }
      Instant now = clock.instant();
      int width = Math.max(4, c.campaigns().stream().mapToInt(k -> k.name().length()).max().orElse(4));
      out.printf("%-" + width + "s  %-8s  %-20s  %-20s  %-6s  %-6s  %s%n", "NAME", "STATUS", "START (UTC)",
          "END (UTC)", "EVERY", "JITTER", "TARGETS");
      for (Campaign k : c.campaigns()) {
        String status = k.isActiveAt(now) ? "active" : now.isBefore(k.start()) ? "upcoming" : "over";
        out.printf("%-" + width + "s  %-8s  %-20s  %-20s  %-6s  %-6s  %s%n", k.name(), status,
            k.start(), k.end(), Durations.format(k.interval()), Durations.format(k.jitter()), targets(k.targets()));
      }
      out.flush();
      return Main.EXIT_OK;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a campaign (and the comment lines directly above it) from the config file.")
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigOptions config;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws IOException {
      KuzetConfig c = config.load();
      if (c.campaign(name).isEmpty()) {
        throw new UsageException("no campaign named '" + name + "' in " + config.file() + " (known: "
            + (c.campaigns().isEmpty() ? "none" : String.join(", ", c.campaigns().stream().map(Campaign::name)
                .toList())) + ")");
      }
      try {
        ConfigWriter.removeCampaign(config.file(), name);
      } catch (IllegalArgumentException | ConfigException e) {
        throw new UsageException(e.getMessage(), e);
      }
      spec.commandLine().getOut().println("removed campaign " + name + " from " + config.file());
      spec.commandLine().getOut().flush();
      return Main.EXIT_OK;
    }
  }

  private static OffsetDateTime time(String flag, String value) {
    try {
      return ConfigLoader.time(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  private static String describe(Campaign c, ZoneOffset offset) {
    return OffsetDateTime.ofInstant(c.start(), offset) + " to " + OffsetDateTime.ofInstant(c.end(), offset)
        + " every " + Durations.format(c.interval()) + " (±" + Durations.format(c.jitter()) + "), targets: "
        + targets(c.targets());
  }

  private static String targets(TargetSelection t) {
    if (t.isEmpty()) {
      return "regular" + (t.categories().isEmpty() ? "" : " " + String.join(",", t.categories()));
    }
    List<String> parts = new ArrayList<>(t.lists());
    t.files().forEach(f -> parts.add(f.getFileName().toString()));
    return String.join("+", parts) + (t.categories().isEmpty() ? "" : " " + String.join(",", t.categories()));
  }

  private static List<Campaign> overlaps(KuzetConfig config, Campaign c) {
    return config.campaigns().stream().filter(o -> !o.name().equals(c.name()))
        .filter(o -> o.start().isBefore(c.end()) && c.start().isBefore(o.end())).toList();
  }
}
