package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.Failures;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;

/** {@code kuzet measure} end to end on a loopback network, and its handling of bad input. */
class MeasureCommandTest {
  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();
  private final TestPki pki = new TestPki();
  private MockWebServer http;
  private MockWebServer https;

  @AfterEach
  void close() {
    dns.close();
    for (MockWebServer s : new MockWebServer[] {http, https}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private String[] measure(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("measure", "--json",
        "--system-resolver", "127.0.0.1:1", // never used: overridden below
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "5s", "--timeout-connect", "5s",
        "--timeout-tls", "10s", "--timeout-http", "10s"));
    args.set(3, dns.address().getAddress().getHostAddress() + ":" + dns.port());
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void measuresHttpAndHttpsSitesAndPrintsOneJsonLineEach() throws IOException {
    java.net.InetAddress httpIp = LoopbackAddresses.next();
    java.net.InetAddress httpsIp = LoopbackAddresses.next();
    http = TlsSites.http(httpIp);
    http.enqueue(new MockResponse.Builder().body("<title>Hola</title>news").build());
    https = TlsSites.https(httpsIp, pki.serverCertificate("secure.kz"));
    https.enqueue(new MockResponse.Builder().code(451).body("<title>Blocked</title>").build());
    dns.answer("plain.kz", httpIp.getHostAddress());
    dns.answer("secure.kz", httpsIp.getHostAddress());
    dns.nxdomain("gone.kz");
    Path roots = dir.resolve("roots.pem");
    Files.writeString(roots, pki.rootPem());

    CliRun run = CliRun.of(measure("--trust-roots", roots.toString(),
        TlsSites.httpUrl(http, "plain.kz", "/").toString(),
        TlsSites.httpsUrl(https, "secure.kz", "/").toString(),
        "https://gone.kz/"));

    assertEquals(0, run.exit(), run.err());
    Map<String, Measurement> byInput = run.out().lines().map(MeasurementJson::parse)
        .collect(Collectors.toMap(Measurement::input, Function.identity()));
    assertEquals(3, byInput.size(), run.out());

    Measurement plain = byInput.get(TlsSites.httpUrl(http, "plain.kz", "/").toString());
    assertEquals(200, plain.testKeys().requests().get(0).response().code());
    assertEquals("Hola", plain.testKeys().requests().get(0).response().xTitle());
    assertNull(plain.testKeys().tcpConnect().get(0).status().failure());

    Measurement secure = byInput.get(TlsSites.httpsUrl(https, "secure.kz", "/").toString());
    TlsHandshake tls = secure.testKeys().tlsHandshakes().get(0);
    assertNull(tls.failure(), "the test root given with --trust-roots validates the chain");
    assertEquals("secure.kz", tls.serverName());
    assertEquals(451, secure.testKeys().requests().get(0).response().code());
    assertEquals(Verdict.BLOCKED, secure.testKeys().xVerdict(), "a 451 is conclusive without a control");
    assertEquals(List.of(Signal.HTTP_451), secure.testKeys().xSignals());
    assertEquals(Verdict.INCONCLUSIVE, plain.testKeys().xVerdict(), "plain HTTP without a control proves nothing");

    Measurement gone = byInput.get("https://gone.kz/");
    assertTrue(gone.testKeys().queries().stream().allMatch(q -> Failures.DNS_NXDOMAIN.equals(q.failure())),
        "every query of gone.kz failed NXDOMAIN");
    assertTrue(gone.testKeys().tcpConnect().isEmpty());
    assertTrue(!run.out().contains("probe_ip"), "the volunteer's address is never printed");
  }

  @Test
  void warnsWhenTheMachineTrustsAKnownInterceptionRoot() throws IOException {
    Path store = Files.createDirectories(dir.resolve("certs"));
    try (var in = getClass().getResourceAsStream(
        "/org/kuzet/core/analysis/interception-roots/qaznet-trust-network-2016.pem")) {
      Files.copy(in, store.resolve("qaznet.pem"));
    }
    dns.nxdomain("gone.kz");
    CliRun run = CliRun.of(measure("--audit-trust-store", store.toString(), "https://gone.kz/"));
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("warning: this machine trusts qaznet-trust-network-2016"), run.err());
    assertTrue(run.err().contains("qaznet.pem"), run.err());

    CliRun clean = CliRun.of(measure("--audit-trust-store", dir.resolve("empty").toString(), "https://gone.kz/"));
    assertTrue(!clean.err().contains("warning"), clean.err());
  }

  @Test
  void humanSummaryNamesTheUrlAndTheFailure() {
    dns.nxdomain("gone.kz");
    CliRun run = CliRun.of(java.util.Arrays.stream(measure("https://gone.kz/"))
        .filter(a -> !a.equals("--json")).toArray(String[]::new));
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("https://gone.kz/"), run.out());
    assertTrue(run.out().contains(Failures.DNS_NXDOMAIN), run.out());
  }

  @Test
  void badInputIsAOneLineUsageError() throws IOException {
    Path notPem = dir.resolve("roots.pem");
    Files.writeString(notPem, "not a certificate\n");
    Map<String, String[]> cases = Map.of(
        "Unknown option: '--frobnicate'", new String[] {"measure", "--frobnicate", "https://a.kz/"},
        "'https//a.kz' ", new String[] {"measure", "https//a.kz"},
        "--timeout-dns", new String[] {"measure", "--timeout-dns", "soon", "https://a.kz/"},
        "--resolver", new String[] {"measure", "--resolver", "not-an-ip", "https://a.kz/"},
        "--trust-roots", new String[] {"measure", "--trust-roots", dir.resolve("none.pem").toString(), "https://a.kz/"},
        "roots.pem", new String[] {"measure", "--trust-roots", notPem.toString(), "https://a.kz/"},
        "--parallel", new String[] {"measure", "--parallel", "0", "https://a.kz/"},
        "--no-control and --control", new String[] {"measure", "--no-control", "--control", "http://127.0.0.1:1/",
            "https://a.kz/"},
        "--control ftp://th", new String[] {"measure", "--control", "ftp://th", "https://a.kz/"},
        "nothing to measure", new String[] {"measure"});
    cases.forEach((message, args) -> {
      CliRun run = CliRun.of(args);
      assertEquals(Main.EXIT_USAGE, run.exit(), String.join(" ", args) + " → " + run.err());
      assertTrue(run.err().contains(message.strip()) || run.err().contains(message.replace("'", "").strip()),
          "expected '" + message + "' in: " + run.err());
      assertEquals(1, run.err().lines().count(), "one line: " + run.err());
      assertEquals("", run.out());
    });
  }

  @Test
  void versionAndHelpExitZero() {
    CliRun version = CliRun.of("--version");
    assertEquals(0, version.exit());
    assertTrue(version.out().startsWith("kuzet "), version.out());
    CliRun noCommand = CliRun.of();
    assertEquals(Main.EXIT_USAGE, noCommand.exit());
    assertTrue(noCommand.err().contains("missing a command"), noCommand.err());
  }
}
