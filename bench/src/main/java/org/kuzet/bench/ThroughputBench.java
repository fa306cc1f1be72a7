package org.kuzet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.kuzet.core.MeasurementRunner;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.backend.helper.TestHelperServer;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.Measurement;

/**
 * Whole-run throughput on a loopback world ({@link CensoredWorld}: 30% blackholed, 10% resetting, the rest
 * answering 200). Measures kuzet's wall time at several parallelisms against the ideal
 * (blackholed connects × timeout / parallelism) and against a curl + dig baseline run with {@code xargs -P}.
 */
final class ThroughputBench {
  record Row(String tool, int parallelism, int urls, double wallSeconds, double idealSeconds, double floorSeconds,
      double inOrderSeconds) {
    double urlsPerMinute() {
      return urls / wallSeconds * 60;
    }

    double ratioToIdeal() {
      return wallSeconds / idealSeconds;
    }

    double ratioToFloor() {
      return wallSeconds / floorSeconds;
    }

    double ratioToInOrder() {
      return wallSeconds / inOrderSeconds;
    }
  }

  /**
   * The least wall time any tool can take: a blackholed connect costs the whole timeout and occupies one of the
   * {@code parallelism} slots meanwhile, so {@code blackholed} of them take at least ceil(blackholed / parallelism)
   * timeouts one after the other. The "ideal" (blackholed × timeout ÷ parallelism) is below it whenever the
   * parallelism does not divide the blackholed count: 150 at 64 is three rounds (3.0 s), not 2.34.
   */
  static double floorSeconds(int blackholed, Duration timeout, int parallelism) {
    return Math.ceil((double) blackholed / parallelism) * seconds(timeout);
  }

  /**
   * The least wall time of a tool that starts the URLs in the list's order, {@code parallelism} at a time, each as
   * soon as a slot is free, and costs nothing but the world's own {@code waits} (a blackholed connect's timeout, a
   * resetting server's grace): no CPU, no round trips. kuzet and curl+dig both take the list in order; only knowing
   * beforehand which sites are slow, and starting those first, could do better (down to the floor).
   */
  static double inOrderSeconds(List<Double> waits, int parallelism) {
    java.util.PriorityQueue<Double> slots = new java.util.PriorityQueue<>();
    for (int i = 0; i < parallelism; i++) {
      slots.add(0.0);
    }
    double end = 0;
    for (double wait : waits) {
      double done = slots.poll() + wait;
      slots.add(done);
      end = Math.max(end, done);
    }
    return end;
  }

  private final int urls;
  private final int warmUpUrls;
  private final Duration connectTimeout;
  private final List<Integer> parallelisms;
  private final List<Integer> controlParallelisms;
  private final PrintStream log;

  ThroughputBench(int urls, int warmUpUrls, Duration connectTimeout, List<Integer> parallelisms,
      List<Integer> controlParallelisms, PrintStream log) {
    this.urls = urls;
    this.warmUpUrls = warmUpUrls;
    this.connectTimeout = connectTimeout;
    this.parallelisms = parallelisms;
    this.controlParallelisms = controlParallelisms;
    this.log = log;
  }

  List<Row> run() throws Exception {
    List<Row> rows = new ArrayList<>();
    try (CensoredWorld world = CensoredWorld.start(urls)) {
      if (warmUpUrls > 0) {
        // Not timed: the JIT compiles kuzet's hot path once, as in a service that has run before, so the first
        // row does not pay for it alone (the service benchmark's rows include a cold JVM).
        log.println("warm-up (not timed):");
        runKuzet(world.dns(), world.urls().subList(0, Math.min(warmUpUrls, urls)), 64, null);
      }
      List<Double> waits = world.waits(seconds(connectTimeout));
      for (int p : parallelisms) {
        double ideal = world.blackholed() * seconds(connectTimeout) / p;
        double floor = floorSeconds(world.blackholed(), connectTimeout, p);
        double inOrder = inOrderSeconds(waits, p);
        rows.add(new Row("kuzet", p, urls, runKuzet(world.dns(), world.urls(), p, null), ideal, floor, inOrder));
        Double baseline = runBaseline(world.dns(), world.curlLines(), p);
        if (baseline != null) {
          rows.add(new Row("curl+dig", p, urls, baseline, ideal, floor, inOrder));
        }
      }
      for (int p : controlParallelisms) {
        double ideal = world.blackholed() * seconds(connectTimeout) / p;
        double floor = floorSeconds(world.blackholed(), connectTimeout, p);
        double inOrder = inOrderSeconds(waits, p);
        // The real test helper on loopback, resolving with the world's resolver and connecting with the same
        // timeout: it answers every URL, and a blackholed site costs it the same connect timeout, in parallel.
        try (TestHelperServer helper = TestHelperServer.start(
            TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
                .resolver(world.dns().address())
                .allowPrivate(true)
                .maxInflight(Math.max(64, 2 * p))
                .dnsTimeout(Duration.ofSeconds(4))
                .connectTimeout(connectTimeout)
                .tlsTimeout(Duration.ofSeconds(10))
                .httpTimeout(Duration.ofSeconds(10))
                .build())) {
          rows.add(new Row("kuzet + control", p, urls, runKuzet(world.dns(), world.urls(), p, helper.url()), ideal,
              floor, inOrder));
        }
      }
    }
    return rows;
  }

  private double runKuzet(FakeDnsServer dns, List<String> inputs, int parallelism, String controlUrl)
      throws InterruptedException {
    ProbeSettings settings = ProbeSettings.builder()
        .systemResolvers(List.of(dns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .dnsTimeout(Duration.ofSeconds(4))
        .connectTimeout(connectTimeout)
        .tlsTimeout(Duration.ofSeconds(10))
        .httpTimeout(Duration.ofSeconds(10))
        .parallelism(parallelism)
        .controlUrls(controlUrl == null ? List.of() : List.of(controlUrl))
        .build();
    log.printf(Locale.ROOT, "kuzet     p=%-3d %d URLs%s ...%n", parallelism, inputs.size(),
        controlUrl == null ? "" : ", control " + controlUrl);
    long start = System.nanoTime();
    int[] counts = new int[2];
    try (WebConnectivity experiment = new WebConnectivity(settings)) {
      new MeasurementRunner(experiment, parallelism).run(inputs, "bench", new MeasurementRunner.Sink() {
        @Override
        public void measured(Measurement m) {
          counts[0]++;
          if (controlUrl != null && m.testKeys().controlFailure() != null) {
            counts[1]++;
          }
          if (Boolean.getBoolean("bench.verbose")) {
            log.printf(Locale.ROOT, "  %.2fs %s%n", m.testRuntime(), m.input());
          }
        }

        @Override
        public void failed(String input, RuntimeException error) {
          counts[1]++;
          log.println("  failed " + input + ": " + error);
        }
      });
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (counts[0] != inputs.size()) {
      log.printf("  WARNING: %d of %d measured%n", counts[0], inputs.size());
    }
    if (controlUrl != null && counts[1] > 0) {
      log.printf("  WARNING: %d of %d measurements have a control failure%n", counts[1], inputs.size());
    }
    return wall;
  }

  /**
   * What a volunteer could script instead: for each URL, {@code dig} the name at the same resolver, then {@code
   * curl} the answer with the same connect and total timeouts, {@code xargs -P} wide. Returns null (and says why)
   * when curl or dig is missing.
   */
  private Double runBaseline(FakeDnsServer dns, List<String> lines, int parallelism)
      throws IOException, InterruptedException {
    for (String tool : List.of("curl", "dig", "xargs")) {
      if (!onPath(tool)) {
        log.println("curl+dig  p=" + parallelism + " skipped: '" + tool + "' is not installed"
            + ("dig".equals(tool) ? " (apt-get install bind9-dnsutils)" : ""));
        return null;
      }
    }
    Path input = Files.createTempFile("kuzet-bench", ".txt");
    Path script = Files.createTempFile("kuzet-bench", ".sh");
    try {
      Files.write(input, lines, StandardCharsets.UTF_8);
      long connect = Math.max(1, connectTimeout.toMillis());
      // $1 host, $2 port. Same steps kuzet takes for an http:// URL: A lookup, TCP connect, GET with a body cap.
      Files.writeString(script, String.join("\n",
          "#!/bin/sh",
          "ip=$(dig +short +time=4 +tries=1 -p " + dns.port() + " @" + dns.address().getAddress().getHostAddress()
              + " \"$1\" A | tail -n1)",
          "[ -n \"$ip\" ] || exit 0",
          "curl -s -o /dev/null --max-filesize 1048576 --connect-timeout "
              + String.format(Locale.ROOT, "%.3f", connect / 1000.0)
              + " -m 10 --resolve \"$1:$2:$ip\" \"http://$1:$2/\" || true",
          ""));
      script.toFile().setExecutable(true);
      log.printf(Locale.ROOT, "curl+dig  p=%-3d %d URLs ...%n", parallelism, lines.size());
      long start = System.nanoTime();
      Process xargs = new ProcessBuilder("xargs", "-P", Integer.toString(parallelism), "-L", "1",
          script.toString())
          .redirectInput(input.toFile())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!xargs.waitFor(2, TimeUnit.HOURS)) {
        xargs.destroyForcibly();
        throw new IOException("baseline did not finish within 2 hours");
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      Files.deleteIfExists(input);
      Files.deleteIfExists(script);
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
