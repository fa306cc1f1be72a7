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
  private volatile boolean closed;

  private TcpRelay(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  public static TcpRelay start(InetAddress address, int port, InetSocketAddress target) {
    ServerSocket server = null;
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(address, port), 50);
    } catch (IOException e) {
      closeQuietly(server);
      throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port, e);
    }
    TcpRelay relay = new TcpRelay(server, target);
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
      thread("up", () -> pipe(client, upstream));
      thread("down", () -> pipe(upstream, client));
    }
  }

  /** Copies until EOF or error, then closes both ends so the other direction ends too. */
  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      for (int n; (n = in.read(buf)) != -1; ) {
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
