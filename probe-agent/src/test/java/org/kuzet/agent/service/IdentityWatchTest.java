package org.kuzet.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.connectivity.LocalNetwork;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.identity.IdentityLookup;
import org.kuzet.core.identity.IpDatabase;
import org.kuzet.core.identity.IpDatabaseWriter;
import org.kuzet.core.identity.StunClient;
import org.kuzet.core.net.ProbeAddresses;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.StunResponder;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.TestKeys;

/** A laptop moves from home Wi-Fi to a phone's hotspot in the middle of a run (issue 17). */
class IdentityWatchTest {
  private static final String HOME = "198.51.100.77";
  private static final String HOTSPOT = "203.0.113.9";

  private final FakeDnsServer dns = new FakeDnsServer();
  private final TickingClock clock = TickingClock.at(Instant.parse("2026-11-30T10:00:00Z"));

  @AfterEach
  void close() {
    dns.close();
  }

  private static IdentityLookup lookup(StunResponder stun) throws Exception {
    byte[] table = IpDatabaseWriter.fromCsv("""
        198.51.100.0,198.51.100.255,9198,JSC Kazakhtelecom
        203.0.113.0,203.0.113.255,29355,Kcell JSC
        """, """
        198.51.100.0,198.51.100.255,KZ
        203.0.113.0,203.0.113.255,KZ
        """, "test");
    return new IdentityLookup(new IdentityLookup.Options(true, List.of(stun.hostPort()), Duration.ofSeconds(10),
        null, null), () -> {
          try {
            return IpDatabase.load(new ByteArrayInputStream(table));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** A measurement started now, from the network the run looked up, whose page echoes the hotspot's address. */
  private Measurement measuredNow(IdentityLookup.Result run) {
    String start = MeasurementJson.ooniTime(clock.instant());
    HttpTransaction tx = new HttpTransaction(new HttpTransaction.Request("GET", "http://echo.kz/", Map.of(), "", "tcp"),
        new HttpTransaction.Response(200, Map.of(), List.of(), "Your IP: " + HOTSPOT, false, 20, null), null, 0, 1,
        "93.184.216.34:80", 0);
    var id = run.identity();
    return new Measurement(org.kuzet.core.MeasurementIds.measurementUid(clock.instant(), id.probeCc()), "r",
        "http://echo.kz/", start, start, id.probeAsn(), id.probeCc(), id.probeNetworkName(), id.resolverAsn(),
        id.resolverNetworkName(), "kuzet", "0", Measurement.TEST_NAME, "0.1.0", 1, Measurement.DATA_FORMAT_VERSION,
        Map.of(), TestKeys.observations(List.of(), List.of(), List.of(), List.of(tx), null));
  }

  private ConnectivityCheck check(NetworkState state) {
    return new ConnectivityCheck(state, clock.instant(), LocalNetwork.Link.up("wlan0"), List.of(), List.of());
  }

  @Test
  void aChangeOfNetworkWithinARunIsLookedUpAgainBeforeTheNextMeasurements() throws Exception {
    dns.answer(IdentityLookup.WHOAMI_NAME, "198.51.100.53");
    List<ConnectivityEvent> timeline = new ArrayList<>();
    IdentityWatch watch = new IdentityWatch();
    ConnectivityLog log = watch.watching(new ConnectivityLog() {
      @Override
      public void opened(ConnectivityEvent event, ConnectivityCheck evidence) {
        timeline.add(event);
      }
    });
    StringWriter out = new StringWriter();
    try (StunResponder stun = new StunResponder(InetAddress.getByName(HOME))) {
      ProbeSettings settings = ProbeSettings.builder().systemResolvers(List.of(dns.address()))
          .dnsTimeout(Duration.ofSeconds(5)).probeAddresses(ProbeAddresses.of(List.of())).build();
      log.opened(new ConnectivityEvent(NetworkState.ONLINE, clock.instant(), null), check(NetworkState.ONLINE));
      IdentityLookup.Result run = watch.forRun(lookup(stun), settings, new PrintWriter(out), "kuzet service");
      assertEquals("AS9198", run.identity().probeAsn());

      Measurement atHome = measuredNow(run);
      assertEquals(atHome, watch.stored(atHome), "no change seen: stored as measured");
      assertEquals(1, stun.requests(), "looked up once, at the start of the run");

      // The laptop leaves home: offline for a moment (nothing to look up), then online through the hotspot.
      clock.advance(Duration.ofSeconds(30));
      log.opened(new ConnectivityEvent(NetworkState.NO_LOCAL_NETWORK, clock.instant(), null),
          check(NetworkState.NO_LOCAL_NETWORK));
      Measurement inFlight = measuredNow(run);
      stun.report(InetAddress.getByName(HOTSPOT));
      dns.answer(IdentityLookup.WHOAMI_NAME, "203.0.113.53");
      clock.advance(Duration.ofSeconds(30));
      log.opened(new ConnectivityEvent(NetworkState.ONLINE, clock.instant(), null), check(NetworkState.ONLINE));
      assertEquals(3, timeline.size(), "the timeline itself still gets every event");
      assertEquals(1, stun.requests(), "nothing looked up while the outage lasted");

      Measurement before = watch.stored(inFlight);
      assertEquals(2, stun.requests(), "looked up again before the next measurement was stored");
      assertEquals("AS9198", before.probeAsn(), "started before the change was seen: the run's network");
      assertFalse(MeasurementJson.toLine(before).contains(HOTSPOT), "the new public address is scrubbed");

      clock.advance(Duration.ofSeconds(1));
      Measurement after = watch.stored(measuredNow(run));
      assertEquals("AS29355", after.probeAsn());
      assertEquals("Kcell JSC", after.probeNetworkName());
      assertEquals("KZ", after.probeCc());
      assertEquals("AS29355", after.resolverAsn());
      assertFalse(MeasurementJson.toLine(after).contains(HOTSPOT), "the new public address is scrubbed");
      assertEquals(2, stun.requests(), "one lookup per change");
      assertTrue(settings.probeAddresses().current().contains(InetAddress.getByName(HOTSPOT)),
          "later measurements are scrubbed at the source too");

      assertTrue(out.toString().contains("kuzet service (network changed): network AS29355 (Kcell JSC), KZ"),
          out.toString());
      assertFalse(out.toString().contains(HOTSPOT) || out.toString().contains(HOME), "no address in the log");

      // Back home: a measurement still in flight from the hotspot keeps the hotspot's network.
      Measurement fromHotspot = measuredNow(run);
      stun.report(InetAddress.getByName(HOME));
      dns.answer(IdentityLookup.WHOAMI_NAME, "198.51.100.53");
      clock.advance(Duration.ofSeconds(30));
      log.opened(new ConnectivityEvent(NetworkState.OFFLINE, clock.instant(), null), check(NetworkState.OFFLINE));
      clock.advance(Duration.ofSeconds(30));
      log.opened(new ConnectivityEvent(NetworkState.ONLINE, clock.instant(), null), check(NetworkState.ONLINE));
      assertEquals("AS29355", watch.stored(fromHotspot).probeAsn(), "started on the hotspot");
      assertEquals(3, stun.requests());
      assertEquals("AS9198", watch.stored(measuredNow(run)).probeAsn(), "started at home again");

      // The next run starts afresh from its own lookup.
      watch.forRun(lookup(stun), settings, new PrintWriter(out), "kuzet service");
      assertEquals(4, stun.requests());
    }
  }

  @Test
  void withTheLookupOffAChangeLooksNothingUp() throws Exception {
    IdentityWatch watch = new IdentityWatch();
    ConnectivityLog log = watch.watching(ConnectivityLog.NONE);
    try (StunResponder stun = new StunResponder(InetAddress.getByName(HOME))) {
      IdentityLookup off = new IdentityLookup(new IdentityLookup.Options(false, List.of(stun.hostPort()),
          StunClient.DEFAULT_TIMEOUT, null, null), IpDatabase::bundled);
      IdentityLookup.Result run = watch.forRun(off, ProbeSettings.builder().build(), new PrintWriter(new StringWriter()),
          "kuzet service");
      log.opened(new ConnectivityEvent(NetworkState.ONLINE, clock.instant(), null), check(NetworkState.ONLINE));
      Measurement m = measuredNow(run);
      assertEquals(m, watch.stored(m));
      assertEquals(0, stun.requests());
    }
  }
}
