package org.kuzet.agent.cli;

import java.nio.file.Path;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.store.StorePaths;
import picocli.CommandLine.Option;

/** {@code --db FILE}: which results database a command uses; shared by every command that touches the store. */
public final class StoreOptions {
  @Option(names = "--db", paramLabel = "FILE",
      description = "Results database (default: $XDG_DATA_HOME/kuzet/kuzet.db or ~/.local/share/kuzet/kuzet.db;"
          + " ~/Library/Application Support/kuzet on macOS, %%LOCALAPPDATA%%\\kuzet on Windows).")
  Path db;

  public Path path() {
    return db != null ? db : StorePaths.defaultDatabase();
  }

  /** Opens (creating and migrating as needed); a damaged, foreign, newer or locked file is a usage error. */
  public ResultsStore openForWriting() {
    try {
      return ResultsStore.open(path());
    } catch (StoreException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** Opens an existing database read-only; a missing file is a usage error (reading never creates one). */
  public ResultsStore openForReading() {
    try {
      return ResultsStore.openReadOnly(path());
    } catch (StoreException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }
}
