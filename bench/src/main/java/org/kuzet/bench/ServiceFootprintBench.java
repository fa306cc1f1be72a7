package org.kuzet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;

/**
 * Footprint of {@code kuzet service} as systemd runs it: the real launcher with the JVM flags of
 * {@code deploy/kuzet.service}, sampled from outside through {@code /proc/PID/status} (VmRSS, VmHWM) and
 * {@code /proc/PID/stat} (utime + stime).
 *
 * <p>The service gets a config of its own in a temp dir: its database there, consent recorded with {@code kuzet
 * consent --yes}, the next regular run months away (so it only idles), metrics off, and connectivity anchors that
 * are listeners this process opens on loopback (a DNS anchor and a TCP anchor), so every heartbeat does its real
 * work without leaving the machine. The service's config has no way to point its measurements at a loopback world
 * (no system resolver key, bogons are never connected to), so the run under load is {@code kuzet run --once} with
 * the same JVM flags over {@link CensoredWorld}: the same engine, store and writer the service's runs use.
 */
final class ServiceFootprintBench {
  /** One phase; NaN where a figure does not apply. */
  record Row(String what, double wallSeconds, double cpuSeconds, double rssMeanMib, double rssMaxMib) {}

  record Result(List<String> jvmFlags, String unitSource, List<Row> rows, List<String> notes) {}

  /** One reading of a process from /proc. */
  record Sample(long rssKib, long hwmKib, double cpuSeconds) {}

  private static final String ANCHOR_NAME = "anchor.bench.kz";
  /** What the fake resolver answers for the DNS anchor; nothing ever connects to it. */
  private static final String ANCHOR_ANSWER = "93.184.215.14";

  private final Path launcher;
  private final Path unit;
  private final PrintStream log;

  ServiceFootprintBench(Path launcher, Path unit, PrintStream log) {
    this.launcher = launcher;
    this.unit = unit;
    this.log = log;
  }

  Result run(int idleSeconds, String heartbeat, int urls, int parallel, long connectTimeoutMs) throws Exception {
    return run(idleSeconds, heartbeat, urls, parallel, 0, 0, connectTimeoutMs);
  }

  /** As above, plus a large run ({@code largeUrls} at {@code largeParallel}; 0 URLs skips it) with wall/ideal. */
  Result run(int idleSeconds, String heartbeat, int urls, int parallel, int largeUrls, int largeParallel,
      long connectTimeoutMs) throws Exception {
    List<String> flags = unitFlags(unit);
    List<Row> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Path tmp = Files.createTempDirectory("kuzet-service-bench");
    try (FakeDnsServer anchorDns = new FakeDnsServer();
         TcpAnchor tcpAnchor = new TcpAnchor(LoopbackAddresses.next())) {
      anchorDns.answer(ANCHOR_NAME, ANCHOR_ANSWER);
      Path config = tmp.resolve("kuzet.conf");
      Files.writeString(config, String.join("\n",
          "# kuzet-bench service: an idle service whose anchors are loopback listeners of the benchmark",
          "[targets]",
          "lists = kz",
          "[schedule]",
          "interval = 365d                 # the next regular run is weeks away: the service only idles",
          "jitter = 0",
          "[store]",
          "database = kuzet.db",
          "[heartbeat]",
          "interval = " + heartbeat,
          "campaign_interval = 15s",
          "[connectivity]",
          "domestic = dns " + anchorDns.address().getAddress().getHostAddress() + ":" + anchorDns.port() + " "
              + ANCHOR_NAME,
          "foreign = tcp " + tcpAnchor.endpoint(),
          ""), StandardCharsets.UTF_8);
      int consent = launch(flags, tmp.resolve("consent.log"), "consent", "--yes", "--config", config.toString())
          .waitFor();
      if (consent != 0) {
        throw new IOException("kuzet consent --yes exited with " + consent + ":\n"
            + Files.readString(tmp.resolve("consent.log")));
      }
      serviceRows(flags, config, tmp.resolve("service.log"), idleSeconds, heartbeat, rows, notes,
          () -> anchorDns.queryCount(ANCHOR_NAME) + tcpAnchor.accepted());
      if (urls > 0) {
        rows.add(runOnce(flags, tmp, urls, parallel, connectTimeoutMs));
      }
      if (largeUrls > 0) {
        Row large = runOnce(flags, tmp, largeUrls, largeParallel, connectTimeoutMs);
        rows.add(large);
        // CensoredWorld blackholes 3 sites in 10; each costs one connect timeout, spread over the parallelism.
        int blackholed = largeUrls / 10 * 3 + Math.min(3, largeUrls % 10);
        double ideal = blackholed * connectTimeoutMs / 1000.0 / largeParallel;
        double floor = ThroughputBench.floorSeconds(blackholed, java.time.Duration.ofMillis(connectTimeoutMs),
            largeParallel);
        notes.add(String.format(java.util.Locale.ROOT,
            "%d-URL run at parallel %d: wall %.1f s, ideal %.1f s (blackholed × connect timeout ÷ parallelism), "
                + "floor %.1f s (ceil(blackholed ÷ parallelism) × timeout), wall/ideal %.2f, wall/floor %.2f; wall "
                + "includes the JVM's start and the store's writes",
            largeUrls, largeParallel, large.wallSeconds(), ideal, floor, large.wallSeconds() / ideal,
            large.wallSeconds() / floor));
      }
    } finally {
      try (var files = Files.walk(tmp)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return new Result(flags, unit.toString(), rows, notes);
  }

  private void serviceRows(List<String> flags, Path config, Path serviceLog, int idleSeconds, String heartbeat,
      List<Row> rows, List<String> notes, java.util.function.IntSupplier anchorHits) throws Exception {
    log.println("kuzet service: starting, waiting for its first connectivity check ...");
    long t0 = System.nanoTime();
    Process service = launch(flags, serviceLog, "service", "--config", config.toString());
    try {
      long pid = javaPid(service);
      Sample ready = null;
      while (ready == null) {
        if (!service.isAlive()) {
          throw new IOException("kuzet service exited with " + service.exitValue() + ":\n"
              + Files.readString(serviceLog));
        }
        if (Files.readString(serviceLog).contains("kuzet service: network ")) {
          ready = sample(pid);
        } else if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
          throw new IOException("kuzet service did not report its network state within 120 s:\n"
              + Files.readString(serviceLog));
        } else {
          Thread.sleep(20);
        }
      }
      double startup = (System.nanoTime() - t0) / 1e9;
      rows.add(new Row("service start → first connectivity check done", startup, ready.cpuSeconds(),
          Double.NaN, ready.hwmKib() / 1024.0));

      // Start the window a little after the first check so that, with the default 60 s heartbeat, it holds one
      // heartbeat well inside it rather than one racing its end: the steady state of one check per interval.
      Thread.sleep(2000);
      Sample settled = sample(pid);
      log.println("kuzet service: idle for " + idleSeconds + " s, sampling every second ...");
      List<Sample> samples = new ArrayList<>();
      int hitsBefore = anchorHits.getAsInt();
      long idleStart = System.nanoTime();
      for (int i = 1; i <= idleSeconds; i++) {
        long due = idleStart + TimeUnit.SECONDS.toNanos(i);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        samples.add(sample(pid));
      }
      double idleWall = (System.nanoTime() - idleStart) / 1e9;
      notes.add("anchor queries and connects during the idle window: " + (anchorHits.getAsInt() - hitsBefore)
          + " (one DNS anchor and one TCP anchor per heartbeat)");
      Sample last = samples.get(samples.size() - 1);
      rows.add(new Row("service idle " + idleSeconds + " s (heartbeat " + heartbeat + ")", idleWall,
          last.cpuSeconds() - settled.cpuSeconds(),
          samples.stream().mapToLong(Sample::rssKib).average().orElse(0) / 1024.0,
          samples.stream().mapToLong(Sample::rssKib).max().orElse(0) / 1024.0));

      long stopStart = System.nanoTime();
      service.destroy(); // SIGTERM, as systemctl stop
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        notes.add("kuzet service did not stop within 30 s of SIGTERM; killed");
      }
      double stop = (System.nanoTime() - stopStart) / 1e9;
      rows.add(new Row("service stop (SIGTERM → exit " + (service.isAlive() ? "none" : service.exitValue()) + ")",
          stop, Double.NaN, Double.NaN, last.hwmKib() / 1024.0));
      String text = Files.readString(serviceLog);
      text.lines().filter(l -> l.contains(" next ")).findFirst().ifPresent(l -> notes.add("service said: "
          + l.strip()));
      text.lines().filter(l -> l.contains("kuzet service: network ")).findFirst().ifPresent(l -> notes.add(
          "service said: " + l.strip()));
      if (text.contains(" started (network ")) {
        notes.add("WARNING: a scheduled run started during the idle window; the idle figures include it");
      }
    } finally {
      service.destroyForcibly();
      service.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Row runOnce(List<String> flags, Path tmp, int urls, int parallel, long connectTimeoutMs)
      throws Exception {
    try (CensoredWorld world = CensoredWorld.start(urls)) {
      Path list = tmp.resolve("targets.txt");
      Files.write(list, world.urls(), StandardCharsets.UTF_8);
      Path report = tmp.resolve("time.txt");
      Path out = tmp.resolve("run.log");
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %U %S %M",
          launcher.toString(), "run", "--once", "--targets", list.toString(), "--db", tmp.resolve("run.db").toString(),
          "--system-resolver", world.resolver(), "--treat-as-public", "127.0.0.0/8",
          "--timeout-connect", connectTimeoutMs + "ms", "--parallel", Integer.toString(parallel)));
      log.println("kuzet run --once: " + urls + " URLs, parallel " + parallel + " ...");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().put("KUZET_JAVA_OPTS", String.join(" ", flags));
      pb.environment().put("KUZET_CONTROL", "none"); // the loopback world has no control; never reach OONI's
      pb.environment().put("KUZET_BASELINE", "off"); // nor the bundled control list's real sites
      pb.environment().put("KUZET_STUN", "none"); // nor a real STUN server or the resolver's whoami
      Process time = pb.start();
      List<Long> rss = new ArrayList<>();
      Long pid = null;
      while (time.isAlive()) {
        if (pid == null) {
          pid = time.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
              .map(ProcessHandle::pid).findFirst().orElse(null);
        }
        if (pid != null) {
          try {
            rss.add(sample(pid).rssKib());
          } catch (IOException gone) {
            // exited between the check and the read
          }
        }
        time.waitFor(200, TimeUnit.MILLISECONDS);
      }
      String[] f = Files.readString(report).strip().lines().reduce((a, b) -> b).orElse("").split(" ");
      if (time.exitValue() != 0) {
        log.println("  kuzet run exited with " + time.exitValue() + "; its last lines:");
        Files.readAllLines(out).stream().skip(Math.max(0, Files.readAllLines(out).size() - 15)).forEach(
            l -> log.println("  | " + l));
      }
      return new Row("kuzet run --once, " + urls + " URLs, parallel " + parallel + " (same flags)",
          Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]),
          rss.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1024.0,
          Long.parseLong(f[3]) / 1024.0);
    }
  }

  private Process launch(List<String> flags, Path output, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher.toString());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("KUZET_JAVA_OPTS", String.join(" ", flags));
    pb.environment().put("KUZET_CONTROL", "none");
    pb.environment().put("KUZET_BASELINE", "off"); // nor the bundled control list's real sites
    pb.environment().put("KUZET_STUN", "none"); // nor a real STUN server or the resolver's whoami
    return pb.start();
  }

  /** bin/kuzet execs java, so the launcher's process is the JVM; a wrapper in between is looked through. */
  private static long javaPid(Process p) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (p.info().command().map(c -> c.endsWith("java")).orElse(false)) {
        return p.pid();
      }
      var child = p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
          .findFirst();
      if (child.isPresent()) {
        return child.get().pid();
      }
      Thread.sleep(20);
    }
    return p.pid();
  }

  /**
   * The JVM flags of the unit's ExecStart: everything between the java binary and {@code -jar}. Read from the
   * unit itself so the benchmark follows it when it changes.
   */
  static List<String> unitFlags(Path unit) throws IOException {
    String execStart = Files.readString(unit).replace("\\\n", " ").lines()
        .filter(l -> l.startsWith("ExecStart=")).findFirst()
        .orElseThrow(() -> new IOException(unit + ": no ExecStart line"));
    List<String> words = Arrays.stream(execStart.substring("ExecStart=".length()).trim().split("\\s+")).toList();
    int jar = words.indexOf("-jar");
    if (jar < 1) {
      throw new IOException(unit + ": ExecStart has no '-jar': " + execStart);
    }
    return List.copyOf(words.subList(1, jar));
  }

  static Sample sample(long pid) throws IOException {
    long rss = 0;
    long hwm = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): the
    // first is field 3 (state), so utime (field 14) and stime (15) are at 11 and 12.
    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    double ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    return new Sample(rss, hwm, ticks / ClockTicks.PER_SECOND);
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  /** USER_HZ, the unit of utime and stime (100 on every Linux the benchmark has met). */
  private static final class ClockTicks {
    static final double PER_SECOND = read();

    private static double read() {
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor(5, TimeUnit.SECONDS);
        return Double.parseDouble(out);
      } catch (IOException | NumberFormatException | InterruptedException e) {
        return 100;
      }
    }
  }

  static void print(Result r, PrintStream out) {
    out.println("JVM flags (from " + r.unitSource() + "): " + String.join(" ", r.jvmFlags()));
    out.println();
    out.println("| phase | wall s | CPU s | CPU % of one core | RSS mean MiB | RSS max MiB |");
    out.println("|---|---:|---:|---:|---:|---:|");
    for (Row row : r.rows()) {
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", row.what(), fmt(row.wallSeconds(), 2),
          fmt(row.cpuSeconds(), 2), fmt(row.cpuSeconds() / row.wallSeconds() * 100, 1), fmt(row.rssMeanMib(), 0),
          fmt(row.rssMaxMib(), 0));
    }
    out.println();
    out.println("RSS max is VmHWM (peak since start) for the start and stop rows, the highest 1-s sample while idle,"
        + " GNU time's maximum for the run; CPU is user + system time of the JVM.");
    r.notes().forEach(n -> out.println("- " + n));
  }

  private static String fmt(double v, int decimals) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** A TCP anchor: accepts and closes, on a loopback address of its own. */
  private static final class TcpAnchor implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

    TcpAnchor(InetAddress address) throws IOException {
      server = new ServerSocket(0, 50, address);
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            accepted.incrementAndGet(); // nothing to say: the connect is the answer
          } catch (IOException closed) {
            // closed by close(), or the client went away first
          }
        }
      }, "tcp-anchor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int accepted() {
      return accepted.get();
    }

    String endpoint() {
      return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
