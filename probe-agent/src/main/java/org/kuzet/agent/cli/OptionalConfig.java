package org.kuzet.agent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.store.StorePaths;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The agent's config file for commands that work without one ({@code upload}, {@code status}, {@code run}): read
 * when {@code --config} names it or the default file exists; a file that is named but missing or does not load is
 * a usage error, as for the service.
 */
final class OptionalConfig {
  private OptionalConfig() {}

  static Optional<KuzetConfig> load(ConfigOptions options, CommandSpec spec) {
    boolean named = spec.commandLine().getParseResult().hasMatchedOption("--config");
    if (!named && (options.file() == null || !Files.isRegularFile(options.file()))) {
      return Optional.empty();
    }
    return Optional.of(options.load());
  }

  /**
   * {@code --db}; else the database of a config named with {@code --config} (the service's, e.g. for
   * {@code kuzet status --config /etc/kuzet/kuzet.conf}); else the per-user default every other command uses.
   */
  static Path database(StoreOptions store, Optional<KuzetConfig> config, CommandSpec spec) {
    if (store.db != null) {
      return store.db;
    }
    if (config.isPresent() && spec.commandLine().getParseResult().hasMatchedOption("--config")) {
      return config.get().database();
    }
    return StorePaths.defaultDatabase();
  }
}
