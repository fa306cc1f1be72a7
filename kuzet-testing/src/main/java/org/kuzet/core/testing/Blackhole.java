package org.kuzet.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * An address:port where TCP connects time out, as when a censor drops SYNs to a blocked IP. Without root or
 * firewall rules: a listening socket with backlog 1 whose accept queue is full. Linux then drops further SYNs
 * outright (counted as ListenOverflows) rather than refusing them, so the client keeps retransmitting its SYN
 * until its connect timeout fires. The queue is filled with connections that are never accepted.
 *
 * <p>Linux-specific (the test world is Linux-only anyway: it needs all of 127/8 on loopback). Each blocked
 * connect costs the kernel nothing but retransmitted SYNs; {@link #close()} releases everything.
 */
public final class Blackhole implements AutoCloseable {
  // Long enough for a loopback handshake on a loaded CI box; the final filler waits this long once.
  private static final int FILL_CONNECT_MILLIS = 100;
  private static final int MAX_FILLERS = 16;

  private final ServerSocket listener;
  private final List<Socket> fillers;

  private Blackhole(ServerSocket listener, List<Socket> fillers) {
    this.listener = listener;
    this.fillers = fillers;
  }

  /** A blackhole on the next free loopback address. */
  public static Blackhole open() {
    return open(LoopbackAddresses.next());
  }

  public static Blackhole open(InetAddress address) {
    return open(address, 0);
  }

  /**
   * A blackhole on {@code address:port} (0 for any free port). A fixed port lets one hostname resolve to a working
   * site and a blackholed address alike: the probe connects to every address on the URL's one port.
   */
  public static Blackhole open(InetAddress address, int port) {
    ServerSocket listener = null;
    List<Socket> fillers = new ArrayList<>();
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(address, port), 1);
      // Linux queues backlog+1 connections; rather than rely on that arithmetic, fill until a connect times
      // out, which proves SYNs are now being dropped.
      while (true) {
        if (fillers.size() == MAX_FILLERS) {
          throw new IllegalStateException("accept queue of " + address.getHostAddress()
              + " never filled: this kernel does not drop SYNs on a full backlog, so Blackhole cannot work here");
        }
        Socket filler = new Socket();
        try {
          filler.connect(listener.getLocalSocketAddress(), FILL_CONNECT_MILLIS);
          fillers.add(filler);
        } catch (SocketTimeoutException e) {
          filler.close();
          return new Blackhole(listener, fillers);
        }
      }
    } catch (IOException e) {
      fillers.forEach(Workers::closeQuietly);
      Workers.closeQuietly(listener);
      throw new UncheckedIOException("cannot open a blackhole on " + address.getHostAddress(), e);
    } catch (RuntimeException e) {
      fillers.forEach(Workers::closeQuietly);
      Workers.closeQuietly(listener);
      throw e;
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  public int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() {
    fillers.forEach(Workers::closeQuietly);
    Workers.closeQuietly(listener);
  }

  @Override
  public String toString() {
    return "Blackhole[" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort() + "]";
  }
}
