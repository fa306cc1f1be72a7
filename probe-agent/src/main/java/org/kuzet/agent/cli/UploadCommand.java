package org.kuzet.agent.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.upload.UploadFlush;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet upload}: sends the queued measurements to the collector now, signed with the probe's key, and
 * prints what happened. Typing the command is the volunteer's explicit choice to upload.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
    description = {"Send the measurements waiting in the upload queue to the collector now, and print counts."})
public final class UploadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Mixin StoreOptions store;

  @Mixin ConfigOptions config;

  @Option(names = "--collector", paramLabel = "URL",
      description = "Collector to upload to (default: [upload] collector of the config file).")
  String collector;

  @Option(names = "--retry-failed",
      description = "Also put measurements the collector rejected back in the queue and send them again.")
  boolean retryFailed;

  @Option(names = "--trust-roots", paramLabel = "PEM",
      description = "Also trust these CA certificates for the collector's HTTPS (a private CA).")
  List<Path> trustRoots = new ArrayList<>();

  @Override
  public Integer call() {
    Optional<KuzetConfig> cfg = OptionalConfig.load(config, spec);
    String where = collector != null ? "--collector" : "[upload] collector";
    String url = collector != null ? collector : cfg.map(c -> c.upload().collector()).orElse(null);
    if (url == null) {
      throw new UsageException(Text.of("upload.error.noCollector", config.file()));
    }
    URI uri = UploadFlush.collector(url, where);
    Path db = OptionalConfig.database(store, cfg, spec);
    if (!Files.exists(db)) {
      throw new UsageException(Text.of("upload.error.noDatabase", db));
    }
    ResultsStore opened;
    try {
      opened = ResultsStore.open(db);
    } catch (StoreException e) {
      throw new UsageException(e.getMessage(), e);
    }
    try (ResultsStore results = opened) {
      UploadFlush.Report report = UploadFlush.flush(results, uri, where, trustRoots, retryFailed);
      UploadFlush.print(spec.commandLine().getOut(), report, uri, root.messages);
      return report.transientFailure() ? Main.EXIT_FAILED : Main.EXIT_OK;
    }
  }
}
