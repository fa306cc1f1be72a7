package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;

/**
 * A site that echoes the visitor's address every way a page does (body text, a header, cookies, a JSON body, a
 * redirect URL), measured on loopback. The world's "public address" of the volunteer is 203.0.113.77 /
 * 2001:db8::77 (given with the hidden --scrub-address, where the network-identity lookup would feed it). No form of
 * it may reach the stored measurement, the exports or {@code measure --json}.
 */
class ScrubbedAddressesTest {
  private static final String V4 = "203.0.113.77";
  private static final String V6 = "2001:db8::77";
  /** Every form the site writes; none may come out. */
  private static final List<String> FORMS = List.of(V4, "203-0-113-77", "203%2E0%2E113%2E77", "3405803853", V6,
      "2001:0db8:0000:0000:0000:0000:0000:0077", "2001:DB8::77", "2001%3Adb8%3A%3A77", "::ffff:203.0.113.77",
      "::ffff:cb00:714d");

  @TempDir Path dir;
  private final FakeDnsServer dns = new FakeDnsServer();
  private MockWebServer site;

  @AfterEach
  void close() {
    dns.close();
    if (site != null) {
      site.close();
    }
  }

  private static String echoPage() {
    return "<html><title>Your IP is " + V4 + "</title><body>Hello " + V4 + " (ip-203-0-113-77.pool.example.kz), as "
        + "a number 3405803853; IPv6 " + V6 + " = 2001:0db8:0000:0000:0000:0000:0000:0077 = [2001:DB8::77]; "
        + "mapped ::ffff:203.0.113.77 or ::ffff:cb00:714d</body></html>";
  }

  private void startEchoSite() throws Exception {
    site = TlsSites.http(LoopbackAddresses.next());
    site.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/")) {
          return new MockResponse.Builder().code(302)
              .setHeader("Location", "/landing?ip=203%2E0%2E113%2E77&v6=2001%3Adb8%3A%3A77")
              .setHeader("X-Your-Ip", V4)
              .addHeader("Set-Cookie", "visitor=" + V4 + "; Path=/")
              .addHeader("Set-Cookie", "visitor6=[" + V6 + "]; Path=/").build();
        }
        if (path.equals("/api")) {
          return new MockResponse.Builder().setHeader("Content-Type", "application/json")
              .body("{\"ip\":\"" + V4 + "\",\"ipv6\":\"" + V6.toUpperCase(Locale.ROOT) + "\",\"forwarded\":\"for="
                  + V4 + "\"}").build();
        }
        return new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
            .setHeader("X-Forwarded-For", V4 + ", 198.51.100.1").body(echoPage()).build();
      }
    });
    dns.answer("echo.kz", site.getSocketAddress().getAddress().getHostAddress());
  }

  private List<String> args(String... first) {
    List<String> a = new ArrayList<>(List.of(first));
    a.addAll(List.of("--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "1s", "--timeout-connect", "2s", "--timeout-http", "3s",
        "--scrub-address", V4, "--scrub-address", V6,
        TlsSites.httpUrl(site, "echo.kz", "/").toString(), TlsSites.httpUrl(site, "echo.kz", "/api").toString()));
    return a;
  }

  private static void assertNoAddress(String where, String text) {
    for (String form : FORMS) {
      assertFalse(text.toLowerCase(Locale.ROOT).contains(form.toLowerCase(Locale.ROOT)),
          where + " contains " + form + ":\n" + text);
    }
    assertTrue(text.contains("[scrubbed]"), where + " shows where an address was: " + text);
  }

  @Test
  void noFormOfTheVolunteersAddressLeavesTheProbe() throws Exception {
    startEchoSite();

    CliRun measure = CliRun.of(args("measure", "--json").toArray(String[]::new));
    assertEquals(0, measure.exit(), measure.err());
    assertNoAddress("measure --json", measure.out());
    for (String line : measure.out().lines().toList()) {
      for (HttpTransaction tx : MeasurementJson.parse(line).testKeys().requests()) {
        if (tx.response().body() != null && !tx.response().bodyIsTruncated()) {
          assertEquals(tx.response().body().getBytes(StandardCharsets.UTF_8).length, tx.response().xBodyLength(),
              "the body length is the scrubbed body's");
        }
      }
    }

    Path db = dir.resolve("kuzet.db");
    List<String> run = args("run", "--once", "--db", db.toString(), "--skip-connectivity-check");
    CliRun once = CliRun.of(run.toArray(String[]::new));
    assertEquals(0, once.exit(), once.err());
    for (String form : FORMS) {
      assertFalse((once.out() + once.err()).contains(form), "run --once output: " + once.out() + once.err());
    }
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      List<StoredMeasurement> stored = store.measurements().find(MeasurementFilter.all());
      assertEquals(2, stored.size());
      for (StoredMeasurement s : stored) {
        String json = store.measurements().byUid(s.uid()).orElseThrow().measurementJson();
        assertNoAddress("the stored measurement", json);
        Measurement m = MeasurementJson.parse(json);
        assertTrue(m.testKeys().requests().stream().anyMatch(tx -> tx.response().code() != null
            && tx.response().code() == 200), "the echo pages were fetched: " + json);
      }
    }
    for (String format : List.of("jsonl", "ooni")) {
      CliRun export = CliRun.of("export", "--format", format, "--db", db.toString());
      assertEquals(0, export.exit(), export.err());
      assertEquals(2, export.out().lines().count(), export.out());
      assertNoAddress("export --format " + format, export.out());
    }
  }
}
