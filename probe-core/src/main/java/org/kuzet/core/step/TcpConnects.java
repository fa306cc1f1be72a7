package org.kuzet.core.step;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every TCP connect of the process's measurements on one selector thread: a connect that waits (a blackholed
 * address waits out its whole timeout) costs a socket and a timer entry, never a thread. The connected channel is
 * handed back in blocking mode, so the steps after it (TLS) read and write its {@link SocketChannel#socket() socket}
 * as they would any other. A connect's deadline is a timer on {@link Watchdog#TIMER}: when it passes first, the
 * channel is closed and the connect fails with a {@link SocketTimeoutException}, as a blocking
 * {@code Socket.connect(endpoint, timeout)} would.
 */
public final class TcpConnects {
  private static volatile TcpConnects shared;

  private final Selector selector;
  private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();

  private TcpConnects() throws IOException {
    this.selector = Selector.open();
    Thread t = new Thread(this::loop, "kuzet-tcp-connect");
    t.setDaemon(true);
    t.start();
  }

  /** The process's selector, started on first use. */
  public static TcpConnects shared() throws IOException {
    TcpConnects s = shared;
    if (s == null) {
      synchronized (TcpConnects.class) {
        s = shared;
        if (s == null) {
          s = new TcpConnects();
          shared = s;
        }
      }
    }
    return s;
  }

  /**
   * Starts a connect to {@code endpoint}. The future completes with the connected channel (blocking mode; the
   * caller owns and closes it) or with the I/O error: refused, unreachable, or {@link SocketTimeoutException} when
   * {@code timeout} passed first. Never completes with any other exception than an {@link IOException}.
   */
  public CompletableFuture<SocketChannel> connect(InetSocketAddress endpoint, Duration timeout) {
    CompletableFuture<SocketChannel> done = new CompletableFuture<>();
    SocketChannel ch;
    try {
      ch = SocketChannel.open();
    } catch (IOException e) {
      done.completeExceptionally(e);
      return done;
    }
    try {
      ch.configureBlocking(false);
      if (ch.connect(endpoint)) {
        ch.configureBlocking(true);
        done.complete(ch);
        return done;
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      done.completeExceptionally(e instanceof IOException ? e : new IOException(e));
      return done;
    }
    Pending p = new Pending(ch, done);
    ScheduledFuture<?> timer = Watchdog.TIMER.schedule(() -> {
      if (done.completeExceptionally(new SocketTimeoutException("Connect timed out"))) {
        closeQuietly(ch);
        selector.wakeup(); // a registered channel's socket is released by the selector's next round
      }
    }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    done.whenComplete((c, e) -> timer.cancel(false));
    pending.add(p);
    selector.wakeup();
    return done;
  }

  private void loop() {
    List<Pending> connected = new ArrayList<>();
    while (true) {
      try {
        selector.select();
        for (Pending p; (p = pending.poll()) != null; ) {
          if (p.done.isDone()) {
            continue; // timed out before it was registered: already closed
          }
          try {
            p.channel.register(selector, SelectionKey.OP_CONNECT, p);
          } catch (ClosedChannelException e) {
            p.done.completeExceptionally(e);
          }
        }
        for (SelectionKey key : selector.selectedKeys()) {
          Pending p = (Pending) key.attachment();
          try {
            if (p.channel.finishConnect()) {
              key.cancel();
              connected.add(p);
            }
          } catch (IOException | RuntimeException e) {
            key.cancel();
            closeQuietly(p.channel);
            p.done.completeExceptionally(e instanceof IOException ? e : new IOException(e));
          }
        }
        selector.selectedKeys().clear();
        if (!connected.isEmpty()) {
          selector.selectNow(); // deregisters the cancelled keys: only then may a channel block again
          for (Pending p : connected) {
            handOver(p);
          }
          connected.clear();
        }
      } catch (IOException | RuntimeException e) {
        // One bad socket must not stop every other connect; each has its own deadline anyway.
      }
    }
  }

  private static void handOver(Pending p) {
    try {
      p.channel.configureBlocking(true);
    } catch (IOException | RuntimeException e) {
      closeQuietly(p.channel); // closed by its deadline meanwhile: the timeout is already recorded
      p.done.completeExceptionally(e instanceof IOException ? e : new IOException(e));
      return;
    }
    if (!p.done.complete(p.channel)) {
      closeQuietly(p.channel);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing was measured on this socket after the failure; there is nothing left to record.
    }
  }

  private record Pending(SocketChannel channel, CompletableFuture<SocketChannel> done) {}
}
