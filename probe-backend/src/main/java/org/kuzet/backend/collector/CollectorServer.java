package org.kuzet.backend.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.kuzet.backend.http.PublicServer;
import org.kuzet.backend.http.ServerLimits;
import org.kuzet.schema.upload.ErrorResponse;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.ItemStatus;
import org.kuzet.schema.upload.UploadProtocol;
import org.kuzet.schema.upload.UploadResponse;

/**
 * The collector: takes batches of signed measurements at {@code POST /api/v1/measurements} (docs/COLLECTOR.md),
 * verifies each signature, stores new UIDs in a {@link CollectorStore} and answers per item. Concurrent uploads'
 * verified rows are stored together, in as few transactions as the store allows ({@link GroupCommit}); each upload
 * is answered once its own rows are committed.
 *
 * <p>Bounded: a body over {@code maxBodyBytes} on the wire, JSON over {@link #maxJsonBytes} (gunzipped or not; it
 * fits the heap, see {@link #defaultMaxJsonBytes}) or more than {@code maxItems} measurements is refused with
 * 413, and more than {@code maxInflight} uploads at once are refused with 503 rather than queued. The HTTP
 * server ({@link PublicServer}) cuts slow and idle connections; a body is read before a slot is taken. Whole-request problems (bad
 * gzip, malformed JSON, wrong shape) are 400 with a reason; a bad item is only that item's {@code rejected}.
 *
 * <p>The uploader's address is never read: not stored, not logged, not passed to the store.
 */
public final class CollectorServer implements AutoCloseable {
  public static final long DEFAULT_MAX_BODY_BYTES = UploadProtocol.DEFAULT_MAX_BODY_BYTES;
  public static final int DEFAULT_MAX_INFLIGHT = 4;
  public static final int DEFAULT_MAX_ITEMS = 1000;
  /** How much larger than the wire body the gunzipped body may be (a measurement compresses ~5-10×). */
  public static final int GUNZIP_FACTOR = 16;
  /** The JSON text of one upload in flight may take up to this fraction of the heap (see defaultMaxJsonBytes). */
  static final int HEAP_SHARE = 8;
  /**
   * The HTTP server's bounds: {@link ServerLimits#DEFAULTS} (a body at 1 KiB/s at least, 120 s at most; headers
   * within 10 s; 512 connections).
   */
  public static final ServerLimits DEFAULT_LIMITS = ServerLimits.DEFAULTS;
  /** Answered with every 503, in seconds. */
  static final int RETRY_AFTER_SECONDS = 10;
  /**
   * Uploads are stored together up to this many measurements per transaction; a bigger batch goes alone. Small
   * uploads gain most from sharing; big ones gain nothing and would only hold a writer longer.
   */
  static final int SHARED_TRANSACTION_ROWS = 200;
  /** How long an upload's verified rows may wait for a writer before the upload is answered 503. */
  public static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(30);

  private final PublicServer server;
  private final Clock clock;
  private final long maxBodyBytes;
  private final long maxJsonBytes;
  private final int maxItems;
  private final int maxInflight;
  /** Upload slots: {@link #maxInflight} permits, one taken per upload being processed. */
  private final Semaphore inflight;
  private final GroupCommit writer;
  private final Duration queueWait;
  private final boolean tls;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private CollectorServer(Builder b) throws IOException {
    this.clock = b.clock;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxJsonBytes = b.maxJsonBytes > 0 ? b.maxJsonBytes : defaultMaxJsonBytes(b.maxBodyBytes, b.maxInflight);
    this.maxItems = b.maxItems;
    this.maxInflight = b.maxInflight;
    this.inflight = new Semaphore(b.maxInflight);
    this.tls = b.sslContext != null;
    this.queueWait = b.queueWait;
    // Whatever --max-inflight lets in fits the queue unless the builder bounds it tighter.
    int queued = b.maxQueuedRows > 0 ? b.maxQueuedRows : (int) Math.min(Integer.MAX_VALUE,
        (long) b.maxInflight * b.maxItems);
    this.writer = new GroupCommit(b.store, b.store.writers(), queued, SHARED_TRANSACTION_ROWS);
    // Every upload in progress holds a thread of the pool while it verifies and waits for its transaction.
    ServerLimits limits = b.limits.withMaxThreads(Math.max(b.limits.maxThreads(), b.maxInflight + 16));
    try {
      this.server = PublicServer.start("collector", b.address, b.sslContext, limits, new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          CollectorServer.this.handle(new Exchange(request, response, callback));
          return true;
        }
      });
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  /**
   * The default bound on a batch's JSON text (gunzipped): {@value #GUNZIP_FACTOR} times the body limit, but no
   * more than a {@value #HEAP_SHARE}th of the heap per upload in flight, as the parsed tree of a batch takes
   * several times its text. With {@code -Xmx256m} and 4 uploads at once: 8 MiB.
   */
  static long defaultMaxJsonBytes(long maxBodyBytes, int maxInflight) {
    long heapShare = Runtime.getRuntime().maxMemory() / HEAP_SHARE / maxInflight;
    return Math.max(1024, Math.min(maxBodyBytes * GUNZIP_FACTOR, heapShare));
  }

  public static Builder builder(CollectorStore store) {
    return new Builder(store);
  }

  /** The bound address (with the real port when the builder asked for port 0). */
  public InetSocketAddress address() {
    return server.address();
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

  /**
   * Counts since start: measurements accepted, duplicates and rejections; uploads in progress now; store
   * transactions (fewer than uploads when concurrent uploads were stored together).
   */
  public Stats stats() {
    return new Stats(accepted.get(), duplicates.get(), rejected.get(), maxInflight - inflight.availablePermits(),
        writer.transactions());
  }

  public record Stats(long accepted, long duplicates, long rejected, int inFlight, long transactions) {}

  /** The bound on a batch's JSON text, gunzipped or not; beyond it 413. */
  public long maxJsonBytes() {
    return maxJsonBytes;
  }

  /**
   * Stops listening and lets uploads in progress finish (up to the stop timeout, 30 s by default). Does not close
   * the store (the caller owns it).
   */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      writer.close();
    }
  }

  /** Measurements verified and waiting for a transaction now. */
  public int queuedMeasurements() {
    return writer.queuedRows();
  }

  private void handle(Exchange exchange) {
    if (!UploadProtocol.PATH.equals(exchange.request.getHttpURI().getPath())) {
      error(exchange, 404, "no such endpoint; measurements go to POST " + UploadProtocol.PATH);
      return;
    }
    if (!"POST".equals(exchange.request.getMethod())) {
      exchange.headers.put("Allow", "POST");
      error(exchange, 405, exchange.request.getMethod() + " is not allowed; use POST");
      return;
    }
    String type = exchange.request.getHeaders().get("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(UploadProtocol.CONTENT_TYPE)) {
      error(exchange, 415, "Content-Type " + type + " is not supported; send " + UploadProtocol.CONTENT_TYPE);
      return;
    }
    String encoding = exchange.request.getHeaders().get("Content-Encoding");
    boolean gzip = encoding != null && encoding.equalsIgnoreCase(UploadProtocol.CONTENT_ENCODING);
    if (encoding != null && !gzip && !encoding.equalsIgnoreCase("identity")) {
      error(exchange, 415, "Content-Encoding " + encoding + " is not supported; send gzip");
      return;
    }
    String length = exchange.request.getHeaders().get("Content-Length");
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
    // The body is read before an upload slot is taken: a slow uploader holds a connection, never a slot.
    server.readBody(exchange.request, exchange.callback, maxBodyBytes, new PublicServer.BodySink() {
      @Override
      public void received(byte[] body) {
        process(exchange, gzip, body);
      }

      @Override
      public void tooLarge(long limit) {
        CollectorServer.tooLarge(exchange, "body is over this collector's limit of " + limit + " bytes");
      }

      @Override
      public void failed(int status, String reason) {
        if (status == 503) {
          exchange.headers.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        exchange.close = true;
        error(exchange, status, reason + (status == 408 ? "; send faster or smaller batches" : ""));
      }
    });
  }

  private void process(Exchange exchange, boolean gzip, byte[] body) {
    if (!inflight.tryAcquire()) {
      exchange.headers.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
      error(exchange, 503, "busy: too many uploads in progress; retry later");
      return;
    }
    // The slot is given back just before the answer goes out, not after: an uploader that sends its next upload
    // the moment it has this answer must find its own slot free (at --max-inflight it was refused 503 otherwise).
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        inflight.release();
      }
    };
    exchange.beforeAnswer = release;
    try {
      upload(exchange, gzip, body);
    } catch (IOException e) {
      // Only the answer could fail here; the uploader went away and will resend. Nothing to log (nor its address).
      exchange.callback.failed(e);
    } catch (RuntimeException | Error e) {
      // A bug or an exhausted heap: the store rolled the batch back, so a 5xx makes the probe send it again later.
      // The server thread lives on. Neither the measurements nor the uploader are logged.
      if (exchange.sent) {
        exchange.callback.failed(e);
      } else {
        try {
          error(exchange, 500, "internal error; nothing of the batch was stored, retry later");
        } catch (RuntimeException | Error ignored) {
          exchange.callback.failed(e); // the answer could not be sent either; the uploader retries
        }
      }
    } finally {
      release.run();
    }
  }

  private void upload(Exchange exchange, boolean gzip, byte[] body) throws IOException {
    try {
      body = gzip ? gunzip(body) : body;
      if (body.length > maxJsonBytes) {
        throw new TooLarge("body is over this collector's limit of " + maxJsonBytes + " bytes of JSON");
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
    List<ReceivedMeasurement> rows = new ArrayList<>();
    for (JsonNode item : items) {
      ItemVerifier.Checked c = ItemVerifier.check(item, receivedAt);
      checked.add(c);
      if (c.row() != null) {
        rows.add(c.row());
      }
    }
    List<CollectorStore.Outcome> outcomes = List.of();
    if (!rows.isEmpty()) {
      try {
        // Stored with whatever other uploads wait (one transaction for all), answered once committed.
        outcomes = writer.submit(rows).await(queueWait);
      } catch (GroupCommit.Full | GroupCommit.Withdrawn e) {
        exchange.headers.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(exchange, 503, e.getMessage());
        return;
      } catch (IOException e) {
        // Nothing of the batch was stored: a 5xx makes the probe retry it later.
        error(exchange, 500, "storage failed; retry later");
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error(exchange, 503, "the collector is stopping; retry later");
        return;
      }
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
      return readAtMost(in, maxJsonBytes, "gunzipped body");
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

  private static void tooLarge(Exchange exchange, String message) {
    // The rest of the body is not read; closing is cheaper than draining it.
    exchange.close = true;
    error(exchange, 413, message + "; send smaller batches");
  }

  private static void error(Exchange exchange, int status, String message) {
    send(exchange, status, UploadProtocol.encode(new ErrorResponse(message)));
  }

  private static void send(Exchange exchange, int status, byte[] body) {
    exchange.sent = true;
    if (exchange.beforeAnswer != null) {
      exchange.beforeAnswer.run();
    }
    PublicServer.send(exchange.response, exchange.callback, status, UploadProtocol.CONTENT_TYPE, body,
        exchange.headers, exchange.close);
  }

  /** One request and its answer's extra headers. */
  private static final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    final Map<String, String> headers = new LinkedHashMap<>();
    boolean close;
    boolean sent;
    /** Run once the answer is ready, before it is written (gives the upload's slot back); null before a slot. */
    Runnable beforeAnswer;

    Exchange(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }
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
    private ServerLimits limits = DEFAULT_LIMITS;
    private long maxJsonBytes;
    private int maxQueuedRows;
    private Duration queueWait = DEFAULT_QUEUE_WAIT;

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

    /** Connection, thread and timing bounds of the HTTP server ({@link #DEFAULT_LIMITS}). */
    public Builder limits(ServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The bound on a batch's JSON text, gunzipped or not; default {@link #defaultMaxJsonBytes}. */
    public Builder maxJsonBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("the JSON limit must be at least 1024 bytes, got " + bytes);
      }
      this.maxJsonBytes = bytes;
      return this;
    }

    /**
     * At most this many verified measurements wait for a transaction; an upload that would go over is answered 503
     * (default: {@code maxInflight × maxItems}, i.e. whatever the upload bound lets in).
     */
    public Builder maxQueuedRows(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("the queue must hold at least one measurement, got " + n);
      }
      this.maxQueuedRows = n;
      return this;
    }

    /** How long an upload may wait for a writer before it is answered 503 ({@link #DEFAULT_QUEUE_WAIT}). */
    public Builder queueWait(Duration wait) {
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("the queue wait must be positive, got " + wait);
      }
      this.queueWait = wait;
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
