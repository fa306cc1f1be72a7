package org.kuzet.core.connectivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetworkStateTest {
  @Test
  void everyStateReadsBackFromItsWireName() {
    for (NetworkState s : NetworkState.values()) {
      assertEquals(s, NetworkState.fromWire(s.wire()));
    }
    assertEquals(NetworkState.DOMESTIC_ONLY, NetworkState.fromWire("domestic_only"));
  }

  @Test
  void anUnknownNameIsRefusedWithTheNamesThatExist() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkState.fromWire("DOMESTIC_ONLY"));
    assertTrue(e.getMessage().contains("'DOMESTIC_ONLY'") && e.getMessage().contains("domestic_only"),
        e.getMessage());
  }
}
