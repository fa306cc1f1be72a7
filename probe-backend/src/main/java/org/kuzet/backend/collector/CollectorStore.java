package org.kuzet.backend.collector;

import java.io.IOException;
import java.util.List;

/**
 * Where a collector keeps the measurements it accepted. {@link SqliteCollectorStore} is the one there is; a
 * PostgreSQL store for a busy collector would implement the same contract.
 *
 * <p>Contract: a UID is stored at most once. {@link #store} handles a whole batch atomically (all new rows or
 * none) and answers per item, in order: {@link Outcome#STORED} for a new UID, {@link Outcome#DUPLICATE} when the
 * same probe's identical measurement is already stored (a resend after a lost answer), {@link Outcome#CONFLICT}
 * when a different measurement or another probe's is stored under that UID (the stored one is kept). Within one
 * batch, a UID seen earlier in the batch counts as stored. Nothing that identifies the uploader's network (its
 * address) is ever passed in, so no implementation can store it.
 */
public interface CollectorStore extends AutoCloseable {

  enum Outcome { STORED, DUPLICATE, CONFLICT }

  /** Stores the new measurements of {@code batch} in one transaction. */
  List<Outcome> store(List<StoredMeasurement> batch) throws IOException;

  /** How many measurements are stored. */
  long count() throws IOException;

  @Override
  void close() throws IOException;
}
