package org.kuzet.agent.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.connectivity.NetworkState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outage timeline. */
class ConnectivityEventsTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void connectivityEventsOpenCloseAndOverlap() {
    try (ResultsStore store = ResultsStore.open(db())) {
      store.connectivity().openConnectivityEvent(NetworkState.ONLINE, T0, null);
      store.connectivity().openConnectivityEvent(NetworkState.DOMESTIC_ONLY, T0.plusSeconds(600),
          "{\"anchors_reached\":[\"kaznet\"]}");
      assertEquals(NetworkState.DOMESTIC_ONLY, store.connectivity().currentConnectivity().orElseThrow().state());
      assertTrue(store.connectivity().closeConnectivityEvent(T0.plusSeconds(1200)));
      assertFalse(store.connectivity().closeConnectivityEvent(T0.plusSeconds(1300)), "nothing open any more");
      assertTrue(store.connectivity().currentConnectivity().isEmpty());

      List<ConnectivityRecord> all = store.connectivity().connectivityEvents(null, null);
      assertEquals(2, all.size());
      assertEquals(T0.plusSeconds(600), all.get(0).endedAt(), "opening a new state closed the previous one");
      assertEquals("{\"anchors_reached\":[\"kaznet\"]}", all.get(1).detailJson());
      assertEquals(1, store.connectivity().connectivityEvents(T0.plusSeconds(700), null).size());
      assertThrows(IllegalArgumentException.class,
          () -> store.connectivity().openConnectivityEvent(NetworkState.OFFLINE, T0, "not json"));
    }
  }

  @Test
  void anEventLeftOpenWithNothingElseStoredIsClosedAtItsStart() {
    try (ResultsStore store = ResultsStore.open(db())) {
      assertTrue(store.connectivity().closeConnectivityEventLeftOpen("at restart").isEmpty(), "nothing open");
      store.connectivity().openConnectivityEvent(NetworkState.OFFLINE, T0, null);
      assertEquals(T0, store.connectivity().closeConnectivityEventLeftOpen("at restart").orElseThrow(),
          "no run or measurement since: the last known moment is the event's start");
      ConnectivityRecord closed = store.connectivity().lastConnectivity().orElseThrow();
      assertEquals(T0, closed.endedAt());
      assertEquals("{\"closed\":\"at restart\"}", closed.detailJson());
    }
  }
}
