package org.kuzet.agent.service;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.Instant;
import java.util.List;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.metrics.AgentMetrics;
import org.kuzet.agent.upload.ForwardingUploadQueue;
import org.kuzet.agent.upload.UploadQueue;
import org.kuzet.agent.upload.Uploader;

/**
 * The service's uploads: each {@link #request} drains the queue on one background thread, so the measuring
 * thread never waits for a collector and two drains never overlap. Requests made while a drain is waiting to start
 * are merged into it; one made during a drain runs once more after it (what was stored meanwhile is sent).
 *
 * <p>Consent to upload is read again before each drain and before each batch of it: once it is withdrawn (or
 * no longer agrees to upload) nothing more is sent, whatever asked for the drain (a run, the network coming back).
 */
final class BackgroundUpload implements AutoCloseable {
  private final Uploader uploader;
  private final UploadQueue queue;
  private final ConsentGate consent;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final PrintWriter log;
  private final Messages messages;
  /** After a drain ended by an unexpected error (not a collector that is down: the uploader's backoff does that). */
  static final Duration RETRY_AFTER_ERROR = Duration.ofMinutes(5);

  private final Duration retryAfterError;
  private final AtomicBoolean waiting = new AtomicBoolean();
  private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "kuzet-upload");
    t.setDaemon(true);
    return t;
  });

  BackgroundUpload(Uploader uploader, UploadQueue queue, ConsentGate consent, AgentMetrics metrics, Clock clock,
      PrintWriter log) {
    this(uploader, queue, consent, metrics, clock, log, RETRY_AFTER_ERROR);
  }

  BackgroundUpload(Uploader uploader, UploadQueue queue, ConsentGate consent, AgentMetrics metrics, Clock clock,
      PrintWriter log, Duration retryAfterError) {
    this(uploader, queue, consent, metrics, clock, log, retryAfterError, Messages.english());
  }

  /** {@code messages}: the language of the log lines (their counts and times stay as they are). */
  BackgroundUpload(Uploader uploader, UploadQueue queue, ConsentGate consent, AgentMetrics metrics, Clock clock,
      PrintWriter log, Duration retryAfterError, Messages messages) {
    this.messages = messages;
    this.uploader = uploader;
    this.queue = consented(queue, consent);
    this.consent = consent;
    this.metrics = metrics;
    this.clock = clock;
    this.log = log;
    this.retryAfterError = retryAfterError;
    // Stopping does not wait for a retry planned minutes ahead: the queue keeps everything for the next start.
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Asks for a drain ({@code why}: "after the run", "network back"); returns at once. */
  void request(String why) {
    if (!waiting.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(() -> {
        waiting.set(false);
        drain(why);
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      waiting.set(false); // the service is stopping: the queue keeps everything for the next start
    }
  }

  /** {@code queue}, offering nothing more once consent to upload is gone (read before each batch). */
  private static UploadQueue consented(UploadQueue queue, ConsentGate consent) {
    return new ForwardingUploadQueue(queue) {
      @Override
      public List<QueuedMeasurement> due(int max, Instant now) {
        return consent.now().upload() ? super.due(max, now) : List.of();
      }

      @Override
      public List<DueMeasurement> dueSizes(int max, Instant now) {
        return consent.now().upload() ? super.dueSizes(max, now) : List.of();
      }
    };
  }

  private void drain(String why) {
    ConsentGate.State allowed = consent.now();
    if (!allowed.upload()) {
      say(messages.get("service.upload.skipped", why, allowed.measure() ? messages.get("service.upload.notAgreed")
          : allowed.reason()));
      return;
    }
    try {
      Uploader.Result r = uploader.drain(queue);
      if (r.uploaded() + r.duplicate() > 0) {
        // The queue depth gauge reads the store itself (bound by the wiring), so it also counts new measurements.
        metrics.uploadSucceeded(clock.instant());
      }
      if (r.uploaded() + r.duplicate() + r.rejected() + r.retried() > 0) {
        say(messages.get("service.upload.done", why, r.uploaded(), r.duplicate(), r.rejected(), r.retried(),
            r.remaining()));
      }
    } catch (Throwable e) {
      // Whatever ends this drain (a full disk, a bug, a heap too small), the upload thread lives on and tries
      // again later. Logged without the exception's text, which may quote a measurement (the volunteer's data).
      say(messages.get("service.upload.failed", why, describe(e),
          org.kuzet.agent.config.Durations.format(retryAfterError)));
      try {
        thread.schedule(() -> request(messages.get("service.upload.why.retry")), retryAfterError.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // stopping: the next start sends what is queued
      }
    }
  }

  private String describe(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      return messages.get("service.outOfMemory");
    }
    if (e instanceof org.kuzet.agent.store.StoreException) {
      return e.getMessage(); // about the database file (locked, full, damaged), never its content
    }
    return messages.get("service.internalError") + " (" + e.getClass().getSimpleName() + ")";
  }

  private void say(String message) {
    synchronized (log) {
      log.println(clock.instant().truncatedTo(ChronoUnit.SECONDS) + " kuzet service: " + message);
      log.flush();
    }
  }

  /** Waits until every drain requested so far has ended (tests; the service never waits for uploads). */
  void awaitIdle() throws InterruptedException {
    try {
      thread.submit(() -> { }).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets a drain in progress finish (bounded by the uploader's timeouts), then stops the thread. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(15, TimeUnit.SECONDS)) {
        thread.shutdownNow(); // an interrupted upload is marked for retry; resending is harmless
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    uploader.close();
  }
}
