package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.testing.LoopbackAddresses;

/** {@code kuzet helper} argument errors, and the control flags of {@code kuzet measure}. */
class HelperCommandTest {
  @TempDir Path dir;

  private static void assertUsageError(String message, String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(Main.EXIT_USAGE, run.exit(), String.join(" ", args) + " → " + run.err());
    assertTrue(run.err().contains(message), "expected '" + message + "' in: " + run.err());
    assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    assertEquals("", run.out());
  }

  @Test
  void badHelperFlagsAreOneLineUsageErrors() {
    String missing = dir.resolve("missing.pem").toString();
    Map<String, String[]> cases = new LinkedHashMap<>();
    cases.put("--listen", new String[] {"helper"});
    cases.put("give HOST:PORT", new String[] {"helper", "--listen", "127.0.0.1"});
    cases.put("bad port '99999'", new String[] {"helper", "--listen", "127.0.0.1:99999"});
    cases.put("missing host", new String[] {"helper", "--listen", ":8080"});
    cases.put("--tls-cert needs --tls-key", new String[] {"helper", "--listen", "127.0.0.1:0", "--tls-cert", missing});
    cases.put("--tls-key needs --tls-cert", new String[] {"helper", "--listen", "127.0.0.1:0", "--tls-key", missing});
    cases.put("missing.pem: no such file",
        new String[] {"helper", "--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", missing});
    cases.put("--resolver not-an-ip", new String[] {"helper", "--listen", "127.0.0.1:0", "--resolver", "not-an-ip"});
    cases.put("--max-inflight 0", new String[] {"helper", "--listen", "127.0.0.1:0", "--max-inflight", "0"});
    cases.put("--trust-roots", new String[] {"helper", "--listen", "127.0.0.1:0", "--trust-roots", missing});
    cases.put("Unknown option: '--frobnicate'", new String[] {"helper", "--listen", "127.0.0.1:0", "--frobnicate"});
    cases.forEach((message, args) -> assertUsageError(message, args));
  }

  @Test
  void anAddressInUseIsNamed() throws IOException {
    InetAddress ip = LoopbackAddresses.next();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(ip, 0));
      String listen = ip.getHostAddress() + ":" + taken.getLocalPort();
      assertUsageError("--listen " + listen + ": cannot listen on " + listen, "helper", "--listen", listen);
    }
  }

  @Test
  void helpListsTheFlags() {
    CliRun run = CliRun.of("helper", "--help");
    assertEquals(0, run.exit());
    for (String flag : new String[] {"--listen", "--tls-cert", "--tls-key", "--resolver", "--allow-private",
        "--max-inflight"}) {
      assertTrue(run.out().contains(flag), flag + " in: " + run.out());
    }
  }

  @Test
  void measureValidatesItsControlFlags() {
    assertUsageError("--control ftp://helper.kz/: not an http:// or https:// URL",
        "measure", "--control", "ftp://helper.kz/", "https://a.kz/");
    assertUsageError("--timeout-control", "measure", "--timeout-control", "0s", "https://a.kz/");
  }
}
