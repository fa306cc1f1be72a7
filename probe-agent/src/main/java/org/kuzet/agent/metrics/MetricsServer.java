package org.kuzet.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} in Prometheus text format with the JDK's own HTTP server, on a loopback address
 * only: the metrics tell when this machine measured and when its network was cut, which is nobody else's
 * business. One daemon thread; nothing is computed between scrapes.
 */
public final class MetricsServer implements AutoCloseable {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving {@code scrape} on {@code address} (port 0 picks a free one).
   *
   * @throws IllegalArgumentException when the address is not loopback
   */
  public static MetricsServer start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
    Objects.requireNonNull(scrape, "scrape");
    if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("metrics are served on a loopback address only, not " + address);
    }
    HttpServer server = HttpServer.create(address, 4);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
          respond(exchange, 404, "text/plain; charset=utf-8", "not found; metrics are at /metrics\n");
        } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
          respond(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
        } else {
          respond(exchange, 200, CONTENT_TYPE, scrape.get());
        }
      }
    });
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kuzet-metrics");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return new MetricsServer(server);
  }

  private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The bound address (with the actual port). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
