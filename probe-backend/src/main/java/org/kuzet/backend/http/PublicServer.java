package org.kuzet.backend.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTP server under the helper and the collector: Jetty 12 (core handlers) with the {@link ServerLimits} a
 * public endpoint needs. Reading a request's headers and body holds no thread: a thread is taken only when the
 * whole body is in ({@link #readBody}), so slow clients cost a connection and a few bytes, and each connection
 * is bounded in time by the header timeout, the body timeout and the minimum body rate.
 *
 * <p>The JDK's {@code com.sun.net.httpserver} had none of this per server (only JVM-global properties), and one
 * dispatcher thread that thousands of slow connections could stop for good.
 */
public final class PublicServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final ServerLimits limits;
  private final HeaderDeadlines headers;
  private final QueuedThreadPool pool;
  private final AtomicLong buffered = new AtomicLong();

  private PublicServer(Server server, ServerConnector connector, ServerLimits limits, HeaderDeadlines headers,
      QueuedThreadPool pool) {
    this.server = server;
    this.connector = connector;
    this.limits = limits;
    this.headers = headers;
    this.pool = pool;
  }

  /**
   * Binds {@code listen} and serves {@code app}. The app answers every request through {@link #send} (or
   * {@link #readBody} first) and returns true.
   *
   * @param name names the threads ({@code kuzet-NAME-…})
   * @param tls a server TLS context (TLS 1.2 and 1.3 only), or null for plain HTTP
   * @throws IOException naming the address when it cannot be bound
   */
  public static PublicServer start(String name, InetSocketAddress listen, SSLContext tls, ServerLimits limits,
      Handler app) throws IOException {
    QueuedThreadPool pool = new QueuedThreadPool(limits.maxThreads(), Math.min(4, limits.maxThreads()), 60_000,
        new ArrayBlockingQueue<>(limits.maxQueued()));
    pool.setName("kuzet-" + name);
    pool.setDaemon(true);
    pool.setReservedThreads(0);
    pool.setStopTimeout(2_000);
    Server server = new Server(pool);
    server.setStopTimeout(limits.stopTimeout().toMillis());
    server.setStopAtShutdown(false); // the commands stop it from their own shutdown hooks, in order

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(limits.maxHeaderBytes());
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    HttpConnectionFactory h1 = new HttpConnectionFactory(http);
    ConnectionFactory[] factories;
    if (tls != null) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(tls);
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      // HTTP/2 where it costs nothing: clients that offer h2 in ALPN get it, all others HTTP/1.1. Streams of one
      // connection share its limits (connections, header deadline, body budget, upload slots) like requests do.
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
      h2.setMaxConcurrentStreams(Math.max(1, Math.min(100, limits.maxThreads())));
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(), h1.getProtocol());
      alpn.setDefaultProtocol(h1.getProtocol());
      factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1};
    } else {
      factories = new ConnectionFactory[] {h1};
    }
    ServerConnector connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(listen.getAddress().getHostAddress());
    connector.setPort(listen.getPort());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(128);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
    HeaderDeadlines headers = new HeaderDeadlines(limits);
    connector.addBean(headers);

    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowCauses(false);
    errors.setShowMessageInTitle(false);
    server.setErrorHandler(errors);
    server.setHandler(new GracefulHandler(new Handler.Wrapper(app) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection c = request.getConnectionMetaData().getConnection();
        headers.requestStarted(c);
        Request.addCompletionListener(request, failure -> headers.requestEnded(c));
        return super.handle(request, response, callback);
      }
    }));
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) { // the address is in use or not this machine's: the callers say so
          BindException bind = new BindException(t.getMessage());
          bind.initCause(e);
          throw bind;
        }
      }
      throw new IOException("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": "
          + e.getMessage(), e);
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException("cannot start the HTTP server on " + listen.getHostString() + ":" + listen.getPort()
          + ": " + e.getMessage(), e);
    }
    headers.start(server.getScheduler());
    return new PublicServer(server, connector, limits, headers, pool);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // starting failed already; that is the error reported
    }
  }

  /** The bound address (the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /** The server's bounded pool, for the work a request does once its body is in. */
  public Executor executor() {
    return pool;
  }

  /** Connections open now (for tests and operators' curiosity). */
  public int connections() {
    return connector.getConnectedEndPoints().size();
  }

  /** What becomes of a request body. Each call runs on a thread of the server's pool and may block. */
  public interface BodySink {
    void received(byte[] body);

    /** More than the limit arrived (the rest is not read). */
    void tooLarge(long limit);

    /**
     * The body did not come: too slow (body timeout or below the minimum rate; {@code status} 408), the client
     * went away (408, nobody reads it), or the server holds its limit of body bytes already (503).
     */
    void failed(int status, String reason);
  }

  /**
   * Reads the whole body of {@code request}, up to {@code maxBytes}, without holding a thread while it waits, then
   * hands it to {@code sink} on the pool. A body that takes longer than the body timeout, or brings less than the
   * minimum rate in a window, ends in {@link BodySink#failed}.
   */
  public void readBody(Request request, Callback callback, long maxBytes, BodySink sink) {
    new BodyReader(request, callback, maxBytes, sink).start();
  }

  /** Answers {@code status} with {@code body}; {@code close} also ends the connection (an unread body). */
  public static void send(Response response, Callback callback, int status, String contentType, byte[] body,
      Map<String, String> extraHeaders, boolean close) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    extraHeaders.forEach((k, v) -> response.getHeaders().put(k, v));
    if (close) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /**
   * Stops taking connections, lets requests in progress finish (up to the stop timeout), then stops. Idle and
   * half-sent connections are closed at once.
   */
  @Override
  public void close() {
    // The header deadlines keep closing half-sent and idle connections while the server drains: the graceful
    // stop waits for the connections to go.
    try {
      server.stop();
    } catch (Exception e) {
      // Jetty reports requests cut at the stop timeout as a failure of stop(); the server is stopped either way.
    } finally {
      headers.stop();
    }
  }

  /**
   * The request-header timeout Jetty 12 lacks: a connection must complete each request's headers within the
   * header timeout of opening, or of finishing its previous answer. A periodic sweep closes the late ones; a
   * connection with a request in progress is never touched (the body and idle timeouts bound it).
   */
  private static final class HeaderDeadlines implements Connection.Listener {
    private final long timeoutNanos;
    private final long sweepMillis;
    private final Map<Connection, Slot> open = new ConcurrentHashMap<>();
    private volatile Scheduler scheduler;
    private volatile boolean running;

    private static final class Slot {
      final AtomicInteger active = new AtomicInteger();
      volatile long deadline;

      Slot(long deadline) {
        this.deadline = deadline;
      }
    }

    HeaderDeadlines(ServerLimits limits) {
      this.timeoutNanos = limits.headerTimeout().toNanos();
      this.sweepMillis = Math.max(10, Math.min(1000, limits.headerTimeout().toMillis() / 4));
    }

    void start(Scheduler s) {
      scheduler = s;
      running = true;
      s.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
      running = false;
    }

    @Override
    public void onOpened(Connection c) {
      // With TLS, the TLS connection and the one above it both open. Above it is first the ALPN negotiation, whose
      // deadline cuts a slow handshake; once negotiated it closes and the HTTP/1.1 or HTTP/2 connection, the one
      // requests see, opens with a deadline of its own.
      if (!(c instanceof org.eclipse.jetty.io.ssl.SslConnection)) {
        open.put(c, new Slot(System.nanoTime() + timeoutNanos));
      }
    }

    @Override
    public void onClosed(Connection c) {
      open.remove(c);
    }

    void requestStarted(Connection c) {
      Slot s = open.get(c);
      if (s != null) {
        s.active.incrementAndGet();
      }
    }

    void requestEnded(Connection c) {
      Slot s = open.get(c);
      if (s != null) {
        s.deadline = System.nanoTime() + timeoutNanos;
        s.active.decrementAndGet();
      }
    }

    private void sweep() {
      if (!running) {
        return;
      }
      long now = System.nanoTime();
      try {
        for (Map.Entry<Connection, Slot> e : open.entrySet()) {
          Slot s = e.getValue();
          if (s.active.get() == 0 && now - s.deadline > 0) {
            open.remove(e.getKey());
            e.getKey().getEndPoint().close();
          }
        }
      } finally {
        if (running) {
          try {
            scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
          } catch (RuntimeException stopped) {
            running = false; // the server's scheduler has stopped: so has the server
          }
        }
      }
    }
  }

  /** One body read by demand: no thread waits for bytes; a timer enforces the deadline and the minimum rate. */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Callback callback;
    private final long max;
    private final BodySink sink;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicBoolean done = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    private volatile long received;
    /** Bytes of {@link #buffered} this body holds, given back when the sink is done. */
    private final AtomicLong held = new AtomicLong();
    private long receivedAtLastCheck;
    private Scheduler.Task timer;

    BodyReader(Request request, Callback callback, long max, BodySink sink) {
      this.request = request;
      this.callback = callback;
      this.max = max;
      this.sink = sink;
    }

    void start() {
      timer = server.getScheduler().schedule(this::check, limits.rateWindow().toMillis(), TimeUnit.MILLISECONDS);
      run();
    }

    /** The deadline and rate check, every rate window until the body is in. */
    private void check() {
      if (done.get()) {
        return;
      }
      long elapsed = System.nanoTime() - startNanos;
      long now = received;
      long needed = limits.minBodyRate() * limits.rateWindow().toMillis() / 1000;
      if (elapsed >= limits.bodyTimeout().toNanos()) {
        finish(() -> sink.failed(408, "the request body took longer than " + limits.bodyTimeout().toMillis()
            + " ms"));
      } else if (now - receivedAtLastCheck < needed) {
        finish(() -> sink.failed(408, "the request body arrived slower than " + limits.minBodyRate() + " bytes/s"));
      } else {
        receivedAtLastCheck = now;
        long next = Math.min(limits.rateWindow().toNanos(), limits.bodyTimeout().toNanos() - elapsed);
        timer = server.getScheduler().schedule(this::check, Math.max(1, next), TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void run() {
      while (!done.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          String why = String.valueOf(chunk.getFailure().getMessage());
          finish(() -> sink.failed(408, "the request body could not be read: " + why));
          return;
        }
        ByteBuffer b = chunk.getByteBuffer();
        int n = b.remaining();
        if (received + n > max) {
          chunk.release();
          finish(() -> sink.tooLarge(max));
          return;
        }
        if (buffered.addAndGet(n) > limits.maxBufferedBytes()) {
          buffered.addAndGet(-n);
          chunk.release();
          finish(() -> sink.failed(503, "busy: the server holds its limit of request bodies in memory; retry later"));
          return;
        }
        held.addAndGet(n);
        if (done.get()) { // cut by the timer meanwhile: give back what it may not have seen
          buffered.addAndGet(-held.getAndSet(0));
          chunk.release();
          return;
        }
        byte[] copy = new byte[n];
        b.get(copy);
        bytes.write(copy, 0, n);
        received += n;
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          byte[] body = bytes.toByteArray();
          finish(() -> sink.received(body));
          return;
        }
      }
    }

    private void finish(Runnable then) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      Scheduler.Task t = timer;
      if (t != null) {
        t.cancel();
      }
      Runnable release = () -> buffered.addAndGet(-held.getAndSet(0));
      try {
        pool.execute(() -> {
          try {
            then.run();
          } finally {
            release.run();
          }
        });
      } catch (RejectedExecutionException e) {
        release.run();
        callback.failed(e); // the pool's queue is full: Jetty closes the connection
      }
    }
  }
}
