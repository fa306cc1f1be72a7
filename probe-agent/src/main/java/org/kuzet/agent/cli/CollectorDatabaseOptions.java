package org.kuzet.agent.cli;

import java.io.IOException;
import org.kuzet.backend.collector.CollectorStore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where {@code kuzet collector export} and {@code report} read: {@code --db}, else {@code [collector] database} of
 * the config file ({@code --config}), as {@code kuzet collector} itself finds its database.
 */
public final class CollectorDatabaseOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(names = "--db", paramLabel = "FILE|URL",
      description = "The collector's SQLite database file, or postgresql://USER@HOST:PORT/DATABASE. Default:"
          + " [collector] database of the config file.")
  String db;

  /** The existing store (never created here); errors name the flag or the config file's line and key. */
  CollectorStore open() throws IOException {
    return CollectorCommand.openExisting(db, config, spec);
  }
}
