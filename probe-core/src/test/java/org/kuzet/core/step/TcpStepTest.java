package org.kuzet.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.RecordingListener;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.schema.TcpConnect;

class TcpStepTest {
  private final RecordingListener events = new RecordingListener();

  private TcpStep step(Duration timeout) {
    return new TcpStep(timeout, new StepClock(new TickingClock()), events);
  }

  @Test
  void connectsAndHandsOverTheSocket() throws IOException {
    try (FaultServer server = new FaultServer().start(FaultServer.Fault.HOLD)) {
      TcpStep.Result r = step(Duration.ofSeconds(5)).connect(server.address());
      try (var socket = r.socket()) {
        TcpConnect c = r.connect();
        assertTrue(c.status().success());
        assertNull(c.status().failure());
        assertNull(c.status().blocked(), "blocked is for analysis to fill");
        assertEquals(server.address().getAddress().getHostAddress(), c.ip());
        assertEquals(server.port(), c.port());
        assertTrue(socket.isConnected());
        assertEquals(server.address(), socket.getRemoteSocketAddress());
        assertTrue(c.t0() < c.t());
      }
    }
  }

  @Test
  void closedPortIsConnectionRefused() {
    InetAddress ip = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(ip);
    TcpStep.Result r = step(Duration.ofSeconds(5)).connect(new InetSocketAddress(ip, port));
    assertEquals("connection_refused", r.connect().status().failure());
    assertEquals(false, r.connect().status().success());
    assertNull(r.socket());
  }

  @Test
  void blackholeIsATimeout() {
    try (Blackhole hole = Blackhole.open()) {
      TcpStep.Result r = step(Duration.ofMillis(300)).connect(hole.address());
      assertEquals("generic_timeout_error", r.connect().status().failure());
      assertNull(r.socket());
      assertTrue(r.connect().t0() < r.connect().t());
    }
  }

  @Test
  void eachConnectIsOneStartAndOneEndEvent() {
    InetAddress ip = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(ip);
    step(Duration.ofSeconds(5)).connect(new InetSocketAddress(ip, port));
    String endpoint = ip.getHostAddress() + ":" + port;
    assertEquals(List.of("tcpStart " + endpoint, "tcpEnd " + endpoint + " connection_refused"), events.events());
  }
}
