package org.kuzet.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import okhttp3.tls.HandshakeCertificates;

/**
 * A TCP server on a loopback address that does one named bad thing to every connection: the resets, EOFs and
 * stalls that censors' middleboxes produce. Raw sockets rather than MockWebServer, because the interesting
 * faults happen before there is any HTTP (or TLS) to speak of.
 *
 * <p>With {@link #start}, faults apply to the raw TCP stream: "first bytes" are the client's first bytes, e.g.
 * a TLS ClientHello carrying the SNI, or an HTTP request line carrying the Host. That is how SNI- and
 * keyword-triggered resets and the "TLS handshake timeout after ClientHello" (Kazakhstan's most common method)
 * look from the client. With {@link #startTls}, the server completes a real TLS handshake first and the fault
 * applies to the decrypted stream: "accept" means "handshake done", "first bytes" means "the HTTP request".
 *
 * <pre>{@code
 * try (FaultServer kz = new FaultServer().start(FaultServer.Fault.STALL_AFTER_FIRST_BYTES)) {
 *   dns.answer("blocked.kz", kz.address().getAddress().getHostAddress());
 * }
 * }</pre>
 */
public final class FaultServer implements AutoCloseable {
  public enum Fault {
    /**
     * Accept, then RST (SO_LINGER 0 and close) after {@link #RESET_GRACE_MILLIS}: the client's connect()
     * succeeds and its next read fails with "Connection reset". Without the grace period, on loopback the RST
     * can beat the client's connect() to completion and fail the connect itself, making tests flaky about
     * which step saw the reset. (A reset <em>instead of</em> a handshake is "connection refused": use
     * {@link LoopbackAddresses#closedPort}.)
     */
    RESET_ON_ACCEPT,
    /** Accept, then FIN: the client reads EOF before getting a single byte. */
    CLOSE_ON_ACCEPT,
    /** Wait for the client's first bytes, then RST. */
    RESET_ON_FIRST_BYTES,
    /** Wait for the client's first bytes, then FIN. */
    CLOSE_ON_FIRST_BYTES,
    /** Read (and discard) everything the client sends, never answer: the client's read times out. */
    STALL_AFTER_FIRST_BYTES,
    /** Accept and then neither read nor write: the connection just sits there. */
    HOLD
  }

  /** How long RESET_ON_ACCEPT waits after accept before resetting. */
  public static final int RESET_GRACE_MILLIS = 100;

  private final InetAddress bindAddress;
  private final int bindPort;
  private final AtomicInteger accepted = new AtomicInteger();
  private Workers workers;
  private ServerSocket server;

  /** A fault server on the next free loopback address; call {@link #start} or {@link #startTls}. */
  public FaultServer() {
    this(LoopbackAddresses.next());
  }

  public FaultServer(InetAddress address) {
    this(address, 0);
  }

  /**
   * On {@code address:port} (0 for any free port). A fixed port lets one hostname resolve to a working site and a
   * faulty address alike: the probe connects to every address on the URL's one port.
   */
  public FaultServer(InetAddress address, int port) {
    this.bindAddress = address;
    this.bindPort = port;
  }

  /** Listens and applies {@code fault} to every raw TCP connection. */
  public FaultServer start(Fault fault) {
    return listen(fault, null);
  }

  /** Listens, completes a TLS handshake with {@code certificates}, then applies {@code fault} inside TLS. */
  public FaultServer startTls(HandshakeCertificates certificates, Fault fault) {
    return listen(fault, certificates);
  }

  private synchronized FaultServer listen(Fault fault, HandshakeCertificates tls) {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(bindAddress, bindPort), 50);
    } catch (IOException e) {
      Workers.closeQuietly(server);
      throw new UncheckedIOException("cannot listen on " + bindAddress.getHostAddress(), e);
    }
    workers = new Workers("fault " + fault + " " + bindAddress.getHostAddress() + ":" + server.getLocalPort());
    workers.track(server);
    workers.start("accept", () -> acceptLoop(fault, tls));
    return this;
  }

  public InetSocketAddress address() {
    requireStarted();
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  public int port() {
    requireStarted();
    return server.getLocalPort();
  }

  /** Connections accepted so far (at TCP level, before any TLS handshake). */
  public int acceptCount() {
    return accepted.get();
  }

  private void acceptLoop(Fault fault, HandshakeCertificates tls) {
    while (!workers.closed()) {
      Socket raw;
      try {
        raw = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      workers.track(raw);
      if (tls == null && fault == Fault.HOLD) {
        continue; // nothing to do, so no thread: the socket just stays open until close()
      }
      workers.start("conn " + raw.getPort(), () -> handle(fault, raw, tls));
    }
  }

  private void handle(Fault fault, Socket raw, HandshakeCertificates tls) {
    Socket stream = raw;
    if (tls != null) {
      try {
        SSLSocket ssl = (SSLSocket) tls.sslSocketFactory()
            .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        workers.track(ssl);
        stream = ssl;
      } catch (IOException e) {
        Workers.closeQuietly(raw); // the client gave up on or rejected the handshake
        workers.untrack(raw);
        return;
      }
    }
    apply(fault, raw, stream);
    if (stream.isClosed()) {
      workers.untrack(raw);
      workers.untrack(stream);
    }
  }

  /** {@code raw} is the TCP socket (for RST), {@code stream} the socket to read and close (TLS or raw). */
  private void apply(Fault fault, Socket raw, Socket stream) {
    try {
      switch (fault) {
        case RESET_ON_ACCEPT -> {
          Thread.sleep(RESET_GRACE_MILLIS);
          reset(raw);
        }
        case CLOSE_ON_ACCEPT -> closeWithFin(stream);
        case RESET_ON_FIRST_BYTES -> {
          if (awaitFirstBytes(stream)) {
            reset(raw);
          } else {
            stream.close();
          }
        }
        case CLOSE_ON_FIRST_BYTES -> {
          awaitFirstBytes(stream);
          closeWithFin(stream);
        }
        case STALL_AFTER_FIRST_BYTES -> {
          // Keep reading so the client's writes never block; it is waiting for an answer that never comes.
          InputStream in = stream.getInputStream();
          byte[] buf = new byte[16 * 1024];
          while (in.read(buf) != -1) {
            // discard
          }
          stream.close(); // the client hung up first
        }
        case HOLD -> {
          // Socket stays open, unread, until the client or close() closes it.
        }
        default -> throw new AssertionError(fault);
      }
    } catch (IOException e) {
      Workers.closeQuietly(stream); // the client reset or close() ran: either way this connection is over
    } catch (InterruptedException e) {
      Workers.closeQuietly(stream); // close() ran
    }
  }

  /** True once at least one byte arrived; false if the client closed first. */
  private static boolean awaitFirstBytes(Socket socket) throws IOException {
    return socket.getInputStream().read(new byte[16 * 1024]) != -1;
  }

  /** RST instead of FIN: SO_LINGER with timeout 0 makes close() abort the connection. */
  private static void reset(Socket raw) throws IOException {
    raw.setSoLinger(true, 0);
    raw.close();
  }

  /**
   * An orderly close the client sees as EOF. Unread input at close() would make Linux send RST instead, so
   * half-close first, then drain what the client still sends until it closes too. For TLS this sends
   * close_notify before the FIN, as a server that hangs up does.
   */
  private static void closeWithFin(Socket socket) throws IOException {
    if (socket instanceof SSLSocket) {
      socket.close();
      return;
    }
    socket.shutdownOutput();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[16 * 1024];
    while (in.read(buf) != -1) {
      // drain
    }
    socket.close();
  }

  private synchronized void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("call start() or startTls() first");
    }
  }

  @Override
  public synchronized void close() {
    if (workers != null) {
      workers.close();
    }
  }

  @Override
  public String toString() {
    return "FaultServer[" + bindAddress.getHostAddress() + (server == null ? "" : ":" + server.getLocalPort()) + "]";
  }
}

