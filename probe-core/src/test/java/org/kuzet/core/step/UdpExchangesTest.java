package org.kuzet.core.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.LoopbackAddresses;

/** The shared UDP selector: first reply at once, late replies kept (bounded) until closed, silence times out. */
class UdpExchangesTest {
  private static final long PATIENCE_SECONDS = 20;

  @Test
  void keepsTheFirstReplyAndAtMostSixteenLateOnesAndNothingAfterClose() throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LoopbackAddresses.next(), 0))) {
      int sent = 1 + 40;
      CountDownLatch matched = new CountDownLatch(sent);
      UdpExchanges.Exchange<byte[]> x = UdpExchanges.shared().send(
          (InetSocketAddress) server.getLocalSocketAddress(), new byte[] {42}, Duration.ofSeconds(PATIENCE_SECONDS),
          (buf, len) -> {
            matched.countDown();
            return Arrays.copyOf(buf, len);
          }, () -> 1.5);
      DatagramPacket query = new DatagramPacket(new byte[16], 16);
      server.receive(query);
      for (int i = 0; i < sent; i++) {
        server.send(new DatagramPacket(new byte[] {(byte) i}, 1, query.getSocketAddress()));
      }
      assertArrayEquals(new byte[] {0}, x.first().get(PATIENCE_SECONDS, TimeUnit.SECONDS), "the first reply");
      assertTrue(matched.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "every datagram was read");
      assertEquals(UdpExchanges.MAX_LATE, x.late().size(), "late replies are bounded");
      assertArrayEquals(new byte[] {1}, x.late().get(0), "in arrival order");
      assertEquals(1.5, x.lateTimes().get(0), "stamped when heard");
      x.close();
      assertEquals(UdpExchanges.MAX_LATE, x.late().size(), "what was heard stays readable after close");
    }
  }

  @Test
  void silenceCompletesWithNullAtTheTimeout() throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LoopbackAddresses.next(), 0))) {
      UdpExchanges.Exchange<byte[]> x = UdpExchanges.shared().send(
          (InetSocketAddress) server.getLocalSocketAddress(), new byte[] {42}, Duration.ofMillis(100),
          (buf, len) -> Arrays.copyOf(buf, len), () -> 0);
      assertNull(x.first().get(PATIENCE_SECONDS, TimeUnit.SECONDS), "no reply: null, not an exception");
      assertEquals(0, x.late().size());
    }
  }
}
