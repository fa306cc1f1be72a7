package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityChecker;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.connectivity.StepAnchorProber;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.core.tls.TrustRoots;

/**
 * The heartbeat of a real service on loopback: one domestic and one foreign TCP anchor that go dark in each way
 * (SYNs dropped, connections refused) and a local link that goes down, with the real checker and prober. Only
 * the scheduler's clock is fake; the outage timeline is asserted row by row.
 */
class ConnectivityTimelineTest {
  private static final Instant T0 = Instant.parse("2022-01-05T00:00:30Z");
  private final SwitchableEndpoint domestic = SwitchableEndpoint.open();
  private final SwitchableEndpoint foreign = SwitchableEndpoint.open();

  @AfterEach
  void close() throws Exception {
    domestic.close();
    foreign.close();
  }

  /** The timeline as the store would receive it. */
  private static final class Recorded implements ConnectivityLog {
    final List<String> rows = new ArrayList<>();

    @Override
    public void opened(ConnectivityEvent e, ConnectivityCheck evidence) {
      rows.add("open " + e.state().wire() + " " + e.start());
    }

    @Override
    public void closed(ConnectivityEvent e) {
      rows.add("close " + e.state().wire() + " " + e.start() + ".." + e.end());
    }
  }

  @FunctionalInterface
  private interface Step {
    void apply() throws Exception;
  }

  private static Instant at(int minute) {
    return T0.plus(Duration.ofMinutes(minute));
  }

  @Test
  void eachWayOfGoingDarkOpensAndClosesTheRightEvents() throws Exception {
    TickingClock clock = TickingClock.at(T0);
    AtomicReference<LocalNetwork.Link> link = new AtomicReference<>(LocalNetwork.Link.up("test link"));
    KuzetConfig config = ConfigLoader.parse("test", "[schedule]\njitter = 0\n", java.nio.file.Path.of("/tmp"));
    Recorded timeline = new Recorded();
    AtomicReference<AgentService> service = new AtomicReference<>();
    // What happens to the network before each heartbeat after the first (one per fake minute).
    List<Step> world = List.of(
        foreign::blackhole,                                              // 1: the border drops SYNs
        foreign::refuse,                                                 // 2: now resets instead: no new event
        domestic::refuse,                                                // 3: nothing beyond the link answers
        () -> link.set(LocalNetwork.Link.down("no default route")),      // 4: cable pulled
        () -> {                                                          // 5: all back
          link.set(LocalNetwork.Link.up("test link"));
          domestic.serve();
          foreign.serve();
        },
        () -> service.get().stop());
    int[] step = {0};
    Waiter waiter = (until, stop) -> {
      try {
        world.get(step[0]++).apply();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      clock.set(until);
    };
    StepAnchorProber prober = new StepAnchorProber(Duration.ofMillis(300), TrustRoots.bundled(), clock);
    try (ConnectivityChecker checker = new ConnectivityChecker(link::get, prober,
        List.of(Anchor.tcp(domestic.address())), List.of(Anchor.tcp(foreign.address())), Duration.ofSeconds(30),
        clock)) {
      service.set(AgentService.builder().clock(clock).waiter(waiter).config(ConfigSource.fixed(config))
          .connectivity(checker::check).consent(() -> ConsentGate.State.given(false)).timeline(timeline)
          .executor(r -> {
            throw new AssertionError("no run is due in the first hour");
          })
          .random(new Random(1)).log(new PrintWriter(new StringWriter())).build());
      service.get().run();
    }
    assertEquals(List.of(
        "open online " + at(0),
        "close online " + at(0) + ".." + at(1),
        "open domestic_only " + at(1),
        "close domestic_only " + at(1) + ".." + at(3),
        "open offline " + at(3),
        "close offline " + at(3) + ".." + at(4),
        "open no_local_network " + at(4),
        "close no_local_network " + at(4) + ".." + at(5),
        "open online " + at(5),
        "close online " + at(5) + ".." + at(6)), timeline.rows);
    assertEquals(1.0, service.get().metrics().registry().get("kuzet.connectivity.state")
        .tag("state", NetworkState.ONLINE.wire()).gauge().value());
  }
}
