package org.kuzet.core.connectivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.connectivity.NetworkState.DOMESTIC_ONLY;
import static org.kuzet.core.connectivity.NetworkState.OFFLINE;
import static org.kuzet.core.connectivity.NetworkState.ONLINE;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectivityMonitorTest {
  private static final Instant T0 = Instant.parse("2022-01-05T06:00:00Z");

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void opensTheFirstEventAndClosesItOnAChange() {
    ConnectivityMonitor m = new ConnectivityMonitor();
    assertEquals(Optional.empty(), m.current());
    assertEquals(Optional.empty(), m.observe(ONLINE, at(0)));
    assertEquals(Optional.empty(), m.observe(ONLINE, at(1)));
    assertEquals(Optional.of(new ConnectivityEvent(ONLINE, at(0), at(2))), m.observe(DOMESTIC_ONLY, at(2)));
    assertEquals(Optional.of(new ConnectivityEvent(DOMESTIC_ONLY, at(2), null)), m.current());
    assertEquals(Optional.of(new ConnectivityEvent(DOMESTIC_ONLY, at(2), at(90))), m.observe(ONLINE, at(90)));
    assertEquals(Duration.ofMinutes(88), new ConnectivityEvent(DOMESTIC_ONLY, at(2), at(90)).duration(at(1000)));
  }

  @Test
  void aChangeNeedsConfirmationsAndStartsAtItsFirstSighting() {
    ConnectivityMonitor m = new ConnectivityMonitor(2);
    m.observe(ONLINE, at(0));
    assertEquals(Optional.empty(), m.observe(OFFLINE, at(1)));
    assertEquals(Optional.of(new ConnectivityEvent(ONLINE, at(0), at(1))), m.observe(OFFLINE, at(2)));
    assertEquals(at(1), m.current().orElseThrow().start());
  }

  @Test
  void anUnconfirmedBlipIsForgotten() {
    ConnectivityMonitor m = new ConnectivityMonitor(2);
    m.observe(ONLINE, at(0));
    m.observe(OFFLINE, at(1));
    m.observe(ONLINE, at(2));
    assertEquals(Optional.empty(), m.observe(OFFLINE, at(3)));
    assertEquals(new ConnectivityEvent(ONLINE, at(0), null), m.current().orElseThrow());
    // a different new state restarts the count
    m.observe(DOMESTIC_ONLY, at(4));
    assertEquals(Optional.of(new ConnectivityEvent(ONLINE, at(0), at(4))), m.observe(DOMESTIC_ONLY, at(5)));
  }

  @Test
  void closeEndsTheOpenEvent() {
    ConnectivityMonitor m = new ConnectivityMonitor();
    assertEquals(Optional.empty(), m.close(at(0)));
    m.observe(OFFLINE, at(0));
    assertEquals(Optional.of(new ConnectivityEvent(OFFLINE, at(0), at(30))), m.close(at(30)));
    assertTrue(m.current().isEmpty());
  }

  @Test
  void rejectsTimeGoingBackwards() {
    ConnectivityMonitor m = new ConnectivityMonitor();
    m.observe(ONLINE, at(5));
    assertThrows(IllegalArgumentException.class, () -> m.observe(ONLINE, at(4)));
    assertThrows(IllegalArgumentException.class, () -> new ConnectivityMonitor(0));
    assertThrows(IllegalArgumentException.class, () -> new ConnectivityEvent(ONLINE, at(5), at(4)));
  }
}
