package org.kuzet.backend.collector;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteCollectorStoreContractTest extends CollectorStoreContract {
  @TempDir Path dir;

  @Override
  CollectorStore create() throws IOException {
    return SqliteCollectorStore.open(dir.resolve("collector.db"));
  }

  @Override
  CollectorStore reopen() throws IOException {
    return SqliteCollectorStore.open(dir.resolve("collector.db"));
  }
}
