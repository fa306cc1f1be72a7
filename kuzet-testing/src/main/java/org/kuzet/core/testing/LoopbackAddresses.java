package org.kuzet.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out loopback addresses so every fake site, resolver and middlebox in a test world has an IP of its own.
 * Linux routes all of 127.0.0.0/8 to {@code lo}, so any of these can be bound without configuration; distinct
 * IPs let a test say "example.kz resolves to the blockpage server" with nothing but a DNS answer, exactly as a
 * real censor does, and keep servers from colliding on ports.
 */
public final class LoopbackAddresses {
  // 127.0.0.x is left alone: 127.0.0.1 is what everything else on the machine uses.
  private static final int FIRST = 1 << 8 | 1; // 127.0.1.1
  private static final AtomicInteger NEXT = new AtomicInteger(FIRST);

  private LoopbackAddresses() {}

  /** The next unused address in 127.0.1.1 … 127.0.255.254, skipping .0 and .255 in the last octet. */
  public static InetAddress next() {
    while (true) {
      int n = NEXT.getAndIncrement();
      int x = n >>> 8;
      int y = n & 0xff;
      if (x > 255) {
        throw new IllegalStateException("ran out of 127.0.x.y loopback addresses");
      }
      if (y == 0 || y == 255) {
        continue; // network- and broadcast-looking addresses confuse readers and some bogon checks
      }
      try {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) x, (byte) y});
      } catch (UnknownHostException e) {
        throw new AssertionError(e); // four bytes are always a valid IPv4 address
      }
    }
  }

  /**
   * A port on {@code address} that nothing listens on, so a connect gets an immediate RST ("connection refused").
   * The kernel picked it as free and we released it; nothing in a test binds fixed ports, so it stays closed.
   */
  public static int closedPort(InetAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + address.getHostAddress(), e);
    }
  }
}
