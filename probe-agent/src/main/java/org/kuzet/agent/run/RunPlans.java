package org.kuzet.agent.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.config.TargetFiles;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.targets.BundledLists;
import org.kuzet.targets.LoadResult;
import org.kuzet.targets.Problem;
import org.kuzet.targets.Target;
import org.kuzet.targets.TargetSelector;

/**
 * The one factory of {@link RunPlan}s. DESIGN ("one place where a run is assembled"): a run starts from a
 * {@link KuzetConfig} (the file, or its defaults without one; {@code kuzet run --once} lays its flags over it
 * first, see {@code cli/MeasurementOptions#overlay}), becomes a plan here, and is carried out by
 * {@link RunEngine}: {@code cli/RunCommand} and {@code service/MeasuringRunExecutor} are only the two doors.
 */
public final class RunPlans {
  private RunPlans() {}

  /**
   * The plan of a run of {@code targets} under {@code config}.
   *
   * @param tuning what the config does not say: timeouts, trust roots, address policy, the metrics listener
   * @param build builds the settings from {@code tuning} once the config's resolvers and control URLs are set
   *     (normally {@code ProbeSettings.Builder::build}; tests of the service add loopback knobs here)
   * @param collector the collector this run uploads to (checked as a connectivity anchor), or null
   */
  public static RunPlan plan(KuzetConfig config, Targets targets, ProbeSettings.Builder tuning,
      Function<ProbeSettings.Builder, ProbeSettings> build, String collector) {
    ProbeSettings settings = build.apply(tuning
        .resolvers(config.resolvers())
        .controlUrls(config.controlUrls()));
    // The baseline serves to judge web targets: a run of messengers only has none to judge.
    List<Target> measured = config.targets().baseline() && !targets.targets().isEmpty()
        ? withBaseline(targets.targets()) : targets.targets();
    return new RunPlan(measured, targets.name(), settings, config.probe(), connectivity(config, collector));
  }

  /**
   * {@code targets} with the bundled {@code control} list's sites that are not among them put first: the run's
   * baseline of throttling by time ({@code [targets] baseline}, {@code --baseline}), measured before the rest and
   * stored like any measurement (category {@code CTRL}). A run that lists {@code control} itself gains nothing.
   */
  static List<Target> withBaseline(List<Target> targets) {
    java.util.Set<String> urls = new java.util.HashSet<>();
    targets.forEach(t -> urls.add(t.url()));
    List<Target> out = new ArrayList<>();
    for (Target t : BundledLists.load(BASELINE_LIST)) {
      if (urls.add(t.url())) {
        out.add(t);
      }
    }
    out.addAll(targets);
    return out;
  }

  /** The bundled list whose sites are the default baseline. */
  public static final String BASELINE_LIST = "control";

  /**
   * The connectivity check of {@code config}; the service opens it once and keeps it for its heartbeat.
   *
   * @param collector the collector uploaded to, or null when not uploading
   */
  public static ConnectivityPlan connectivity(KuzetConfig config, String collector) {
    return new ConnectivityPlan(LocalNetwork.SYSTEM, config.connectivity().domestic(),
        config.connectivity().foreign(), config.controlUrls(), collector);
  }

  /** Targets with the name of where they came from ({@code kz+extra.csv}), stored with each measurement. */
  public record Targets(List<Target> targets, String name) {
    public Targets {
      targets = List.copyOf(targets);
    }
  }

  /**
   * The targets of a config's selection for an unattended run: bad lines of a list file are skipped, each with a
   * line on {@code log} (a service cannot stop to ask; {@code kuzet run} rejects them instead).
   *
   * @throws TargetFiles.Unusable when a list file cannot be used at all
   */
  public static Targets load(TargetSelection selection, PrintWriter log, String who) throws TargetFiles.Unusable {
    List<Target> all = new ArrayList<>();
    for (String name : selection.lists()) {
      all.addAll(BundledLists.load(name));
    }
    for (Path file : selection.files()) {
      LoadResult r = TargetFiles.load(file);
      for (Problem p : r.warnings()) {
        log.println(who + ": skipped " + p);
      }
      all.addAll(r.targets());
    }
    TargetSelector.Builder b = TargetSelector.builder();
    if (!selection.categories().isEmpty()) {
      b.categories(selection.categories());
    }
    List<String> names = new ArrayList<>(selection.lists());
    selection.files().forEach(f -> names.add(f.getFileName().toString()));
    return new Targets(b.build().select(all), names.isEmpty() ? null : String.join("+", names));
  }
}
