package org.kuzet.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.StunResponder;

class IdentityLookupTest {
  private static final Duration GENEROUS = Duration.ofSeconds(10);
  private static final String PUBLIC = "198.51.100.77";

  private final FakeDnsServer dns = new FakeDnsServer();

  @AfterEach
  void close() {
    dns.close();
  }

  private static Supplier<IpDatabase> testDb() {
    return () -> {
      try {
        return IpDatabaseTest.db();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  private IdentityLookup.Result lookup(IdentityLookup.Options options) throws InterruptedException {
    return new IdentityLookup(options, testDb()).lookup(ProbeSettings.builder()
        .systemResolvers(List.of(dns.address())).dnsTimeout(Duration.ofSeconds(5)).build());
  }

  @Test
  void namesTheProbeAndResolverNetworksAndKeepsTheAddressInMemoryOnly() throws Exception {
    dns.answer(IdentityLookup.WHOAMI_NAME, "203.0.113.10");
    try (StunResponder stun = new StunResponder(InetAddress.getByName(PUBLIC))) {
      IdentityLookup.Result r = lookup(new IdentityLookup.Options(true, List.of(stun.hostPort()), GENEROUS, null,
          null));
      assertEquals(new NetworkIdentity("AS9198", "KZ", "JSC Kazakhtelecom", "AS29355", "Kcell, JSC"), r.identity());
      assertEquals(List.of(), r.notes());
      assertEquals(Optional.of(InetAddress.getByName(PUBLIC)), r.get(), "for the scrubber, in memory");
      assertFalse(r.toString().contains(PUBLIC), r.toString());
      assertEquals(1, dns.queryCount(IdentityLookup.WHOAMI_NAME));
    }
  }

  @Test
  void offLooksNothingUp() throws Exception {
    try (StunResponder stun = new StunResponder(InetAddress.getByName(PUBLIC))) {
      IdentityLookup.Result r = lookup(new IdentityLookup.Options(false, List.of(stun.hostPort()), GENEROUS, null,
          null));
      assertEquals(NetworkIdentity.UNKNOWN, r.identity());
      assertEquals(Optional.empty(), r.publicAddress());
      assertEquals(0, stun.requests());
      assertEquals(0, dns.queryCount(IdentityLookup.WHOAMI_NAME));
    }
  }

  @Test
  void overridesWinAndTheOverriddenAsIsNamedFromTheDatabase() throws Exception {
    dns.answer(IdentityLookup.WHOAMI_NAME, "203.0.113.10");
    try (StunResponder stun = new StunResponder(InetAddress.getByName(PUBLIC))) {
      IdentityLookup.Result r = lookup(new IdentityLookup.Options(true, List.of(stun.hostPort()), GENEROUS,
          "AS29355", "UZ"));
      assertEquals(new NetworkIdentity("AS29355", "UZ", "Kcell, JSC", "AS29355", "Kcell, JSC"), r.identity());
    }
    IdentityLookup.Result off = lookup(new IdentityLookup.Options(false, List.of(), GENEROUS, "AS9198", "KZ"));
    assertEquals(new NetworkIdentity("AS9198", "KZ", "", "AS0", ""), off.identity());
  }

  @Test
  void noStunAnswerLeavesTheProbeUnknownButNamesTheResolver() throws Exception {
    dns.answer(IdentityLookup.WHOAMI_NAME, "198.51.100.1");
    try (StunResponder stun = new StunResponder(InetAddress.getByName(PUBLIC), StunResponder.Mode.SILENT)) {
      IdentityLookup.Result r = lookup(new IdentityLookup.Options(true, List.of(stun.hostPort()),
          Duration.ofMillis(300), null, null));
      assertEquals(new NetworkIdentity("AS0", "ZZ", "", "AS9198", "JSC Kazakhtelecom"), r.identity());
      assertEquals(1, r.notes().size(), r.notes().toString());
      assertTrue(r.notes().get(0).contains("no STUN server answered"), r.notes().get(0));
    }
  }

  @Test
  void aResolverWithoutAWhoamiAnswerIsANoteNotAFailure() throws Exception {
    dns.nxdomain(IdentityLookup.WHOAMI_NAME);
    try (StunResponder stun = new StunResponder(InetAddress.getByName(PUBLIC))) {
      IdentityLookup.Result r = lookup(new IdentityLookup.Options(true, List.of(stun.hostPort()), GENEROUS, null,
          null));
      assertEquals(new NetworkIdentity("AS9198", "KZ", "JSC Kazakhtelecom", "AS0", ""), r.identity());
      assertTrue(r.notes().get(0).contains("whoami"), r.notes().toString());
    }
  }

  @Test
  void appliedToSettingsEveryMeasurementCarriesIt() throws Exception {
    IdentityLookup.Result r = lookup(new IdentityLookup.Options(false, List.of(), GENEROUS, "AS9198", "KZ"));
    ProbeSettings s = r.applyTo(ProbeSettings.builder().build());
    assertEquals("AS9198", s.probeAsn());
    assertEquals("KZ", s.probeCc());
  }

  @Test
  void overridesAreChecked() {
    IllegalArgumentException asn = assertThrows(IllegalArgumentException.class,
        () -> new IdentityLookup.Options(true, List.of(), GENEROUS, "9198", null));
    assertTrue(asn.getMessage().contains("AS9198"), asn.getMessage());
    IllegalArgumentException cc = assertThrows(IllegalArgumentException.class,
        () -> new IdentityLookup.Options(true, List.of(), GENEROUS, null, "kz"));
    assertTrue(cc.getMessage().contains("KZ"), cc.getMessage());
  }
}
