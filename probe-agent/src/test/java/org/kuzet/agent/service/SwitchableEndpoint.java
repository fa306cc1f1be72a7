package org.kuzet.agent.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.kuzet.core.testing.LoopbackAddresses;

/**
 * A TCP anchor on its own loopback address that can go dark, the way networks do: {@link #serve()} (connects
 * complete), {@link #blackhole()} (SYNs dropped: the accept queue is full and nothing accepts, as
 * probe-core's Blackhole does) and {@link #refuse()} (the port is closed: RST).
 */
final class SwitchableEndpoint implements AutoCloseable {
  private final InetSocketAddress address;
  private ServerSocket listener;
  private Thread acceptor;
  private volatile boolean accepting;
  private final Semaphore paused = new Semaphore(0);
  private final List<Socket> fillers = new ArrayList<>();

  private SwitchableEndpoint(InetAddress ip) throws IOException {
    listener = listen(new InetSocketAddress(ip, 0));
    address = new InetSocketAddress(ip, listener.getLocalPort());
    startAcceptor();
  }

  static SwitchableEndpoint open() {
    try {
      return new SwitchableEndpoint(LoopbackAddresses.next());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  InetSocketAddress address() {
    return address;
  }

  private static ServerSocket listen(InetSocketAddress at) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(at, 1);
    s.setSoTimeout(20);
    return s;
  }

  private void startAcceptor() {
    accepting = true;
    ServerSocket l = listener;
    acceptor = new Thread(() -> {
      while (!l.isClosed()) {
        if (!accepting) {
          paused.release();
          while (!accepting && !l.isClosed()) {
            Thread.onSpinWait();
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
          continue;
        }
        try (Socket s = l.accept()) {
          // accepted and closed: the connect completed
        } catch (SocketTimeoutException e) {
          // look at the mode again
        } catch (IOException e) {
          return;
        }
      }
    }, "switchable-" + address);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  synchronized void serve() throws IOException {
    closeFillers();
    if (listener.isClosed()) {
      listener = listen(address);
      startAcceptor();
    } else {
      accepting = true;
    }
  }

  /** Stops accepting and fills the accept queue until a connect times out: SYNs are now dropped. */
  synchronized void blackhole() throws IOException, InterruptedException {
    if (listener.isClosed()) {
      serve();
    }
    accepting = false;
    paused.acquire();
    for (int i = 0; i < 16; i++) {
      Socket filler = new Socket();
      try {
        filler.connect(address, 100);
        fillers.add(filler);
      } catch (SocketTimeoutException e) {
        filler.close();
        return;
      }
    }
    throw new IllegalStateException("accept queue never filled");
  }

  /**
   * Closes the port and returns once a connect is refused (an event, not a delay): the acceptor thread has left
   * {@code accept()} and the kernel no longer has a listener there.
   */
  synchronized void refuse() throws IOException, InterruptedException {
    closeFillers();
    listener.close();
    acceptor.join(20_000);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 5_000);
      } catch (java.net.ConnectException refused) {
        return;
      } catch (SocketTimeoutException e) {
        // not refused yet: look again
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(address + " still accepts connections after its listener was closed");
      }
      Thread.sleep(10);
    }
  }

  private void closeFillers() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    fillers.clear();
  }

  @Override
  public synchronized void close() throws IOException {
    closeFillers();
    listener.close();
  }
}
