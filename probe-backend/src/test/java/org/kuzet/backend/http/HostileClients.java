package org.kuzet.backend.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Attackers on loopback for the servers' hostile tests: connections that trickle header bytes (slowloris) or body
 * bytes, or just sit there. A trickler thread writes one byte to each live socket per tick and stops by itself:
 * when every socket is closed or after a fixed number of ticks. Nothing here times the server; tests wait for its
 * answers with generous bounds.
 */
public final class HostileClients implements AutoCloseable {
  /** Upper bound on any wait for the server (a hung test fails after this, a slow machine still passes). */
  public static final Duration PATIENCE = Duration.ofSeconds(90);

  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private Thread trickler;

  /** {@code n} connections that send a request line and then one header byte per tick, never finishing. */
  public static HostileClients slowHeaders(InetSocketAddress server, int n, Duration tick) throws IOException {
    HostileClients c = new HostileClients();
    for (int i = 0; i < n; i++) {
      c.open(server, "POST / HTTP/1.1\r\nHost: x\r\n");
    }
    // Header lines for as long as the trickler runs: only a header deadline ends these, never the idle timeout.
    c.trickle("X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", tick, true);
    return c;
  }

  /**
   * {@code n} connections that send complete headers announcing a body of {@code length} bytes and then one body
   * byte per tick.
   */
  public static HostileClients slowBodies(InetSocketAddress server, String path, int n, int length, Duration tick)
      throws IOException {
    HostileClients c = new HostileClients();
    for (int i = 0; i < n; i++) {
      c.open(server, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + length + "\r\n\r\n{");
    }
    c.trickle(" ".repeat(length), tick, false);
    return c;
  }

  /** {@code n} connections that send nothing; those the backlog does not take within 2 s are left out. */
  public static HostileClients idle(InetSocketAddress server, int n) {
    HostileClients c = new HostileClients();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      try {
        s.connect(server, 2000);
        c.sockets.add(s);
      } catch (IOException e) {
        try {
          s.close();
        } catch (IOException ignored) {
          // never connected
        }
      }
    }
    return c;
  }

  private void open(InetSocketAddress server, String start) throws IOException {
    Socket s = new Socket();
    s.connect(server, 10_000);
    s.setSoTimeout((int) PATIENCE.toMillis());
    s.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    sockets.add(s);
  }

  /**
   * {@code n} TLS connections that send the header of a 16 KiB handshake record and then one byte of it per tick:
   * a handshake that never completes, although bytes keep coming.
   */
  public static HostileClients slowTlsHandshakes(InetSocketAddress server, int n, Duration tick) throws IOException {
    HostileClients c = new HostileClients();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      s.connect(server, 10_000);
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x3f, (byte) 0xff});
      s.getOutputStream().flush();
      c.sockets.add(s);
    }
    c.trickle("\u0001".repeat(0x3fff), tick, false);
    return c;
  }

  private void trickle(String text, Duration tick, boolean cycle) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    trickler = new Thread(() -> {
      List<Socket> live = new ArrayList<>(sockets);
      long ticks = PATIENCE.toMillis() / Math.max(1, tick.toMillis());
      for (int i = 0; i < ticks && (cycle || i < b.length) && !live.isEmpty(); i++) {
        for (Socket s : new ArrayList<>(live)) {
          try {
            OutputStream out = s.getOutputStream();
            out.write(b[i % b.length]);
            out.flush();
          } catch (IOException e) {
            live.remove(s); // the server closed it
          }
        }
        try {
          Thread.sleep(tick.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "hostile-trickler");
    trickler.setDaemon(true);
    trickler.start();
  }

  public List<Socket> sockets() {
    return sockets;
  }

  /**
   * Waits until the server has closed every connection: reads (and returns) what it sent before closing, until
   * end of stream or a reset. Fails a socket only after {@link #PATIENCE} of silence.
   */
  public List<String> awaitAllClosedByServer() throws IOException {
    List<String> answers = new ArrayList<>();
    for (Socket s : sockets) {
      s.setSoTimeout((int) PATIENCE.toMillis());
      answers.add(readToEnd(s));
    }
    return answers;
  }

  /** What the server sent on {@code s} until it closed it. */
  public static String readToEnd(Socket s) throws IOException {
    StringBuilder got = new StringBuilder();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) != -1; ) {
        got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept a hostile connection open for " + PATIENCE + "; it sent: " + got, e);
    } catch (SocketException e) {
      // a reset is a close too
    }
    return got.toString();
  }

  @Override
  public void close() {
    if (trickler != null) {
      trickler.interrupt();
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
