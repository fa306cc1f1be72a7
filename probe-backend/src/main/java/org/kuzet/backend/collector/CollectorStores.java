package org.kuzet.backend.collector;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the store {@code --db} names: a {@code postgresql://…} URL for a server, anything else an SQLite file. */
public final class CollectorStores {
  /** Connections to PostgreSQL: enough for the default number of uploads in flight. */
  public static final int DEFAULT_POOL_SIZE = 16;

  private CollectorStores() {}

  /**
   * Opens (and creates or migrates) the collector's store.
   *
   * @throws IllegalArgumentException when a PostgreSQL URL is malformed
   * @throws IOException when the store cannot be opened, with what to do
   */
  public static CollectorStore open(String db) throws IOException {
    return open(db, DEFAULT_POOL_SIZE);
  }

  /** As {@link #open(String)}, with at most {@code poolSize} connections to a PostgreSQL server. */
  public static CollectorStore open(String db, int poolSize) throws IOException {
    if (PostgresUrl.isPostgres(db)) {
      return PostgresCollectorStore.open(PostgresUrl.parse(db), poolSize);
    }
    return SqliteCollectorStore.open(Path.of(db));
  }

  /** What to show for {@code db}: a URL without its password, or the file name. */
  public static String describe(String db) {
    return PostgresUrl.isPostgres(db) ? PostgresUrl.redact(db) : db;
  }
}
