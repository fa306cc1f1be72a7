package org.kuzet.backend.helper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.kuzet.backend.http.PublicServer;
import org.kuzet.backend.http.ServerLimits;
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
 * {@code maxBodyBytes}, at most {@value #MAX_ENDPOINTS} entries in tcp_connect and a few addresses per family
 * measured ({@link ControlMeasurer}), one bounded pool of step threads for all requests, and no connection to
 * loopback, private or other bogon addresses (no SSRF into the operator's network) unless
 * {@code allowPrivate}, which exists for test networks. Bad requests (forwarded headers that are not valid HTTP
 * fields too) get 400 with the reason, other methods than POST 405. Slow and idle clients are cut by the HTTP
 * server ({@link PublicServer}, {@link #DEFAULT_LIMITS}); a request's body is read before it takes a slot.
 */
public final class TestHelperServer implements AutoCloseable {
  static final int MAX_ENDPOINTS = 64;
  /**
   * The HTTP server's bounds: {@link ServerLimits#DEFAULTS} with a 10 s body deadline, as a control request is at
   * most {@code maxRequestBytes} (64 KiB).
   */
  public static final ServerLimits DEFAULT_LIMITS = ServerLimits.DEFAULTS.withBodyTimeout(Duration.ofSeconds(10));

  private final Config config;
  private PublicServer server;
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
      IpDatabase ipDatabase,
      ServerLimits limits) {
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
      Objects.requireNonNull(limits, "limits");
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
    private ServerLimits limits = DEFAULT_LIMITS;

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
    /** Connection, thread and timing bounds of the HTTP server ({@link #DEFAULT_LIMITS}). */
    public Builder limits(ServerLimits l) { limits = l; return this; }

    public Config build() {
      return new Config(listen, tls, resolver, allowPrivate, maxInflight, maxRequestBytes, maxBodyBytes, dnsTimeout,
          connectTimeout, tlsTimeout, httpTimeout, trustRoots == null ? TrustRoots.bundled() : trustRoots,
          ipDatabase, limits);
    }
  }

  private TestHelperServer(Config config) {
    this.config = config;
    // One bounded pool for the steps of all requests (DNS, TCP, TLS, the fetch), not a thread per endpoint. Each
    // request in flight blocks at most one of its threads on other jobs (the fetch waits for redirect lookups), so
    // twice the in-flight bound plus a few always leaves threads for the jobs waited on.
    int threads = stepThreads(config.maxInflight());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons("kuzet-helper-step"));
    pool.allowCoreThreadTimeOut(true);
    this.steps = pool;
    this.base = new OkHttpClient.Builder().build();
    InetSocketAddress resolver = config.resolver() != null ? config.resolver() : systemResolver();
    // The shipped table takes a moment to load: start now, so the first request rarely waits for it.
    CompletableFuture<IpDatabase> ipDatabase = config.ipDatabase() != null
        ? CompletableFuture.completedFuture(config.ipDatabase())
        : CompletableFuture.supplyAsync(() -> BundledIpDatabase.DB, steps);
    this.measurer = new ControlMeasurer(config, steps, base, resolver, ipDatabase::join);
    this.inflight = new Semaphore(config.maxInflight());
  }

  /** Threads of the step pool shared by all requests. */
  static int stepThreads(int maxInflight) {
    return 2 * maxInflight + 8;
  }

  /** The shipped IP table, loaded once per process however many helpers it runs (tests run many). */
  private static final class BundledIpDatabase {
    static final IpDatabase DB = IpDatabase.bundled();
  }

  /** Binds and starts serving; errors (address in use, not local) name the address. */
  public static TestHelperServer start(Config config) throws IOException {
    TestHelperServer helper = new TestHelperServer(config);
    // Every measurement in flight holds a thread of the server's pool while it waits for its steps.
    ServerLimits limits = config.limits().withMaxThreads(Math.max(config.limits().maxThreads(),
        config.maxInflight() + 16));
    try {
      helper.server = PublicServer.start("helper", config.listen(), config.tls(), limits, new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          helper.handle(request, response, callback);
          return true;
        }
      });
    } catch (java.net.BindException e) {
      helper.closeMeasurer();
      throw new IOException("cannot listen on " + config.listen().getHostString() + ":" + config.listen().getPort()
          + ": " + e.getMessage(), e);
    } catch (IOException e) {
      helper.closeMeasurer();
      throw e;
    }
    return helper;
  }

  /** The bound address (the real port when the config asked for port 0). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Connections open to the helper now. */
  int openConnections() {
    return server.connections();
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

  private void handle(Request request, Response response, Callback callback) {
    if (!"POST".equals(request.getMethod())) {
      error(response, callback, 405, "method " + request.getMethod() + " not allowed: POST a JSON control request",
          Map.of("Allow", "POST"), false);
      return;
    }
    String declared = request.getHeaders().get("Content-Length");
    if (declared != null && parseLong(declared) > config.maxRequestBytes()) {
      error(response, callback, 413, "request body of " + declared + " bytes exceeds the "
          + config.maxRequestBytes() + "-byte limit", Map.of(), true);
      return;
    }
    // The body is read before a measurement slot is taken: a slow client holds a connection, never a slot.
    server.readBody(request, callback, config.maxRequestBytes(), new PublicServer.BodySink() {
      @Override
      public void received(byte[] body) {
        measure(body, response, callback);
      }

      @Override
      public void tooLarge(long limit) {
        error(response, callback, 413, "request body exceeds the " + limit + "-byte limit", Map.of(), true);
      }

      @Override
      public void failed(int status, String reason) {
        error(response, callback, status, reason, status == 503 ? Map.of("Retry-After", "1") : Map.of(), true);
      }
    });
  }

  private void measure(byte[] body, Response response, Callback callback) {
    if (!inflight.tryAcquire()) {
      error(response, callback, 503, "busy: " + config.maxInflight() + " control requests already in flight",
          Map.of("Retry-After", "1"), false);
      return;
    }
    try {
      serve(body, response, callback);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
    } finally {
      inflight.release();
    }
  }

  private void serve(byte[] body, Response response, Callback callback) throws IOException, InterruptedException {
    ControlRequest request;
    try {
      request = MeasurementJson.mapper().readValue(body, ControlRequest.class);
    } catch (ValueInstantiationException e) {
      error(response, callback, 400, "bad control request: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      return;
    } catch (JsonProcessingException e) {
      error(response, callback, 400, "malformed JSON: " + e.getOriginalMessage());
      return;
    }
    if (request == null) {
      error(response, callback, 400, "malformed JSON: the body is empty or null; POST a JSON control request");
      return;
    }
    HttpUrl url = HttpUrl.parse(request.httpRequest());
    if (url == null) {
      error(response, callback, 400, "http_request: \"" + request.httpRequest()
          + "\" is not an http:// or https:// URL");
      return;
    }
    String headerProblem = headerProblem(request.httpRequestHeaders());
    if (headerProblem != null) {
      error(response, callback, 400, headerProblem);
      return;
    }
    if (request.tcpConnect().size() > MAX_ENDPOINTS) {
      error(response, callback, 400, "tcp_connect: " + request.tcpConnect().size() + " endpoints, at most "
          + MAX_ENDPOINTS);
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
        error(response, callback, 400, "tcp_connect[" + i + "]: \"" + e + "\" is not ip:port ("
            + bad.getMessage() + ")");
        return;
      }
    }
    ControlResponse answer = measurer.measure(url, request.httpRequestHeaders(), probe);
    PublicServer.send(response, callback, 200, "application/json", MeasurementJson.mapper().writeValueAsBytes(answer),
        Map.of(), false);
  }

  /**
   * Why {@code headers} cannot be sent as HTTP header fields, or null: names must be RFC 9110 tokens, values
   * visible ASCII with spaces and tabs inside (no line break, NUL, other control or non-ASCII character, which
   * would split or corrupt the helper's own request).
   */
  static String headerProblem(Map<String, List<String>> headers) {
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      String name = h.getKey();
      if (name == null || name.isEmpty()) {
        return "http_request_headers: an empty header name";
      }
      for (int i = 0; i < name.length(); i++) {
        if (!isTokenChar(name.charAt(i))) {
          return "http_request_headers: header name " + quote(name) + " has " + describe(name.charAt(i))
              + " at position " + i + "; a name is letters, digits and !#$%&'*+-.^_`|~ only";
        }
      }
      for (String value : h.getValue()) {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (!(c == ' ' || c == '\t' || c >= 0x21 && c <= 0x7e)) {
            return "http_request_headers: the value of " + name + " has " + describe(c) + " at position " + i
                + "; a value is visible ASCII, spaces and tabs only";
          }
        }
      }
    }
    return null;
  }

  private static boolean isTokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String describe(char c) {
    return switch (c) {
      case '\r' -> "a carriage return";
      case '\n' -> "a line feed";
      case 0 -> "a NUL";
      default -> c < 0x20 || c == 0x7f ? String.format("the control character U+%04X", (int) c)
          : c > 0x7e ? String.format("the non-ASCII character U+%04X", (int) c)
          : "'" + c + "'";
    };
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c <= 0x7e ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.append('"').toString();
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void error(Response response, Callback callback, int code, String reason) {
    error(response, callback, code, reason, Map.of(), false);
  }

  private static void error(Response response, Callback callback, int code, String reason,
      Map<String, String> headers, boolean close) {
    byte[] body;
    try {
      body = MeasurementJson.mapper().writeValueAsBytes(Map.of("error", reason));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of one string always encodes", e);
    }
    PublicServer.send(response, callback, code, "application/json", body, headers, close);
  }

  private static java.util.concurrent.ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops listening, lets measurements in flight finish (up to the stop timeout, then abandons them: their probes
   * get a closed connection).
   */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    closeMeasurer();
  }

  private void closeMeasurer() {
    base.dispatcher().cancelAll();
    steps.shutdownNow();
    base.dispatcher().executorService().shutdown();
    base.connectionPool().evictAll();
  }
}
