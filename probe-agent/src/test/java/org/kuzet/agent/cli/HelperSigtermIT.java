package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.LoopbackAddresses;

/**
 * Issue 15, point 12: {@code kuzet helper} and {@code kuzet collector} under a crowd of slow and idle
 * connections still stop on SIGTERM (the JDK server's dead dispatcher used to ignore it). Real processes, real
 * signals, loopback only.
 */
class HelperSigtermIT {
  @Test
  void theHelperStopsOnSigtermWhileAttacked() throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    assertStopsWhileAttacked("helper", "--listen", ip.getHostAddress() + ":0", "--resolver", "127.0.0.1:1");
  }

  @Test
  void theCollectorStopsOnSigtermWhileAttacked(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    assertStopsWhileAttacked("collector", "--listen", ip.getHostAddress() + ":0", "--db",
        dir.resolve("c.db").toString());
  }

  private static void assertStopsWhileAttacked(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<AutoCloseable> attackers = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(line != null && line.contains("listening on "), String.valueOf(line));
      URI url = URI.create(line.substring(line.indexOf("http")).split("[ ,]")[0]);
      InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
      // Slow headers and slow bodies, then a thousand connections that send nothing.
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.getOutputStream().write((i % 2 == 0 ? "POST / HTTP/1.1\r\nHost: x\r\n"
            : "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        attackers.add(s);
      }
      for (int i = 0; i < 1000; i++) {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        c.connect(address);
        attackers.add(c);
      }

      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(90, TimeUnit.SECONDS), "still running 90 s after SIGTERM");
      assertFalse(p.isAlive());
    } finally {
      for (AutoCloseable a : attackers) {
        a.close();
      }
      p.destroyForcibly();
    }
  }
}
