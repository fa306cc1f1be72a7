package org.kuzet.agent.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.kuzet.backend.tls.ServerTls;
import org.kuzet.backend.helper.TestHelperServer;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.tls.TrustRoots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kuzet helper}: run a web connectivity test helper (the control) until SIGTERM or SIGINT. */
@Command(name = "helper", mixinStandardHelpOptions = true,
    description = "Run a test helper (control) speaking OONI's web connectivity protocol, until stopped.")
public final class HelperCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
      description = "Address to listen on, e.g. 0.0.0.0:8080 or [::]:8443.")
  String listen;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Serve HTTPS with this certificate chain (leaf first); needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Unencrypted PKCS#8 private key for --tls-cert.")
  Path tlsKey;

  @Option(names = "--resolver", paramLabel = "IP[:PORT]",
      description = "DNS server the helper uses (default: the machine's first nameserver).")
  String resolver;

  @Option(names = "--allow-private",
      description = "Allow fetching loopback/private/bogon addresses. For test networks only: on a public helper "
          + "this lets anyone probe your own network.")
  boolean allowPrivate;

  @Option(names = "--max-inflight", paramLabel = "N", defaultValue = "32",
      description = "Control requests measured at once; more get HTTP 503 (default: ${DEFAULT-VALUE}).")
  int maxInflight;

  @Option(names = "--trust-roots", paramLabel = "PEM",
      description = "Trust these roots in addition to kuzet's bundled Mozilla roots (repeatable).")
  List<Path> trustRoots = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    TestHelperServer.Config config = config();
    TestHelperServer server;
    try {
      server = TestHelperServer.start(config);
    } catch (IOException e) {
      throw new UsageException("--listen " + listen + ": " + e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "kuzet-helper-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    spec.commandLine().getOut().println("kuzet helper listening on " + server.url()
        + (allowPrivate ? " (private addresses allowed)" : ""));
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** Validates every flag; bad values become a {@link UsageException} naming the flag. */
  TestHelperServer.Config config() {
    if (maxInflight < 1 || maxInflight > 10_000) {
      throw new UsageException("--max-inflight " + maxInflight + ": must be between 1 and 10000");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException(tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
    }
    TestHelperServer.Builder b = TestHelperServer.builder(listenAddress())
        .allowPrivate(allowPrivate)
        .maxInflight(maxInflight);
    if (resolver != null) {
      try {
        b.resolver(IpLiterals.parseEndpoint(resolver, 53));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--resolver " + resolver + ": " + e.getMessage());
      }
    }
    if (tlsCert != null) {
      try {
        SSLContext tls = ServerTls.fromPem(tlsCert, tlsKey);
        b.tls(tls);
      } catch (IOException e) {
        throw new UsageException("--tls-cert/--tls-key: " + e.getMessage(), e);
      }
    }
    try {
      b.trustRoots(TrustRoots.bundled().plusPemFiles(trustRoots));
    } catch (IOException e) {
      throw new UsageException("--trust-roots: " + e.getMessage(), e);
    }
    return b.build();
  }

  private InetSocketAddress listenAddress() {
    String s = listen.trim();
    int colon = s.lastIndexOf(':');
    if (colon < 0 || colon == s.length() - 1) {
      throw new UsageException("--listen " + listen + ": give HOST:PORT, e.g. 127.0.0.1:8080");
    }
    String host = s.substring(0, colon);
    String portText = s.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--listen " + listen + ": bad port '" + portText + "' (0-65535)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new UsageException("--listen " + listen + ": missing host (use 0.0.0.0 for all interfaces)");
    }
    try {
      InetAddress address = IpLiterals.isLiteral(host) ? IpLiterals.parse(host) : InetAddress.getByName(host);
      return new InetSocketAddress(address, port);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new UsageException("--listen " + listen + ": unknown host '" + host + "'");
    }
  }
}
