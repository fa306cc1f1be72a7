package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class BlackholeTest {
  @Test
  void connectTimesOut() throws Exception {
    try (Blackhole hole = Blackhole.open()) {
      for (int attempt = 0; attempt < 2; attempt++) { // stays a blackhole: timed-out SYNs do not free the queue
        try (Socket socket = new Socket()) {
          long start = System.nanoTime();
          assertThrows(SocketTimeoutException.class, () -> socket.connect(hole.address(), 500));
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertTrue(millis >= 450, "timed out after " + millis + " ms, not by the connect timeout");
        }
      }
    }
  }

  @Test
  void closedBlackholeRefuses() throws Exception {
    Blackhole hole = Blackhole.open();
    hole.close();
    try (Socket socket = new Socket()) {
      assertThrows(ConnectException.class, () -> socket.connect(hole.address(), 500));
    }
  }
}
