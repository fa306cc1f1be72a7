package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;

/** The volunteer's addresses leave every string of a measurement, in every form a page writes them. */
class ScrubberTest {
  private static final String V4 = "203.0.113.77";
  private static final String V6 = "2001:db8::77";
  private final Scrubber scrubber = new Scrubber(List.of(IpLiterals.parse(V4), IpLiterals.parse(V6)));

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"203.0.113.77", "203.000.113.077", "203-0-113-77", "203_0_113_77", "77.113.0.203",
      "203%2E0%2E113%2E77", "203%2e0%2e113%2e77", "3405803853", "2001:db8::77", "2001:DB8::77",
      "2001:0db8:0000:0000:0000:0000:0000:0077", "2001:db8:0:0:0:0:0:77", "2001:db8::0:77", "2001%3Adb8%3A%3A77",
      "2001%3adb8%3a%3a77", "::ffff:203.0.113.77", "::FFFF:cb00:714d", "0:0:0:0:0:ffff:203.0.113.77"})
  void everySpellingIsScrubbed(String form) {
    assertEquals("you are [scrubbed]!", scrubber.scrub("you are " + form + "!"));
    assertEquals("[[scrubbed]]:443", scrubber.scrub("[" + form + "]:443"));
    assertEquals("ip=[scrubbed]&x=1", scrubber.scrub("ip=" + form + "&x=1"));
    assertEquals("ip-[scrubbed].pool.example.kz", scrubber.scrub("ip-" + form + ".pool.example.kz"));
  }

  @Test
  void otherAddressesAndLookAlikesStay() {
    for (String other : new String[] {"203.0.113.7", "203.0.113.770", "1203.0.113.77", "2203.0.113.77",
        "2001:db8::7", "2001:db8::770", "34058038530", "12:30:45", "203.0.113", "loopback 127.0.0.1 and ::1",
        "v=203.0.113.78"}) {
      assertEquals(other, scrubber.scrub(other));
    }
    assertEquals("1.[scrubbed]", scrubber.scrub("1.203.0.113.77"), "overlapping candidates are all looked at");
    assertEquals("[scrubbed], [scrubbed] and [scrubbed]",
        scrubber.scrub("203.0.113.77, 2001:db8::77 and ::ffff:203.0.113.77"));
  }

  @Test
  void loopbackIsNeverScrubbed() {
    Scrubber loopback = new Scrubber(List.of(IpLiterals.parse("127.0.0.1"), IpLiterals.parse("::1")));
    assertEquals("127.0.0.1 ::1", loopback.scrub("127.0.0.1 ::1"));
  }

  private static Measurement measurement(String body, String header, String failure) {
    HttpTransaction.Response response = new HttpTransaction.Response(200, java.util.Map.of("X-Client-Ip", header),
        List.of(List.of("Set-Cookie", "ip=" + header + "; Path=/")), body, false, body.length(), "Hi " + header);
    HttpTransaction tx = new HttpTransaction(new HttpTransaction.Request("GET", "http://echo.kz/?ip=" + header,
        java.util.Map.of(), "", "tcp"), response, failure, 0, 1, "198.51.100.1:80", 0);
    DnsQuery q = new DnsQuery("system", "192.0.2.53:53", "echo.kz", "A", 0,
        List.of(new DnsAnswer("A", V4, null, null, 60, false)), null, null, 0, 1, List.of(), null);
    TestKeys keys = TestKeys.observations(List.of(q), List.of(new TcpConnect(V4, 80,
        new TcpConnect.Status(true, null, null), 0, 1)), List.of(), List.of(tx), null);
    return new Measurement("uid", "r", "http://echo.kz/", "2026-11-30 10:00:00", "2026-11-30 10:00:00", "AS0", "ZZ",
        "kuzet", "0", Measurement.TEST_NAME, "0.1.0", 1, Measurement.DATA_FORMAT_VERSION, java.util.Map.of(), keys);
  }

  @Test
  void aMeasurementLosesTheAddressesEverywhereButTheMeasuredEndpointsAndItsLengthsStayTrue() {
    String body = "<p>Your IP: " + V4 + "</p><p>" + V6.toUpperCase() + "</p>";
    Measurement m = scrubber.scrub(measurement(body, V4, "unknown_failure: bound to " + V6));

    HttpTransaction tx = m.testKeys().requests().get(0);
    String expectedBody = "<p>Your IP: [scrubbed]</p><p>[scrubbed]</p>";
    assertEquals(expectedBody, tx.response().body());
    assertEquals(expectedBody.length(), tx.response().xBodyLength(), "x_body_length follows the body");
    assertEquals("[scrubbed]", tx.response().headers().get("X-Client-Ip"));
    assertEquals(List.of("Set-Cookie", "ip=[scrubbed]; Path=/"), tx.response().headersList().get(0));
    assertEquals("Hi [scrubbed]", tx.response().xTitle());
    assertEquals("http://echo.kz/?ip=[scrubbed]", tx.request().url());
    assertEquals("unknown_failure: bound to [scrubbed]", tx.failure());
    assertEquals(V4, m.testKeys().queries().get(0).answers().get(0).ipv4(),
        "a measured endpoint's address is an observation of the site, kept");
    assertEquals(V4, m.testKeys().tcpConnect().get(0).ip());
  }

  @Test
  void aMeasurementWithoutTheAddressesIsReturnedAsItIs() {
    Measurement m = measurement("nothing here", "198.51.100.9", null);
    assertSame(m, scrubber.scrub(m));
    assertSame(m, new Scrubber(List.<InetAddress>of()).scrub(m));
  }
}
