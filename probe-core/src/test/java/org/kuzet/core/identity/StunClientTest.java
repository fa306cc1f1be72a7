package org.kuzet.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kuzet.core.testing.StunResponder;

class StunClientTest {
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @ParameterizedTest
  @EnumSource(value = StunResponder.Mode.class, names = {"XOR_MAPPED", "MAPPED_ONLY", "GARBAGE_FIRST"})
  void learnsTheAddressTheServerReports(StunResponder.Mode mode) throws Exception {
    try (StunResponder stun = new StunResponder(ip("198.51.100.77"), mode)) {
      StunClient.Result r = new StunClient(List.of(stun.hostPort()), GENEROUS).publicAddress();
      assertEquals(Optional.of(ip("198.51.100.77")), r.address());
    }
  }

  @Test
  void learnsAnIpv6Address() throws Exception {
    try (StunResponder stun = new StunResponder(ip("2001:db8::77"))) {
      assertEquals(Optional.of(ip("2001:db8::77")),
          new StunClient(List.of(stun.hostPort()), GENEROUS).publicAddress().address());
    }
  }

  @Test
  void triesTheNextServerWhenOneIsSilent() throws Exception {
    try (StunResponder dead = new StunResponder(ip("192.0.2.1"), StunResponder.Mode.SILENT);
         StunResponder alive = new StunResponder(ip("198.51.100.77"))) {
      // The silent server's timeout is the point here; short, and the live one is asked only after it.
      StunClient.Result r = new StunClient(List.of(dead.hostPort(), alive.hostPort()), Duration.ofMillis(600))
          .publicAddress();
      assertEquals(Optional.of(ip("198.51.100.77")), r.address());
      assertTrue(dead.requests() >= 1, "the first server was asked first");
    }
  }

  @Test
  void noServerAnsweringNamesEachServerButNoAddress() throws Exception {
    try (StunResponder dead = new StunResponder(ip("198.51.100.77"), StunResponder.Mode.SILENT)) {
      StunClient.Result r = new StunClient(List.of(dead.hostPort()), Duration.ofMillis(300)).publicAddress();
      assertFalse(r.address().isPresent());
      assertTrue(r.failure().toString().contains(dead.hostPort()), r.failure().toString());
      assertFalse(r.toString().contains("198.51.100.77"), r.toString());
    }
  }

  @Test
  void serverListEntriesAreChecked() {
    assertEquals(new StunClient.HostPort("stun.l.google.com", 19302), StunClient.endpoint("stun.l.google.com:19302"));
    assertEquals(new StunClient.HostPort("stun.example.org", 3478), StunClient.endpoint("stun.example.org"));
    assertEquals(new StunClient.HostPort("2001:db8::1", 3478), StunClient.endpoint("[2001:db8::1]:3478"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StunClient(List.of("stun.example.org:99999"), GENEROUS));
    assertTrue(e.getMessage().contains("stun.example.org:99999"), e.getMessage());
  }

  /** RFC 5769 section 2.2, the sample IPv4 response (integrity and fingerprint values zeroed: not checked). */
  @Test
  void readsTheRfc5769SampleResponse() throws Exception {
    byte[] tx = java.util.HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");
    byte[] packet = java.util.HexFormat.of().parseHex("0101003c" + "2112a442" + "b7e7a701bc34d686fa87dfae"
        + "8022000b" + "74657374" + "20766563" + "746f7220"
        + "00200008" + "0001a147" + "e112a643"
        + "00080014" + "00".repeat(20)
        + "80280004" + "00000000");
    assertEquals(ip("192.0.2.1"), StunClient.parseResponse(packet, tx));
  }

  @Test
  void responsesToAnotherTransactionAreIgnored() throws Exception {
    byte[] tx = new byte[12];
    byte[] other = new byte[12];
    other[0] = 1;
    byte[] packet = java.nio.ByteBuffer.allocate(32).putShort((short) 0x0101).putShort((short) 12)
        .putInt(StunClient.MAGIC_COOKIE).put(other).putShort((short) 0x0020).putShort((short) 8)
        .put(new byte[] {0, 1, 0, 0, 1, 2, 3, 4}).array();
    assertEquals(null, StunClient.parseResponse(packet, tx));
  }
}
