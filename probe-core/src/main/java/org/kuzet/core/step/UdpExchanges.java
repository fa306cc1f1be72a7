package org.kuzet.core.step;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Every UDP DNS exchange of the process on one selector thread: a query costs a socket and a few records while it
 * waits, never a thread. The first matching reply completes {@link Exchange#first()} at once; the socket then stays
 * open and collects later replies with the same ID and question (an injector's lie and the real answer race, and the
 * loser arrives late) until its owner {@link Exchange#close() closes} it, at the end of the measurement.
 *
 * <p>Memory is bounded: one shared 4 KiB receive buffer, at most {@link #MAX_LATE} late replies per exchange.
 */
public final class UdpExchanges {
  /** Late replies kept per query; a flood beyond this says nothing more and is dropped. */
  static final int MAX_LATE = 16;
  private static final int MAX_UDP = 4096;

  private static volatile UdpExchanges shared;

  private final Selector selector;
  private final Queue<Exchange<?>> pending = new ConcurrentLinkedQueue<>();
  private final ByteBuffer buf = ByteBuffer.allocate(MAX_UDP);

  private UdpExchanges() throws IOException {
    this.selector = Selector.open();
    Thread t = new Thread(this::loop, "kuzet-dns-udp");
    t.setDaemon(true);
    t.start();
  }

  /** The process's selector, started on first use (a service that never queries DNS never starts it). */
  public static UdpExchanges shared() throws IOException {
    UdpExchanges s = shared;
    if (s == null) {
      synchronized (UdpExchanges.class) {
        s = shared;
        if (s == null) {
          s = new UdpExchanges();
          shared = s;
        }
      }
    }
    return s;
  }

  /**
   * Sends {@code wire} to {@code server} and listens. {@code match} turns a datagram into a reply of type {@code T},
   * or null when it is not an answer to this query (wrong ID or question: ignored, as a stub resolver would);
   * {@code now} stamps late replies. The first reply, or the failure (timeout, ICMP unreachable), completes
   * {@link Exchange#first()}; without a reply within {@code timeout} the exchange completes with null and closes.
   */
  public <T> Exchange<T> send(InetSocketAddress server, byte[] wire, Duration timeout,
      BiFunction<byte[], Integer, T> match, java.util.function.DoubleSupplier now) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    Exchange<T> x;
    try {
      ch.configureBlocking(false);
      ch.connect(server);
      x = new Exchange<>(ch, match, now);
      ch.write(ByteBuffer.wrap(wire));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    pending.add(x);
    selector.wakeup();
    java.util.concurrent.ScheduledFuture<?> timer = Watchdog.TIMER.schedule(() -> {
      if (x.first.complete(null)) {
        x.close(); // silence: nothing more to hear on this socket
      }
    }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    x.first.whenComplete((r, e) -> timer.cancel(false));
    return x;
  }

  private void loop() {
    while (true) {
      try {
        selector.select();
        for (Exchange<?> x; (x = pending.poll()) != null; ) {
          try {
            x.channel.register(selector, SelectionKey.OP_READ, x);
          } catch (ClosedChannelException e) {
            // closed before it was registered: its owner has what it needs
          }
        }
        for (SelectionKey key : selector.selectedKeys()) {
          ((Exchange<?>) key.attachment()).readAll(buf);
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        // One bad datagram or socket must not stop every other query's listening; the next select goes on.
      }
    }
  }

  /** One query's socket: its first reply, then its late replies until closed. Thread-safe. */
  public static final class Exchange<T> implements AutoCloseable {
    private final DatagramChannel channel;
    private final BiFunction<byte[], Integer, T> match;
    private final java.util.function.DoubleSupplier now;
    private final CompletableFuture<T> first = new CompletableFuture<>();
    private final List<T> late = new ArrayList<>();
    private final List<Double> lateT = new ArrayList<>();
    private final List<Runnable> onLate = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Guarded by this: once closed, the late replies are final. */
    private boolean closed;
    /** System.nanoTime() of the first reply; Long.MIN_VALUE while none came. */
    private volatile long firstAtNanos = Long.MIN_VALUE;

    private Exchange(DatagramChannel channel, BiFunction<byte[], Integer, T> match,
        java.util.function.DoubleSupplier now) {
      this.channel = channel;
      this.match = match;
      this.now = now;
    }

    /** The first reply; null when none came in time; failed with the I/O error (e.g. port unreachable). */
    public CompletableFuture<T> first() {
      return first;
    }

    /** When the first reply came (System.nanoTime()), Long.MIN_VALUE if none did: late replies are awaited from then on. */
    public long firstAtNanos() {
      return firstAtNanos;
    }

    /** Runs {@code r} (on the selector thread: fast, never throws) after each late reply from now on. */
    public void onLate(Runnable r) {
      onLate.add(r);
    }

    /** The late replies so far, in arrival order. */
    public synchronized List<T> late() {
      return List.copyOf(late);
    }

    /** When each late reply arrived, parallel to {@link #late()}. */
    public synchronized List<Double> lateTimes() {
      return List.copyOf(lateT);
    }

    private void readAll(ByteBuffer buf) {
      while (true) {
        buf.clear();
        Object from;
        try {
          from = channel.receive(buf);
        } catch (IOException e) {
          // ICMP port unreachable and the like: a failure of the query if nothing answered yet.
          // Either way the socket is unusable: nothing late can arrive any more.
          first.completeExceptionally(e);
          close();
          return;
        }
        if (from == null) {
          return;
        }
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        T reply = match.apply(bytes, bytes.length);
        if (reply == null) {
          continue;
        }
        if (!first.isDone()) {
          firstAtNanos = System.nanoTime(); // before completing, so whoever sees the reply sees its time
          if (first.complete(reply)) {
            continue;
          }
        }
        synchronized (this) {
          if (closed || late.size() >= MAX_LATE) {
            continue;
          }
          late.add(reply);
          lateT.add(now.getAsDouble());
        }
        onLate.forEach(Runnable::run);
      }
    }

    /** Stops listening; what arrived so far stays readable. */
    @Override
    public void close() {
      synchronized (this) {
        closed = true;
      }
      first.complete(null);
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing a datagram socket does not fail in a way that changes what was received.
      }
    }
  }
}
