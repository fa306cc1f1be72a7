package org.kuzet.core.connectivity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.kuzet.schema.Failures;

/**
 * Decides whether the network is up before a run, so that targets are not blamed for a shutdown.
 *
 * <p>Order: the local link first ({@link LocalNetwork}); when it is down nothing else is probed. Otherwise every
 * domestic and foreign anchor is probed at once, each with the prober's own short timeout, and the whole check
 * is bounded by {@code budget}: an anchor still running then counts as a timeout. The verdict is
 * {@link ConnectivityCheck#classify}. Thread-safe; {@link #close()} stops the probing threads.
 */
public final class ConnectivityChecker implements AutoCloseable {
  /** The default bound on a whole check: anchors' 3 s step timeouts plus a TLS handshake, with slack. */
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(8);

  private final LocalNetwork local;
  private final AnchorProber prober;
  private final List<Anchor> domestic;
  private final List<Anchor> foreign;
  private final Duration budget;
  private final Clock clock;
  private final ExecutorService pool;

  public ConnectivityChecker(LocalNetwork local, AnchorProber prober, List<Anchor> domestic, List<Anchor> foreign,
      Duration budget, Clock clock) {
    this.local = Objects.requireNonNull(local, "local");
    this.prober = Objects.requireNonNull(prober, "prober");
    this.domestic = List.copyOf(domestic);
    this.foreign = List.copyOf(foreign);
    if (this.foreign.isEmpty()) {
      throw new IllegalArgumentException("at least one foreign anchor is needed to tell online from a shutdown");
    }
    this.budget = Objects.requireNonNull(budget, "budget");
    this.clock = Objects.requireNonNull(clock, "clock");
    AtomicInteger n = new AtomicInteger();
    // One thread per anchor: probes mostly wait on the network, and the anchor lists are short.
    this.pool = Executors.newFixedThreadPool(Math.max(1, this.domestic.size() + this.foreign.size()), r -> {
      Thread t = new Thread(r, "kuzet-connectivity-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public ConnectivityCheck check() throws InterruptedException {
    Instant at = clock.instant();
    LocalNetwork.Link link = local.check();
    if (!link.up()) {
      return new ConnectivityCheck(NetworkState.NO_LOCAL_NETWORK, at, link, List.of(), List.of());
    }
    List<CompletableFuture<AnchorResult>> d = submit(domestic);
    List<CompletableFuture<AnchorResult>> f = submit(foreign);
    long deadline = System.nanoTime() + budget.toNanos();
    List<AnchorResult> dr = collect(domestic, d, deadline);
    List<AnchorResult> fr = collect(foreign, f, deadline);
    return new ConnectivityCheck(ConnectivityCheck.classify(true, dr, fr), at, link, dr, fr);
  }

  private List<CompletableFuture<AnchorResult>> submit(List<Anchor> anchors) {
    List<CompletableFuture<AnchorResult>> out = new ArrayList<>();
    for (Anchor a : anchors) {
      out.add(CompletableFuture.supplyAsync(() -> prober.probe(a), pool));
    }
    return out;
  }

  private static List<AnchorResult> collect(List<Anchor> anchors, List<CompletableFuture<AnchorResult>> futures,
      long deadline) throws InterruptedException {
    List<AnchorResult> out = new ArrayList<>();
    for (int i = 0; i < anchors.size(); i++) {
      CompletableFuture<AnchorResult> future = futures.get(i);
      try {
        out.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        future.cancel(true);
        out.add(new AnchorResult(anchors.get(i), Failures.GENERIC_TIMEOUT));
      } catch (ExecutionException e) {
        // A prober broke its never-throw contract; the anchor did not demonstrably work.
        out.add(new AnchorResult(anchors.get(i), Failures.unknown(String.valueOf(e.getCause()))));
      }
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
