package org.kuzet.backend.collector;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.SortedSet;

/**
 * Where a collector keeps the measurements it accepted: {@link SqliteCollectorStore} (one file, the embedded
 * default) or {@link PostgresCollectorStore} (a server, for thousands of probes); {@link CollectorStores#open}
 * picks one from {@code --db}.
 *
 * <p>Contract: a UID is stored at most once. {@link #store} handles a whole batch atomically (all new rows or
 * none) and answers per item, in order: {@link Outcome#STORED} for a new UID, {@link Outcome#DUPLICATE} when the
 * same probe's identical measurement is already stored (a resend after a lost answer), {@link Outcome#CONFLICT}
 * when a different measurement or another probe's is stored under that UID (the stored one is kept, and the
 * conflict is logged). Within one batch, a UID seen earlier in the batch counts as stored. Concurrent batches
 * holding the same UID store it once. Nothing that identifies the uploader's network (its address) is ever passed
 * in, so no implementation can store it.
 */
public interface CollectorStore extends AutoCloseable {

  enum Outcome { STORED, DUPLICATE, CONFLICT }

  /** Stores the new measurements of {@code batch} in one transaction. */
  List<Outcome> store(List<ReceivedMeasurement> batch) throws IOException;

  /**
   * How many {@link #store} calls the collector runs at once ({@link GroupCommit}'s writers). One, for SQLite and
   * PostgreSQL alike: one writer stores everything that waits in one transaction, so the busier the collector the
   * bigger its transactions. Four PostgreSQL writers (tried on 2 cores, bench/RESULTS.md) made four small
   * transactions instead, 1.8 one-measurement uploads each against 3.4, and cost both the collector and PostgreSQL
   * more CPU per measurement: 1,937/s against 2,561/s at one measurement per upload.
   */
  default int writers() {
    return 1;
  }

  /** How many measurements are stored. */
  long count() throws IOException;

  /**
   * Hands every stored measurement whose {@code measurement_start_time} (UTC) is at or after {@code since} to
   * {@code sink}, oldest first, exactly as it was stored.
   */
  void export(LocalDateTime since, Sink sink) throws IOException;

  /**
   * Per day (of {@code measurement_start_time}) and network, from {@code from} (inclusive) to {@code to}
   * (exclusive): how many measurements, how many of them blocked, and the signals of the blocked ones (the methods
   * seen). Ordered by day, then network.
   */
  List<NetworkDay> blockedPerNetworkPerDay(LocalDateTime from, LocalDateTime to) throws IOException;

  /** Per day and verdict, the measurements of one domain (an input's host) from {@code from} to {@code to}. */
  List<DomainDay> domainHistory(String domain, LocalDateTime from, LocalDateTime to) throws IOException;

  @Override
  void close() throws IOException;

  /** One stored measurement as it was received and signed. */
  record Stored(String uid, String keyId, Instant receivedAt, String measurementJson, String signatureJson) {}

  /** Receives stored measurements one at a time. */
  interface Sink {
    void accept(Stored measurement) throws IOException;
  }

  /** @param probeAsn as in the measurement ({@code AS9198}) */
  record NetworkDay(LocalDate day, String probeAsn, long measurements, long blocked, SortedSet<String> methods) {}

  record DomainDay(LocalDate day, String verdict, long measurements) {}
}
