package org.kuzet.agent.cli;

import java.nio.file.Path;
import org.kuzet.agent.config.ConfigException;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by the commands that read the agent's config file. */
public final class ConfigOptions {
  /** Where the systemd unit and the install steps put the file; {@code KUZET_CONFIG} overrides it. */
  public static final String DEFAULT_PATH = "/etc/kuzet/kuzet.conf";

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:KUZET_CONFIG:-" + DEFAULT_PATH + "}",
      description = "The agent's config file (default: $KUZET_CONFIG, else " + DEFAULT_PATH + ").")
  Path file;

  Path file() {
    return file;
  }

  /** Loads and validates the file; every problem becomes a one-line usage error naming file, line and key. */
  KuzetConfig load() {
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
