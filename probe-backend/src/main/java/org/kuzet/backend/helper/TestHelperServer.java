package org.kuzet.backend.helper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.identity.IpDatabase;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlRequest;
import org.kuzet.schema.control.ControlResponse;
import org.xbill.DNS.ResolverConfig;

/**
 * {@code kuzet helper}: a web connectivity test helper speaking OONI's control protocol. A probe POSTs
 * {@code {http_request, http_request_headers, tcp_connect}}; the helper measures the URL from its own,
 * uncensored vantage point ({@link ControlMeasurer}) and answers {@link ControlResponse} as JSON.
 *
 * <p>Protection for whoever runs it in public: at most {@code maxInflight} measurements at once (503 beyond
 * that, with Retry-After), requests up to {@code maxRequestBytes} (413 beyond), fetched bodies read up to
 * {@code maxBodyBytes}, at most {@value #MAX_ENDPOINTS} probe endpoints per request, and no connection to
 * loopback, private or other bogon addresses (no SSRF into the operator's network) unless
 * {@code allowPrivate}, which exists for test networks. Bad requests get 400 with the reason, other methods
 * than POST 405.
 */
public final class TestHelperServer implements AutoCloseable {
  static final int MAX_ENDPOINTS = 64;

  private final Config config;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ExecutorService steps;
  private final OkHttpClient base;
  private final ControlMeasurer measurer;
  private final Semaphore inflight;

  /**
   * How the helper runs. Build with {@link #builder}.
   *
   * @param listen where to listen; port 0 picks a free one (see {@link TestHelperServer#address()})
   * @param tls a server TLS context to listen with HTTPS, or null for plain HTTP
   * @param resolver the DNS server the helper uses, or null for the machine's first configured nameserver
   * @param trustRoots the roots the helper validates sites' chains with (kuzet's bundled roots by default)
   * @param ipDatabase the table {@code ip_info}'s AS numbers come from, or null for the one shipped with kuzet
   */
  public record Config(
      InetSocketAddress listen,
      SSLContext tls,
      InetSocketAddress resolver,
      boolean allowPrivate,
      int maxInflight,
      int maxRequestBytes,
      long maxBodyBytes,
      Duration dnsTimeout,
      Duration connectTimeout,
      Duration tlsTimeout,
      Duration httpTimeout,
      TrustRoots trustRoots,
      IpDatabase ipDatabase) {
    public Config {
      Objects.requireNonNull(listen, "listen");
      if (maxInflight < 1) {
        throw new IllegalArgumentException("max in-flight requests must be at least 1, got " + maxInflight);
      }
      if (maxRequestBytes < 256) {
        throw new IllegalArgumentException("max request size must be at least 256 bytes, got " + maxRequestBytes);
      }
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("max body size must be positive, got " + maxBodyBytes);
      }
      for (Duration d : List.of(dnsTimeout, connectTimeout, tlsTimeout, httpTimeout)) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("helper timeouts must be positive, got " + d);
        }
      }
      Objects.requireNonNull(trustRoots, "trustRoots");
    }
  }

  public static Builder builder(InetSocketAddress listen) {
    return new Builder(listen);
  }

  /** Defaults: plain HTTP, system resolver, no private addresses, 32 in flight, 64 KiB requests, 16 MiB bodies. */
  public static final class Builder {
    private final InetSocketAddress listen;
    private SSLContext tls;
    private InetSocketAddress resolver;
    private boolean allowPrivate;
    private int maxInflight = 32;
    private int maxRequestBytes = 64 << 10;
    private long maxBodyBytes = 16 << 20;
    private Duration dnsTimeout = Duration.ofSeconds(4);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration tlsTimeout = Duration.ofSeconds(10);
    private Duration httpTimeout = Duration.ofSeconds(15);
    private TrustRoots trustRoots;
    private IpDatabase ipDatabase;

    private Builder(InetSocketAddress listen) {
      this.listen = listen;
    }

    public Builder tls(SSLContext c) { tls = c; return this; }
    public Builder resolver(InetSocketAddress r) { resolver = r; return this; }
    public Builder allowPrivate(boolean b) { allowPrivate = b; return this; }
    public Builder maxInflight(int n) { maxInflight = n; return this; }
    public Builder maxRequestBytes(int n) { maxRequestBytes = n; return this; }
    public Builder maxBodyBytes(long n) { maxBodyBytes = n; return this; }
    public Builder dnsTimeout(Duration d) { dnsTimeout = d; return this; }
    public Builder connectTimeout(Duration d) { connectTimeout = d; return this; }
    public Builder tlsTimeout(Duration d) { tlsTimeout = d; return this; }
    public Builder httpTimeout(Duration d) { httpTimeout = d; return this; }
    public Builder trustRoots(TrustRoots t) { trustRoots = t; return this; }
    public Builder ipDatabase(IpDatabase db) { ipDatabase = db; return this; }

    public Config build() {
      return new Config(listen, tls, resolver, allowPrivate, maxInflight, maxRequestBytes, maxBodyBytes, dnsTimeout,
          connectTimeout, tlsTimeout, httpTimeout, trustRoots == null ? TrustRoots.bundled() : trustRoots,
          ipDatabase);
    }
  }

  private TestHelperServer(Config config, HttpServer server) {
    this.config = config;
    this.server = server;
    this.handlers = Executors.newCachedThreadPool(daemons("kuzet-helper-http"));
    this.steps = Executors.newCachedThreadPool(daemons("kuzet-helper-step"));
    this.base = new OkHttpClient.Builder().build();
    InetSocketAddress resolver = config.resolver() != null ? config.resolver() : systemResolver();
    // The shipped table takes a moment to load: start now, so the first request rarely waits for it.
    CompletableFuture<IpDatabase> ipDatabase = config.ipDatabase() != null
        ? CompletableFuture.completedFuture(config.ipDatabase())
        : CompletableFuture.supplyAsync(() -> BundledIpDatabase.DB, steps);
    this.measurer = new ControlMeasurer(config, steps, base, resolver, ipDatabase::join);
    this.inflight = new Semaphore(config.maxInflight());
    server.createContext("/", this::handle);
    server.setExecutor(handlers);
  }

  /** The shipped IP table, loaded once per process however many helpers it runs (tests run many). */
  private static final class BundledIpDatabase {
    static final IpDatabase DB = IpDatabase.bundled();
  }

  /** Binds and starts serving; errors (address in use, not local) name the address. */
  public static TestHelperServer start(Config config) throws IOException {
    HttpServer server;
    try {
      if (config.tls() != null) {
        HttpsServer https = HttpsServer.create(config.listen(), 128);
        https.setHttpsConfigurator(new HttpsConfigurator(config.tls()));
        server = https;
      } else {
        server = HttpServer.create(config.listen(), 128);
      }
    } catch (IOException e) {
      throw new IOException("cannot listen on " + config.listen().getHostString() + ":" + config.listen().getPort()
          + ": " + e.getMessage(), e);
    }
    TestHelperServer helper = new TestHelperServer(config, server);
    server.start();
    return helper;
  }

  /** The bound address (the real port when the config asked for port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The URL probes use: {@code http(s)://ip:port/}. */
  public String url() {
    InetSocketAddress a = address();
    return (config.tls() != null ? "https" : "http") + "://"
        + org.kuzet.schema.Endpoints.format(a.getAddress().getHostAddress(), a.getPort()) + "/";
  }

  private static InetSocketAddress systemResolver() {
    List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
    if (servers.isEmpty()) {
      throw new IllegalStateException("no nameserver configured on this machine; start the helper with --resolver");
    }
    return servers.get(0);
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "POST");
        error(ex, 405, "method " + ex.getRequestMethod() + " not allowed: POST a JSON control request");
        return;
      }
      if (!inflight.tryAcquire()) {
        ex.getResponseHeaders().set("Retry-After", "1");
        error(ex, 503, "busy: " + config.maxInflight() + " control requests already in flight");
        return;
      }
      try {
        serve(ex);
      } finally {
        inflight.release();
      }
    } catch (IOException e) {
      // The probe went away mid-exchange; there is nobody left to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve(HttpExchange ex) throws IOException, InterruptedException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && parseLong(declared) > config.maxRequestBytes()) {
      error(ex, 413, "request body of " + declared + " bytes exceeds the " + config.maxRequestBytes() + "-byte limit");
      return;
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(config.maxRequestBytes() + 1);
    }
    if (body.length > config.maxRequestBytes()) {
      error(ex, 413, "request body exceeds the " + config.maxRequestBytes() + "-byte limit");
      return;
    }
    ControlRequest request;
    try {
      request = MeasurementJson.mapper().readValue(body, ControlRequest.class);
    } catch (ValueInstantiationException e) {
      error(ex, 400, "bad control request: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      return;
    } catch (JsonProcessingException e) {
      error(ex, 400, "malformed JSON: " + e.getOriginalMessage());
      return;
    }
    if (request == null) {
      error(ex, 400, "malformed JSON: the body is empty or null; POST a JSON control request");
      return;
    }
    HttpUrl url = HttpUrl.parse(request.httpRequest());
    if (url == null) {
      error(ex, 400, "http_request: \"" + request.httpRequest() + "\" is not an http:// or https:// URL");
      return;
    }
    if (request.tcpConnect().size() > MAX_ENDPOINTS) {
      error(ex, 400, "tcp_connect: " + request.tcpConnect().size() + " endpoints, at most " + MAX_ENDPOINTS);
      return;
    }
    Map<InetSocketAddress, String> probe = new LinkedHashMap<>();
    for (int i = 0; i < request.tcpConnect().size(); i++) {
      String e = request.tcpConnect().get(i);
      try {
        InetSocketAddress a = IpLiterals.parseEndpoint(e == null ? "" : e, 0);
        if (a.getPort() == 0) {
          throw new IllegalArgumentException("no port");
        }
        String ip = e.trim().startsWith("[") ? e.trim().substring(1, e.trim().indexOf(']'))
            : e.trim().substring(0, e.trim().lastIndexOf(':'));
        probe.putIfAbsent(a, ip);
      } catch (IllegalArgumentException bad) {
        error(ex, 400, "tcp_connect[" + i + "]: \"" + e + "\" is not ip:port (" + bad.getMessage() + ")");
        return;
      }
    }
    ControlResponse response = measurer.measure(url, request.httpRequestHeaders(), probe);
    send(ex, 200, MeasurementJson.mapper().writeValueAsBytes(response));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void error(HttpExchange ex, int code, String reason) throws IOException {
    byte[] body = MeasurementJson.mapper().writeValueAsBytes(Map.of("error", reason));
    send(ex, code, body);
  }

  private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static java.util.concurrent.ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops listening and abandons measurements in flight (their probes get a closed connection). */
  @Override
  public void close() {
    server.stop(0);
    base.dispatcher().cancelAll();
    steps.shutdownNow();
    handlers.shutdownNow();
    base.dispatcher().executorService().shutdown();
    base.connectionPool().evictAll();
  }

}
