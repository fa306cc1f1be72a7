package org.kuzet.backend.collector;

import java.io.IOException;
import org.kuzet.core.testing.LocalPostgres;

/** The store contract against a real PostgreSQL server ({@link LocalPostgres}), a new database per test. */
class PostgresCollectorStoreContractTest extends CollectorStoreContract {
  private String url;

  @Override
  CollectorStore create() throws IOException {
    url = LocalPostgres.get().newDatabase();
    return CollectorStores.open(url);
  }

  @Override
  CollectorStore reopen() throws IOException {
    return CollectorStores.open(url);
  }
}
