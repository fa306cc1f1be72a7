package org.kuzet.backend.http;

import java.time.Duration;
import java.util.List;

/**
 * What one client may cost a server that faces the internet ({@link PublicServer}). Every bound holds per
 * connection or per process, so a crowd of slow or idle clients runs into a limit instead of into the honest
 * clients. The defaults are documented in docs/COLLECTOR.md and probe-backend/README.md.
 *
 * @param maxConnections connections open at once; beyond it the server stops accepting until one closes (new
 *     clients wait in the kernel's backlog)
 * @param maxThreads request threads (the work after a request's body has arrived; reading headers and bodies holds
 *     no thread)
 * @param maxQueued tasks waiting for a thread; beyond it the connection is closed
 * @param idleTimeout longest silence on a connection while a request is read or an answer written
 * @param headerTimeout from a connection's start, or the end of its previous answer, until the next request's
 *     headers are complete: a client trickling header bytes (slowloris) or idling between requests is closed then
 * @param bodyTimeout longest time to receive one request body, however fast it trickles
 * @param minBodyRate bytes per second a body must arrive at, measured over every {@code rateWindow}
 * @param rateWindow the span over which {@code minBodyRate} is checked
 * @param maxHeaderBytes request line and headers together; beyond it 431
 * @param stopTimeout on stop, how long requests in progress may take to finish before they are cut
 * @param maxBufferedBytes request body bytes held in memory at once, over all requests being received or served;
 *     a body that would go beyond it is answered 503 (default: a quarter of the heap)
 */
public record ServerLimits(
    int maxConnections,
    int maxThreads,
    int maxQueued,
    Duration idleTimeout,
    Duration headerTimeout,
    Duration bodyTimeout,
    long minBodyRate,
    Duration rateWindow,
    int maxHeaderBytes,
    Duration stopTimeout,
    long maxBufferedBytes) {

  /** The defaults; see the class comment for what each bounds. */
  public static final ServerLimits DEFAULTS = new ServerLimits(512, 64, 256, Duration.ofSeconds(30),
      Duration.ofSeconds(10), Duration.ofSeconds(120), 1024, Duration.ofSeconds(5), 8 << 10, Duration.ofSeconds(30),
      Runtime.getRuntime().maxMemory() / 4);

  public ServerLimits {
    if (maxConnections < 1 || maxThreads < 8 || maxQueued < 1 || minBodyRate < 0 || maxHeaderBytes < 1024
        || maxBufferedBytes < 1024) {
      throw new IllegalArgumentException("server limits out of range: connections " + maxConnections + ", threads "
          + maxThreads + " (at least 8), queue " + maxQueued + ", body rate " + minBodyRate + ", header bytes "
          + maxHeaderBytes + ", buffered bytes " + maxBufferedBytes);
    }
    for (Duration d : List.of(idleTimeout, headerTimeout, bodyTimeout, rateWindow, stopTimeout)) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("server timeouts must be positive, got " + d);
      }
    }
  }

  public ServerLimits withMaxConnections(int n) {
    return new ServerLimits(n, maxThreads, maxQueued, idleTimeout, headerTimeout, bodyTimeout, minBodyRate,
        rateWindow, maxHeaderBytes, stopTimeout, maxBufferedBytes);
  }

  public ServerLimits withMaxThreads(int n) {
    return new ServerLimits(maxConnections, n, maxQueued, idleTimeout, headerTimeout, bodyTimeout, minBodyRate,
        rateWindow, maxHeaderBytes, stopTimeout, maxBufferedBytes);
  }

  public ServerLimits withIdleTimeout(Duration d) {
    return new ServerLimits(maxConnections, maxThreads, maxQueued, d, headerTimeout, bodyTimeout, minBodyRate,
        rateWindow, maxHeaderBytes, stopTimeout, maxBufferedBytes);
  }

  public ServerLimits withHeaderTimeout(Duration d) {
    return new ServerLimits(maxConnections, maxThreads, maxQueued, idleTimeout, d, bodyTimeout, minBodyRate,
        rateWindow, maxHeaderBytes, stopTimeout, maxBufferedBytes);
  }

  public ServerLimits withBodyTimeout(Duration d) {
    return new ServerLimits(maxConnections, maxThreads, maxQueued, idleTimeout, headerTimeout, d, minBodyRate,
        rateWindow, maxHeaderBytes, stopTimeout, maxBufferedBytes);
  }

  public ServerLimits withMinBodyRate(long bytesPerSecond, Duration window) {
    return new ServerLimits(maxConnections, maxThreads, maxQueued, idleTimeout, headerTimeout, bodyTimeout,
        bytesPerSecond, window, maxHeaderBytes, stopTimeout, maxBufferedBytes);
  }

  public ServerLimits withStopTimeout(Duration d) {
    return new ServerLimits(maxConnections, maxThreads, maxQueued, idleTimeout, headerTimeout, bodyTimeout,
        minBodyRate, rateWindow, maxHeaderBytes, d, maxBufferedBytes);
  }

  public ServerLimits withMaxBufferedBytes(long n) {
    return new ServerLimits(maxConnections, maxThreads, maxQueued, idleTimeout, headerTimeout, bodyTimeout,
        minBodyRate, rateWindow, maxHeaderBytes, stopTimeout, n);
  }
}
