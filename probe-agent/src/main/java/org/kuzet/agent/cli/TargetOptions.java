package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.i18n.Text;
import org.kuzet.targets.BundledLists;
import org.kuzet.targets.LoadOptions;
import org.kuzet.targets.LoadResult;
import org.kuzet.targets.Problem;
import org.kuzet.targets.Target;
import org.kuzet.targets.TargetListException;
import org.kuzet.targets.TargetListLoader;
import org.kuzet.targets.TargetSelector;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Which targets a command works on: URLs on the command line, bundled lists ({@code --list kz}) and list files
 * ({@code --targets FILE}, kuzet's CSV, Citizen Lab CSV or one URL per line), then narrowed by category, shuffled
 * and limited. Sources are combined in that order and duplicates (after URL normalisation) removed.
 */
public final class TargetOptions {
  /** Category and country of a URL typed on the command line: nobody said what it is. */
  private static final String AD_HOC_CATEGORY = "MISC";

  @Parameters(paramLabel = "URL", arity = "0..*", description = "http:// or https:// URLs to measure.")
  List<String> urls = new ArrayList<>();

  @Option(names = "--list", paramLabel = "NAME", split = ",",
      description = "Bundled target list(s): ${COMPLETION-CANDIDATES}.", completionCandidates = ListNames.class)
  List<String> lists = new ArrayList<>();

  @Option(names = "--targets", paramLabel = "FILE",
      description = "Target list file: kuzet CSV, Citizen Lab CSV or one URL per line (format taken from the header).")
  List<Path> files = new ArrayList<>();

  @Option(names = "--category", paramLabel = "CODE", split = ",",
      description = "Keep only these Citizen Lab category codes, e.g. NEWS,HUMR.")
  List<String> categories = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", description = "Measure at most N targets (after --shuffle).")
  Integer limit;

  @Option(names = "--shuffle", description = "Shuffle the targets (so --limit takes a random sample).")
  boolean shuffle;

  @Option(names = "--seed", paramLabel = "N", hidden = true, description = "Seed for --shuffle (reproducible runs).")
  Long seed;

  @Option(names = "--skip-invalid",
      description = "Skip bad lines of a list file with a warning each, instead of rejecting the whole file.")
  boolean skipInvalid;

  /** What was selected and a short name of where it came from (stored with measurements). */
  public record Selection(List<Target> targets, String sourceName) {}

  /**
   * Resolves the options to targets.
   *
   * @param warnings where skipped lines are reported
   * @param defaultList bundled list used when no URL, list or file was given; null makes that an error
   * @throws UsageException for anything a person must fix: unknown list, unreadable file, bad lines, bad filter
   */
  Selection resolve(PrintWriter warnings, String defaultList) {
    return resolveOr(warnings, defaultList == null ? null
        : new KuzetConfig.TargetSelection(List.of(defaultList), List.of(), List.of()));
  }

  /**
   * Resolves the options to targets; without a URL, list or file, {@code defaults} (a config file's
   * {@code [targets]}) says what to measure, and its categories apply unless {@code --category} is given.
   */
  Selection resolveOr(PrintWriter warnings, KuzetConfig.TargetSelection defaults) {
    boolean fromDefaults = urls.isEmpty() && lists.isEmpty() && files.isEmpty();
    if (fromDefaults && defaults != null && categories.isEmpty()) {
      categories = new ArrayList<>(defaults.categories());
    }
    List<Path> files = fromDefaults && defaults != null ? defaults.files() : this.files;
    List<Target> all = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String u : urls) {
      try {
        all.add(new Target(u, AD_HOC_CATEGORY, Target.UNKNOWN_COUNTRY, "command line", null, ""));
      } catch (IllegalArgumentException e) {
        throw new UsageException(Text.of("targets.badUrl", e.getMessage()));
      }
    }
    if (!urls.isEmpty()) {
      names.add("command line");
    }
    List<String> listNames = new ArrayList<>(lists);
    if (fromDefaults) {
      if (defaults == null) {
        throw new UsageException(Text.of("targets.nothing", String.join(", ", BundledLists.names())));
      }
      listNames.addAll(defaults.lists());
    }
    for (String name : listNames) {
      if (!BundledLists.names().contains(name.strip())) {
        throw new UsageException(Text.of("targets.unknownList", name.strip(), String.join(", ", BundledLists.names())));
      }
      try {
        all.addAll(BundledLists.load(name.strip()));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      names.add(name.strip());
    }
    for (Path file : files) {
      all.addAll(load(file, warnings));
      names.add(file.getFileName().toString());
    }
    List<Target> selected = selector().select(all);
    if (selected.isEmpty()) {
      throw new UsageException(Text.of("targets.noneLeft", String.join(",", categories), all.size()));
    }
    return new Selection(selected, String.join("+", names));
  }

  private TargetSelector selector() {
    TargetSelector.Builder b = TargetSelector.builder();
    try {
      if (!categories.isEmpty()) {
        b.categories(categories);
      }
      if (limit != null) {
        b.limit(limit);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (shuffle) {
      b.shuffle(seed == null ? new Random() : new Random(seed));
    }
    return b.build();
  }

  private List<Target> load(Path file, PrintWriter warnings) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException(Text.of(Files.exists(file) ? "targets.notRegular" : "targets.noFile", file));
    }
    try {
      LoadResult result = TargetListLoader.load(file, LoadOptions.defaults().skipInvalid(skipInvalid));
      for (Problem p : result.warnings()) {
        warnings.println("kuzet: warning: skipped " + p);
      }
      warnings.flush();
      return result.targets();
    } catch (TargetListException e) {
      // Every bad line on its own line, so all can be fixed in one go; then the one-line reason.
      List<Problem> problems = e.problems();
      for (Problem p : problems) {
        warnings.println(p);
      }
      warnings.flush();
      boolean wholeList = problems.size() == 1 && problems.get(0).line() == 0;
      throw wholeList ? new UsageException(problems.get(0).toString())
          : new UsageException(Text.of("targets.rejected", file, problems.size()));
    } catch (org.kuzet.targets.Utf8Text.NotUtf8Exception e) {
      throw new UsageException(e.getMessage()); // file:line: not UTF-8 text (…)
    } catch (NoSuchFileException e) {
      throw new UsageException(Text.of("targets.noFile", file));
    } catch (IOException e) {
      throw new UsageException(Text.of("targets.cannotRead", file, e.getMessage()));
    }
  }

  /** Completion candidates and help text for {@code --list}. */
  static final class ListNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return BundledLists.names().iterator();
    }
  }
}
