package org.kuzet.backend.collector;

import java.io.IOException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A store that holds every batch until the test lets it go: an upload "being stored" for as long as a test needs.
 * Everything else goes straight to the store it wraps (which the test closes).
 */
final class GatedStore implements CollectorStore {
  /** Counted down when a batch has reached the store. */
  final CountDownLatch storing = new CountDownLatch(1);
  /** Count down to let the held batches be stored. */
  final CountDownLatch letGo = new CountDownLatch(1);
  private final CollectorStore store;

  GatedStore(CollectorStore store) {
    this.store = store;
  }

  @Override
  public List<Outcome> store(List<ReceivedMeasurement> batch) throws IOException {
    storing.countDown();
    try {
      letGo.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return store.store(batch);
  }

  @Override
  public long count() throws IOException {
    return store.count();
  }

  @Override
  public void export(LocalDateTime since, Sink sink) throws IOException {
    store.export(since, sink);
  }

  @Override
  public List<NetworkDay> blockedPerNetworkPerDay(LocalDateTime from, LocalDateTime to) throws IOException {
    return store.blockedPerNetworkPerDay(from, to);
  }

  @Override
  public List<DomainDay> domainHistory(String domain, LocalDateTime from, LocalDateTime to) throws IOException {
    return store.domainHistory(domain, from, to);
  }

  @Override
  public void close() {}
}
