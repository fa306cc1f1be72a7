package org.kuzet.backend.collector;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stores the rows of concurrent uploads in as few transactions as the store allows ("group commit"): uploads hand
 * their verified rows to a bounded queue; each of the store's {@link CollectorStore#writers() writers} takes
 * whatever is waiting (up to {@code maxRowsPerTransaction}) and stores it with ONE {@link CollectorStore#store}
 * call, then answers each upload with its own outcomes. One measurement per request then costs a share of a
 * transaction instead of a whole one.
 *
 * <p>Nothing is acknowledged before its transaction has committed. When a shared transaction fails, each upload in
 * it is stored again on its own, so a batch the store cannot take (a bug, a value the database refuses) fails only
 * its own upload; when the database itself fails, each upload gets the failure. A UID in two uploads of one
 * transaction is stored once: the first upload gets {@code STORED}, the other {@code DUPLICATE} (or
 * {@code CONFLICT} for other content), exactly as two concurrent transactions would answer.
 *
 * <p>Bounded: at most {@code maxQueuedRows} rows wait ({@link Full} beyond: answer 503), and an upload not taken by
 * a writer within its wait is withdrawn ({@link Outcomes#await}: answer 503), never stored after its answer.
 */
final class GroupCommit implements AutoCloseable {
  private final CollectorStore store;
  private final int maxQueuedRows;
  private final int maxRowsPerTransaction;
  private final ArrayDeque<Outcomes> queue = new ArrayDeque<>();
  private final List<Thread> writers = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong transactions = new java.util.concurrent.atomic.AtomicLong();
  private int queuedRows;
  private boolean closed;

  /** The queue holds {@code maxQueuedRows} already: the upload is refused, not stored. */
  static final class Full extends Exception {
    Full(String message) {
      super(message, null, false, false);
    }
  }

  /** The upload waited longer than it may for a writer and was withdrawn: nothing of it is stored. */
  static final class Withdrawn extends Exception {
    Withdrawn(String message) {
      super(message, null, false, false);
    }
  }

  GroupCommit(CollectorStore store, int writers, int maxQueuedRows, int maxRowsPerTransaction) {
    this.store = Objects.requireNonNull(store, "store");
    if (writers < 1 || maxQueuedRows < 1 || maxRowsPerTransaction < 1) {
      throw new IllegalArgumentException("writers, queue and transaction sizes must be at least 1");
    }
    this.maxQueuedRows = maxQueuedRows;
    this.maxRowsPerTransaction = maxRowsPerTransaction;
    for (int i = 0; i < writers; i++) {
      Thread t = new Thread(this::writeLoop, "kuzet-collector-writer-" + i);
      t.setDaemon(true);
      this.writers.add(t);
      t.start();
    }
  }

  /** An upload's place in the queue; {@link #await} gives its outcomes once its transaction has committed. */
  final class Outcomes {
    private final List<ReceivedMeasurement> rows;
    private final CompletableFuture<List<CollectorStore.Outcome>> result = new CompletableFuture<>();

    private Outcomes(List<ReceivedMeasurement> rows) {
      this.rows = rows;
    }

    /**
     * The outcome of each row, in order, once committed. Waits at most {@code queueWait} for a writer to take the
     * rows (then withdraws them: {@link Withdrawn}); once taken, until the store answers (its own timeouts bound
     * that).
     *
     * @throws IOException the store failed: nothing of these rows was stored
     */
    List<CollectorStore.Outcome> await(Duration queueWait) throws IOException, Withdrawn, InterruptedException {
      try {
        try {
          return result.get(queueWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (withdraw(this)) {
            throw new Withdrawn("the store is busy: nothing was written within " + queueWait.toSeconds() + " s");
          }
          return result.get(); // being stored now: its answer is the one to give
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  /**
   * Queues {@code rows} for the next transaction.
   *
   * @throws Full when the queue holds its maximum of rows already
   */
  Outcomes submit(List<ReceivedMeasurement> rows) throws Full {
    Outcomes job = new Outcomes(List.copyOf(rows));
    synchronized (queue) {
      if (closed) {
        throw new IllegalStateException("the collector is stopping");
      }
      if (queuedRows > 0 && queuedRows + rows.size() > maxQueuedRows) {
        throw new Full("busy: " + queuedRows + " measurements are waiting to be stored; retry later");
      }
      queue.add(job);
      queuedRows += rows.size();
      queue.notify();
    }
    return job;
  }

  /** Rows waiting for a writer now. */
  int queuedRows() {
    synchronized (queue) {
      return queuedRows;
    }
  }

  /** Store calls made so far (each one transaction; a shared one that failed counts with its retries). */
  long transactions() {
    return transactions.get();
  }

  private boolean withdraw(Outcomes job) {
    synchronized (queue) {
      if (queue.remove(job)) {
        queuedRows -= job.rows.size();
        return true;
      }
      return false;
    }
  }

  private void writeLoop() {
    while (true) {
      List<Outcomes> jobs = new ArrayList<>();
      synchronized (queue) {
        while (queue.isEmpty() && !closed) {
          try {
            queue.wait();
          } catch (InterruptedException e) {
            if (closed) {
              break;
            }
          }
        }
        if (queue.isEmpty()) {
          return; // closed and drained
        }
        int rows = 0;
        while (!queue.isEmpty()
            && (jobs.isEmpty() || rows + queue.peek().rows.size() <= maxRowsPerTransaction)) {
          Outcomes job = queue.poll();
          jobs.add(job);
          rows += job.rows.size();
          queuedRows -= job.rows.size();
        }
      }
      write(jobs);
    }
  }

  private void write(List<Outcomes> jobs) {
    if (jobs.size() == 1) {
      writeAlone(jobs.get(0));
      return;
    }
    List<ReceivedMeasurement> all = new ArrayList<>();
    for (Outcomes job : jobs) {
      all.addAll(job.rows);
    }
    List<CollectorStore.Outcome> outcomes;
    try {
      transactions.incrementAndGet();
      outcomes = store.store(all);
      if (outcomes.size() != all.size()) {
        throw new IllegalStateException("store answered " + outcomes.size() + " outcomes for " + all.size());
      }
    } catch (IOException | RuntimeException | Error e) {
      // Nothing of the shared transaction was stored: each upload again in its own, so one batch that cannot be
      // stored fails alone (when the database is down, each fails in turn).
      for (Outcomes job : jobs) {
        writeAlone(job);
      }
      return;
    }
    int from = 0;
    for (Outcomes job : jobs) {
      job.result.complete(List.copyOf(outcomes.subList(from, from + job.rows.size())));
      from += job.rows.size();
    }
  }

  private void writeAlone(Outcomes job) {
    try {
      transactions.incrementAndGet();
      List<CollectorStore.Outcome> outcomes = store.store(job.rows);
      if (outcomes.size() != job.rows.size()) {
        throw new IllegalStateException("store answered " + outcomes.size() + " outcomes for " + job.rows.size());
      }
      job.result.complete(outcomes);
    } catch (IOException | RuntimeException | Error e) {
      job.result.completeExceptionally(e);
    }
  }

  /** Lets the writers store what is queued, then stops them. */
  @Override
  public void close() {
    synchronized (queue) {
      closed = true;
      queue.notifyAll();
    }
    for (Thread t : writers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
