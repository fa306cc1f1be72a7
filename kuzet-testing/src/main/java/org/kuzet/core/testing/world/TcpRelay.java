package org.kuzet.core.testing.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transparent TCP proxy: every connection to {@code listen} is piped byte for byte to {@code target}. What a DNS
 * hijack to an ISP's transparent proxy looks like from the probe: another address, the same site, the site's own
 * TLS end to end. {@link #close()} ends every connection.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  /** The server's first bytes (a ServerHello) are held this long when the client's first bytes contain it. */
  private final byte[] slowName;
  private final long slowMillis;
  private volatile boolean closed;

  private TcpRelay(ServerSocket server, InetSocketAddress target, String slowName, java.time.Duration delay) {
    this.server = server;
    this.target = target;
    this.slowName = slowName == null ? null : slowName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    this.slowMillis = delay == null ? 0 : delay.toMillis();
  }

  public static TcpRelay start(InetAddress address, int port, InetSocketAddress target) {
    return start(address, port, target, null, null);
  }

  /**
   * A relay that holds the server's first reply for {@code delay} when the client's first bytes contain
   * {@code name} (a ClientHello with that SNI), or always when {@code name} is empty: an SNI-based throttler, or a
   * slow uplink.
   */
  public static TcpRelay start(InetAddress address, int port, InetSocketAddress target, String name,
      java.time.Duration delay) {
    ServerSocket server = null;
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(address, port), 50);
    } catch (IOException e) {
      closeQuietly(server);
      throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port, e);
    }
    TcpRelay relay = new TcpRelay(server, target, name, delay);
    relay.thread("accept", relay::acceptLoop);
    return relay;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(client);
      Socket upstream = new Socket();
      sockets.add(upstream);
      try {
        upstream.connect(target, 2_000);
      } catch (IOException e) {
        closeQuietly(client); // the site is gone: the client sees its connection closed
        closeQuietly(upstream);
        continue;
      }
      java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
      boolean[] slow = {false};
      thread("up", () -> pipe(client, upstream, (buf, n) -> {
        slow[0] = slowName != null && contains(buf, n, slowName);
        seen.countDown();
      }));
      thread("down", () -> pipe(upstream, client, (buf, n) -> {
        try {
          // The server answers only what the client sent, so its first bytes come after the client's were seen.
          seen.await(10, java.util.concurrent.TimeUnit.SECONDS);
          if (slow[0]) {
            Thread.sleep(slowMillis);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
  }

  private static boolean contains(byte[] buf, int n, byte[] name) {
    outer:
    for (int i = 0; i + name.length <= n; i++) {
      for (int j = 0; j < name.length; j++) {
        if (buf[i + j] != name[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Called with a connection's first bytes in one direction, before they are passed on. */
  private interface First {
    void bytes(byte[] buf, int n);
  }

  /** Copies until EOF or error, then closes both ends so the other direction ends too. */
  private static void pipe(Socket from, Socket to, First first) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      boolean any = false;
      for (int n; (n = in.read(buf)) != -1; ) {
        if (!any) {
          any = true;
          first.bytes(buf, n);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side reset or closed: the connection is over
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void thread(String name, Runnable r) {
    Thread t = new Thread(r, "relay " + name + " " + server.getInetAddress().getHostAddress());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    sockets.forEach(TcpRelay::closeQuietly);
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
