package org.kuzet.backend.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLContext;
import org.kuzet.schema.upload.ErrorResponse;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.ItemStatus;
import org.kuzet.schema.upload.UploadProtocol;
import org.kuzet.schema.upload.UploadResponse;

/**
 * The collector: takes batches of signed measurements at {@code POST /api/v1/measurements} (docs/COLLECTOR.md),
 * verifies each signature, stores new UIDs in a {@link CollectorStore} and answers per item.
 *
 * <p>Bounded: a body over {@code maxBodyBytes} (on the wire or after gunzip, {@code maxBodyBytes ×
 * }{@value #GUNZIP_FACTOR}) or with more than {@code maxItems} measurements is refused with 413, and more than
 * {@code maxInflight} uploads at once are refused with 503 rather than queued. Whole-request problems (bad
 * gzip, malformed JSON, wrong shape) are 400 with a reason; a bad item is only that item's {@code rejected}.
 *
 * <p>The uploader's address is never read: not stored, not logged, not passed to the store.
 */
public final class CollectorServer implements AutoCloseable {
  public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
  public static final int DEFAULT_MAX_INFLIGHT = 4;
  public static final int DEFAULT_MAX_ITEMS = 1000;
  /** How much larger than the wire body the gunzipped body may be (a measurement compresses ~5-10×). */
  public static final int GUNZIP_FACTOR = 16;
  /** Answered with every 503, in seconds. */
  static final int RETRY_AFTER_SECONDS = 10;

  private final HttpServer server;
  private final ExecutorService workers;
  private final CollectorStore store;
  private final Clock clock;
  private final long maxBodyBytes;
  private final int maxItems;
  private final Semaphore inflight;
  private final boolean tls;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicInteger busy = new AtomicInteger();

  private CollectorServer(Builder b) throws IOException {
    this.store = b.store;
    this.clock = b.clock;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxItems = b.maxItems;
    this.inflight = new Semaphore(b.maxInflight);
    this.tls = b.sslContext != null;
    if (tls) {
      HttpsServer https = HttpsServer.create(b.address, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(b.sslContext));
      this.server = https;
    } else {
      this.server = HttpServer.create(b.address, 64);
    }
    // A few threads beyond the limit, so a request over it is answered 503 at once instead of waiting for a
    // worker; requests beyond those wait in the accept queue.
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(b.maxInflight + 2, r -> {
      Thread t = new Thread(r, "kuzet-collector-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext("/", this::handle);
    server.start();
  }

  public static Builder builder(CollectorStore store) {
    return new Builder(store);
  }

  /** The bound address (with the real port when the builder asked for port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The upload URL, e.g. {@code https://127.0.0.1:8443/api/v1/measurements}. */
  public URI uploadUri() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + a.getPort() + UploadProtocol.PATH);
  }

  /** Counts since start: measurements accepted, duplicates and rejections; uploads in progress now. */
  public Stats stats() {
    return new Stats(accepted.get(), duplicates.get(), rejected.get(), busy.get());
  }

  public record Stats(long accepted, long duplicates, long rejected, int inFlight) {}

  /** Stops listening and ends uploads in progress. Does not close the store (the caller owns it). */
  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      if (!UploadProtocol.PATH.equals(exchange.getRequestURI().getPath())) {
        error(exchange, 404, "no such endpoint; measurements go to POST " + UploadProtocol.PATH);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        error(exchange, 405, exchange.getRequestMethod() + " is not allowed; use POST");
        return;
      }
      if (!inflight.tryAcquire()) {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(exchange, 503, "busy: too many uploads in progress; retry later");
        return;
      }
      busy.incrementAndGet();
      try {
        upload(exchange);
      } finally {
        busy.decrementAndGet();
        inflight.release();
      }
    } catch (IOException e) {
      // The uploader went away mid-request; it will resend. Nothing to log (and never its address).
    } catch (RuntimeException | Error e) {
      // A bug or an exhausted heap: the store rolled the batch back, so a 5xx makes the probe send it again later.
      // The worker thread lives on. Neither the measurements nor the uploader are logged.
      try {
        error(exchange, 500, "internal error; nothing of the batch was stored, retry later");
      } catch (IOException | RuntimeException | Error ignored) {
        // the answer could not be sent either; the uploader retries
      }
    } finally {
      exchange.close();
    }
  }

  private void upload(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(UploadProtocol.CONTENT_TYPE)) {
      error(exchange, 415, "Content-Type " + type + " is not supported; send " + UploadProtocol.CONTENT_TYPE);
      return;
    }
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    boolean gzip = encoding != null && encoding.equalsIgnoreCase(UploadProtocol.CONTENT_ENCODING);
    if (encoding != null && !gzip && !encoding.equalsIgnoreCase("identity")) {
      error(exchange, 415, "Content-Encoding " + encoding + " is not supported; send gzip");
      return;
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        error(exchange, 400, "Content-Length \"" + length + "\" is not a number");
        return;
      }
      if (declared > maxBodyBytes) {
        tooLarge(exchange, "body of " + declared + " bytes is over this collector's limit of " + maxBodyBytes);
        return;
      }
    }
    byte[] body;
    try {
      body = readAtMost(exchange.getRequestBody(), maxBodyBytes, "body");
      if (gzip) {
        body = gunzip(body);
      }
    } catch (TooLarge e) {
      tooLarge(exchange, e.getMessage());
      return;
    } catch (BadGzip e) {
      error(exchange, 400, e.getMessage());
      return;
    }

    JsonNode root;
    try {
      root = UploadProtocol.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      error(exchange, 400, "malformed JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()));
      return;
    }
    String shape = shapeProblem(root);
    if (shape != null) {
      error(exchange, 400, shape);
      return;
    }
    JsonNode items = root.get("measurements");
    if (items.size() > maxItems) {
      tooLarge(exchange, "batch of " + items.size() + " measurements; at most " + maxItems + " per request");
      return;
    }

    Instant receivedAt = clock.instant();
    List<ItemVerifier.Checked> checked = new ArrayList<>(items.size());
    List<StoredMeasurement> rows = new ArrayList<>();
    for (JsonNode item : items) {
      ItemVerifier.Checked c = ItemVerifier.check(item, receivedAt);
      checked.add(c);
      if (c.row() != null) {
        rows.add(c.row());
      }
    }
    List<CollectorStore.Outcome> outcomes;
    try {
      outcomes = rows.isEmpty() ? List.of() : store.store(rows);
    } catch (IOException e) {
      // Nothing of the batch was stored: a 5xx makes the probe retry it later.
      error(exchange, 500, "storage failed; retry later");
      return;
    }
    if (outcomes.size() != rows.size()) {
      throw new IllegalStateException("store answered " + outcomes.size() + " outcomes for " + rows.size());
    }

    List<ItemResult> results = new ArrayList<>(checked.size());
    Iterator<CollectorStore.Outcome> next = outcomes.iterator();
    for (ItemVerifier.Checked c : checked) {
      if (c.row() == null) {
        results.add(ItemResult.rejected(c.uid(), c.reason()));
        rejected.incrementAndGet();
        continue;
      }
      switch (next.next()) {
        case STORED -> {
          results.add(ItemResult.accepted(c.uid()));
          accepted.incrementAndGet();
        }
        case DUPLICATE -> {
          results.add(ItemResult.duplicate(c.uid()));
          duplicates.incrementAndGet();
        }
        case CONFLICT -> {
          results.add(ItemResult.rejected(c.uid(),
              "uid conflict: a different measurement is already stored under this measurement_uid"));
          rejected.incrementAndGet();
        }
      }
    }
    // A batch of which nothing could be taken is a 400, still with one reason per item; otherwise 200.
    boolean noneTaken = !results.isEmpty() && results.stream().allMatch(r -> r.status() == ItemStatus.REJECTED);
    send(exchange, noneTaken ? 400 : 200, UploadProtocol.encode(new UploadResponse(results)));
  }

  private static String shapeProblem(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      return "empty body; expected {\"measurements\": [...]}";
    }
    if (!root.isObject()) {
      return "the body must be a JSON object {\"measurements\": [...]}, not " + root.getNodeType();
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals("measurements")) {
        return "unknown member \"" + name + "\" in the batch; expected only \"measurements\"";
      }
    }
    JsonNode items = root.get("measurements");
    if (items == null || !items.isArray()) {
      return "\"measurements\" must be an array of {\"measurement\": {…}, \"signature\": {…}}";
    }
    return null;
  }

  private byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return readAtMost(in, maxBodyBytes * GUNZIP_FACTOR, "gunzipped body");
    } catch (ZipException | EOFException e) {
      throw new BadGzip("body is not valid gzip (" + e.getMessage() + ")");
    }
  }

  private static byte[] readAtMost(InputStream in, long max, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    for (int n; (n = in.read(buf)) != -1; ) {
      total += n;
      if (total > max) {
        throw new TooLarge(what + " is over this collector's limit of " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static void tooLarge(HttpExchange exchange, String message) throws IOException {
    // The rest of the body is not read; closing is cheaper than draining it.
    exchange.getResponseHeaders().set("Connection", "close");
    error(exchange, 413, message + "; send smaller batches");
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    send(exchange, status, UploadProtocol.encode(new ErrorResponse(message)));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", UploadProtocol.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static final class TooLarge extends IOException {
    TooLarge(String message) {
      super(message);
    }
  }

  private static final class BadGzip extends IOException {
    BadGzip(String message) {
      super(message);
    }
  }

  /** Settings of a collector; {@link #start} binds and starts it. */
  public static final class Builder {
    private final CollectorStore store;
    private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    private SSLContext sslContext;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxInflight = DEFAULT_MAX_INFLIGHT;
    private int maxItems = DEFAULT_MAX_ITEMS;
    private Clock clock = Clock.systemUTC();

    private Builder(CollectorStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Where to listen; port 0 picks a free port. Default 127.0.0.1:0. */
    public Builder listen(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Serve HTTPS with this identity (see {@link org.kuzet.backend.tls.ServerTls#fromPem}); default plain HTTP. */
    public Builder tls(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("the body limit must be at least 1024 bytes, got " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    public Builder maxInflight(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("at least one upload must be allowed at a time, got " + n);
      }
      this.maxInflight = n;
      return this;
    }

    public Builder maxItems(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a batch must be allowed at least one measurement, got " + n);
      }
      this.maxItems = n;
      return this;
    }

    /** The clock of {@code received_at}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Binds and starts serving. */
    public CollectorServer start() throws IOException {
      return new CollectorServer(this);
    }
  }
}
