package org.kuzet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;

/**
 * Footprint of the real launcher ({@code bin/kuzet}, with its JVM flags) measured from outside with GNU time:
 * wall time, CPU time and peak resident memory of {@code kuzet --version}, a one-URL {@code kuzet measure} and a
 * many-URL run, each against a loopback world hosted by this process.
 */
final class FootprintBench {
  record Row(String what, int runs, double wallMedian, double cpuMedian, long maxRssKib) {}

  private final Path launcher;
  private final PrintStream log;

  FootprintBench(Path launcher, PrintStream log) {
    this.launcher = launcher;
    this.log = log;
  }

  List<Row> run(int repeats, int manyUrls) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      throw new IOException("/usr/bin/time (GNU time) is needed to measure memory: apt-get install time");
    }
    List<Row> rows = new ArrayList<>();
    InetAddress siteIp = LoopbackAddresses.next();
    try (FakeDnsServer dns = new FakeDnsServer(); MockWebServer site = new MockWebServer()) {
      site.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().body("<html><title>ok</title>" + "x".repeat(20_000) + "</html>").build();
        }
      });
      site.start(siteIp, 0);
      List<String> world = List.of("--system-resolver",
          dns.address().getAddress().getHostAddress() + ":" + dns.port(), "--treat-as-public", "127.0.0.0/8");
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < manyUrls; i++) {
        String host = "fp-" + i + ".bench.kz";
        dns.answer(host, siteIp.getHostAddress());
        urls.add("http://" + host + ":" + site.getPort() + "/");
      }
      Path list = Files.createTempFile("kuzet-footprint", ".txt");
      try {
        Files.write(list, urls, StandardCharsets.UTF_8);
        rows.add(measure("kuzet --version", repeats, List.of("--version")));
        List<String> one = new ArrayList<>(List.of("measure", "--json"));
        one.addAll(world);
        one.add(urls.get(0));
        rows.add(measure("kuzet measure (1 URL)", repeats, one));
        List<String> many = new ArrayList<>(List.of("measure", "--json", "--targets", list.toString()));
        many.addAll(world);
        rows.add(measure("kuzet measure (" + manyUrls + " URLs, parallel 16)", 1, many));
      } finally {
        Files.deleteIfExists(list);
      }
    }
    return rows;
  }

  private Row measure(String what, int repeats, List<String> args) throws IOException, InterruptedException {
    log.println(what + " ×" + repeats + " ...");
    double[] wall = new double[repeats];
    double[] cpu = new double[repeats];
    long maxRss = 0;
    for (int i = 0; i < repeats; i++) {
      Path report = Files.createTempFile("kuzet-time", ".txt");
      try {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %U %S %M",
            launcher.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("KUZET_CONTROL", "none"); // the loopback world has no control; never reach OONI's
        pb.environment().put("KUZET_BASELINE", "off"); // nor the bundled control list's real sites
        pb.environment().put("KUZET_STUN", "none"); // nor a real STUN server or the resolver's whoami
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IOException(what + " did not finish within 30 minutes");
        }
        String[] f = Files.readString(report).strip().lines().reduce((a, b) -> b).orElse("").split(" ");
        wall[i] = Double.parseDouble(f[0]);
        cpu[i] = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
        maxRss = Math.max(maxRss, Long.parseLong(f[3]));
      } finally {
        Files.deleteIfExists(report);
      }
    }
    return new Row(what, repeats, median(wall), median(cpu), maxRss);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static void print(List<Row> rows, PrintStream out) {
    out.println("| what | runs | wall s (median) | CPU s (median) | peak RSS MiB |");
    out.println("|---|---:|---:|---:|---:|");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.0f |%n", r.what(), r.runs(), r.wallMedian(),
          r.cpuMedian(), r.maxRssKib() / 1024.0);
    }
  }
}
