package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kuzet.agent.service.NetworkLookup;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.MeasurementRunner;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kuzet measure}: measure URLs now and print the observations; nothing is stored or uploaded. */
@Command(name = "measure", mixinStandardHelpOptions = true,
    description = "Measure URLs over DNS, TCP, TLS and HTTP and print what was seen. Stores nothing.")
public final class MeasureCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Mixin TargetOptions targets;

  @Mixin MeasurementOptions measurement;

  @Option(names = "--json", description = "One JSON measurement per line (DESIGN.md format) instead of a summary.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    List<String> urls = targets.resolve(spec.commandLine().getErr(), null).targets().stream()
        .map(org.kuzet.targets.Target::url).toList();
    ProbeSettings settings = measurement.toSettings(ProbeEventListener.NONE);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    measurement.warnAboutInstalledInterceptionRoots(err, root.messages);
    settings = NetworkLookup.forRun(measurement.identityLookup(java.util.Optional.empty()), settings, err,
        "kuzet measure", root.messages).applyTo(settings);
    List<String> failed = new ArrayList<>();
    CheckedOutput.Failed[] outputFailure = new CheckedOutput.Failed[1];
    try (WebConnectivity experiment = new WebConnectivity(settings)) {
      String reportId = MeasurementIds.reportId(Instant.now(), settings.probeCc(), settings.probeAsn());
      new MeasurementRunner(experiment, settings.parallelism()).run(urls, reportId, new MeasurementRunner.Sink() {
        @Override
        public void measured(Measurement m) {
          out.print(json ? MeasurementJson.toLine(m) + "\n" : HumanSummary.format(m));
          out.flush();
        }

        @Override
        public void failed(String input, RuntimeException error) {
          if (error instanceof CheckedOutput.Failed f) {
            outputFailure[0] = outputFailure[0] == null ? f : outputFailure[0]; // reported once, at the end
            return;
          }
          failed.add(input);
          err.println(root.messages.get("progress.couldNotMeasure", input, error.getMessage()));
          err.flush();
        }
      });
    }
    if (outputFailure[0] != null) {
      throw outputFailure[0];
    }
    return failed.isEmpty() ? 0 : 1;
  }
}
