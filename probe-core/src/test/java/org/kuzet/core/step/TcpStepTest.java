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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.RecordingListener;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.schema.TcpConnect;

/** Both ways to connect record the same: blocking (anchors, messengers, the helper) and on the selector (measurements). */
class TcpStepTest {
  private final RecordingListener events = new RecordingListener();

  enum Way {
    BLOCKING, SELECTOR;

    TcpStep.Result connect(TcpStep step, InetSocketAddress endpoint) {
      return this == BLOCKING ? step.connect(endpoint) : step.connectAsync(endpoint).join();
    }
  }

  private TcpStep step(Duration timeout) {
    return new TcpStep(timeout, new StepClock(new TickingClock()), events);
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void connectsAndHandsOverTheSocket(Way way) throws IOException {
    try (FaultServer server = new FaultServer().start(FaultServer.Fault.HOLD)) {
      TcpStep.Result r = way.connect(step(Duration.ofSeconds(5)), server.address());
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

  @ParameterizedTest
  @EnumSource(Way.class)
  void closedPortIsConnectionRefused(Way way) {
    InetAddress ip = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(ip);
    TcpStep.Result r = way.connect(step(Duration.ofSeconds(5)), new InetSocketAddress(ip, port));
    assertEquals("connection_refused", r.connect().status().failure());
    assertEquals(false, r.connect().status().success());
    assertNull(r.socket());
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void blackholeIsATimeout(Way way) {
    try (Blackhole hole = Blackhole.open()) {
      TcpStep.Result r = way.connect(step(Duration.ofMillis(300)), hole.address());
      assertEquals("generic_timeout_error", r.connect().status().failure());
      assertNull(r.socket());
      assertTrue(r.connect().t0() < r.connect().t());
    }
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void eachConnectIsOneStartAndOneEndEvent(Way way) {
    InetAddress ip = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(ip);
    way.connect(step(Duration.ofSeconds(5)), new InetSocketAddress(ip, port));
    String endpoint = ip.getHostAddress() + ":" + port;
    assertEquals(List.of("tcpStart " + endpoint, "tcpEnd " + endpoint + " connection_refused"), events.events());
  }

  /**
   * Connects on the selector hold no thread while they wait: many blackholed connects at once add no thread to the
   * process (a blocking connect would hold one each), and each still ends as a timeout.
   */
  @Test
  void waitingConnectsHoldNoThread() {
    try (Blackhole hole = Blackhole.open()) {
      TcpStep step = step(Duration.ofSeconds(1));
      step.connectAsync(hole.address()).join(); // the selector thread and the timer are up before counting
      int before = Thread.activeCount();
      List<java.util.concurrent.CompletableFuture<TcpStep.Result>> waiting = new java.util.ArrayList<>();
      for (int i = 0; i < 32; i++) {
        waiting.add(step.connectAsync(hole.address()));
      }
      assertTrue(Thread.activeCount() - before < 4, "threads before " + before + ", now " + Thread.activeCount());
      for (var w : waiting) {
        assertEquals("generic_timeout_error", w.join().connect().status().failure());
      }
    }
  }
}
