package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {
  @Test
  void handsOutDistinctHostAddressesIn127_0() {
    List<InetAddress> seen = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // more than one /24, so the .255/.0 skip is exercised
      seen.add(LoopbackAddresses.next());
    }
    assertEquals(seen.size(), Set.copyOf(seen).size());
    for (InetAddress ip : seen) {
      byte[] b = ip.getAddress();
      assertEquals(4, b.length);
      assertEquals(127, b[0]);
      assertEquals(0, b[1]);
      assertNotEquals(0, b[2], ip + " is in 127.0.0.0/24, which the rest of the machine uses");
      int last = b[3] & 0xff;
      assertTrue(last != 0 && last != 255, ip.getHostAddress());
      assertTrue(ip.isLoopbackAddress());
    }
  }

  @Test
  void isThreadSafe() throws Exception {
    Set<InetAddress> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            assertTrue(seen.add(LoopbackAddresses.next()), "handed out twice");
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(800, seen.size());
  }

  @Test
  void closedPortRefusesConnections() throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(ip);
    try (Socket socket = new Socket()) {
      ConnectException e = assertThrows(ConnectException.class,
          () -> socket.connect(new InetSocketAddress(ip, port), 1000));
      assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }
  }
}
