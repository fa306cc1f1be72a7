package org.kuzet.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * kuzet's benchmarks. Each prints a table of figures with the machine it ran on; none asserts a time. Run them
 * with {@code bench/run.sh}, which builds the jar and runs every benchmark in turn.
 */
@Command(name = "kuzet-bench", mixinStandardHelpOptions = true,
    subcommands = {Main.Throughput.class, Main.Footprint.class, Main.Service.class, Main.Store.class,
        Main.AnalysisCommand.class, Main.Collector.class})
public final class Main implements Runnable {
  // MockWebServer logs every TCP-only connect (the probe's TCP step) as a warning; the figures are the output.
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("mockwebserver3");

  public static void main(String[] args) {
    QUIET.setLevel(java.util.logging.Level.OFF);
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static String machine() {
    return String.format(Locale.ROOT, "%s %s, %d cores, Java %s, max heap %d MiB",
        System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
        Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
  }

  @Command(name = "throughput", mixinStandardHelpOptions = true,
      description = "Whole-run throughput on loopback: kuzet vs curl+dig with xargs -P.")
  static final class Throughput implements Callable<Integer> {
    @Option(names = "--urls", defaultValue = "500") int urls;

    @Option(names = "--warm-up-urls", defaultValue = "100",
        description = "URLs measured once, untimed, before the rows (the JIT's first compile); 0: none.")
    int warmUpUrls;

    @Option(names = "--connect-timeout-ms", defaultValue = "1000",
        description = "Connect timeout for both tools; the blackholed 30%% each cost this much.")
    long connectTimeoutMs;

    @Option(names = "--parallel", split = ",", defaultValue = "1,16,64") List<Integer> parallelisms;

    @Option(names = "--control-parallel", split = ",", defaultValue = "16",
        description = "Parallelisms of the runs with a control (kuzet helper on loopback); 0 skips them.")
    List<Integer> controlParallelisms;

    @Override
    public Integer call() throws Exception {
      if (warmUpUrls < 0) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--warm-up-urls " + warmUpUrls + ": use 0 (no warm-up) or more");
      }
      List<ThroughputBench.Row> rows = new ThroughputBench(urls, warmUpUrls, Duration.ofMillis(connectTimeoutMs),
          parallelisms, controlParallelisms.stream().filter(p -> p > 0).toList(), System.err).run();
      System.out.println("## Whole-run throughput (" + urls + " URLs: 30% blackholed, 10% reset, 60% answer; "
          + "connect timeout " + connectTimeoutMs + " ms)");
      System.out.println("machine: " + machine());
      System.out.println();
      System.out.println("| tool | parallelism | wall s | URLs/min | ideal s | floor s | in order s | wall/ideal "
          + "| wall/floor | wall/in order | vs curl+dig |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (ThroughputBench.Row r : rows) {
        String vs = "";
        if (r.tool().startsWith("kuzet")) {
          vs = rows.stream().filter(o -> o.tool().equals("curl+dig") && o.parallelism() == r.parallelism())
              .findFirst().map(o -> String.format(Locale.ROOT, "%.2f×", r.wallSeconds() / o.wallSeconds()))
              .orElse("n/a");
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %s |%n",
            r.tool(), r.parallelism(), r.wallSeconds(), r.urlsPerMinute(), r.idealSeconds(), r.floorSeconds(),
            r.inOrderSeconds(), r.ratioToIdeal(), r.ratioToFloor(), r.ratioToInOrder(), vs);
      }
      System.out.println();
      System.out.println("ideal = blackholed URLs × connect timeout ÷ parallelism; floor = ceil(blackholed ÷ "
          + "parallelism) × connect timeout, the least any tool can take (each blackholed connect holds one of the "
          + "parallel slots for the whole timeout); in order = the least a tool can take that starts the URLs in the "
          + "list's order as slots free up and costs nothing but the world's own waits (the timeouts, the resetting "
          + "servers' " + org.kuzet.core.testing.FaultServer.RESET_GRACE_MILLIS + " ms before their reset), as "
          + "kuzet and curl+dig do" + (warmUpUrls > 0 ? "; kuzet's rows follow an untimed warm-up of " + warmUpUrls
          + " URLs in the same JVM" : "") + ".");
      System.out.println("vs curl+dig = kuzet wall time / baseline wall time at the same parallelism "
          + "(kuzet also records TTLs, timings and failures per step, queries A and AAAA and keeps listening for late "
          + "DNS replies; 'kuzet + control' also asks kuzet helper on loopback for every URL).");
      return 0;
    }
  }

  @Command(name = "footprint", mixinStandardHelpOptions = true,
      description = "Startup time, CPU time and peak RSS of bin/kuzet (its real JVM flags), via GNU time.")
  static final class Footprint implements Callable<Integer> {
    @Option(names = "--launcher", defaultValue = "bin/kuzet") java.nio.file.Path launcher;

    @Option(names = "--repeats", defaultValue = "5") int repeats;

    @Option(names = "--urls", defaultValue = "500") int urls;

    @Override
    public Integer call() throws Exception {
      List<FootprintBench.Row> rows = new FootprintBench(launcher, System.err).run(repeats, urls);
      System.out.println("## Footprint of bin/kuzet (JVM flags as in the launcher)");
      System.out.println("machine: " + machine());
      System.out.println();
      FootprintBench.print(rows, System.out);
      return 0;
    }
  }

  @Command(name = "service", mixinStandardHelpOptions = true,
      description = {"Resident memory and CPU time of 'kuzet service' (the systemd unit's JVM flags): start, idle,",
          "stop, and a whole run on the loopback world with the same flags."})
  static final class Service implements Callable<Integer> {
    @Option(names = "--launcher", defaultValue = "bin/kuzet") java.nio.file.Path launcher;

    @Option(names = "--unit", defaultValue = "deploy/kuzet.service",
        description = "The systemd unit whose ExecStart gives the JVM flags (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path unit;

    @Option(names = "--idle-seconds", defaultValue = "60") int idleSeconds;

    @Option(names = "--heartbeat", defaultValue = "60s",
        description = "[heartbeat] interval of the idle service (default: ${DEFAULT-VALUE}, the shipped default).")
    String heartbeat;

    @Option(names = "--urls", defaultValue = "500", description = "URLs of the run; 0 skips it.") int urls;

    @Option(names = "--parallel", defaultValue = "16") int parallel;

    @Option(names = "--large-urls", defaultValue = "5000",
        description = "URLs of a second, large run with the same flags (default: ${DEFAULT-VALUE}); 0 skips it.")
    int largeUrls;

    @Option(names = "--large-parallel", defaultValue = "64") int largeParallel;

    @Option(names = "--connect-timeout-ms", defaultValue = "1000") long connectTimeoutMs;

    @Override
    public Integer call() throws Exception {
      ServiceFootprintBench.Result r = new ServiceFootprintBench(launcher, unit, System.err)
          .run(idleSeconds, heartbeat, urls, parallel, largeUrls, largeParallel, connectTimeoutMs);
      System.out.println("## Footprint of kuzet service (" + urls + "-URL run"
          + (largeUrls > 0 ? " and a " + largeUrls + "-URL run at parallel " + largeParallel : "")
          + ": 30% blackholed, 10% reset, 60% answer; connect timeout " + connectTimeoutMs + " ms)");
      System.out.println("machine: " + machine());
      ServiceFootprintBench.print(r, System.out);
      return 0;
    }
  }

  @Command(name = "analysis", mixinStandardHelpOptions = true,
      description = {"JMH: verdicts per second of the pure analysis function on observations recorded on loopback,",
          "under the JVM's default JIT and under the service's flags (C1 only)."})
  static final class AnalysisCommand implements Callable<Integer> {
    @Option(names = "--jvm", split = ",", defaultValue = "default,service",
        description = "JVM configurations: 'default' (no flags: C2, the JVM's own heap) and/or 'service' (the "
            + "unit's flags). Default: ${DEFAULT-VALUE}.")
    List<String> jvms;

    @Option(names = "--unit", defaultValue = "deploy/kuzet.service") java.nio.file.Path unit;

    @Option(names = "--warmups", defaultValue = "1") int warmups;

    @Option(names = "--iterations", defaultValue = "2") int iterations;

    @Option(names = "--seconds", defaultValue = "1", description = "Length of each iteration.") int seconds;

    @Override
    public Integer call() throws Exception {
      List<AnalysisBench.Jvm> configs = new java.util.ArrayList<>();
      for (String j : jvms) {
        switch (j) {
          case "default" -> configs.add(new AnalysisBench.Jvm("default JVM", List.of()));
          case "service" -> configs.add(new AnalysisBench.Jvm("service flags",
              ServiceFootprintBench.unitFlags(unit)));
          default -> throw new CommandLine.ParameterException(new CommandLine(this),
              "--jvm " + j + ": use 'default' or 'service'");
        }
      }
      List<AnalysisBench.Row> rows = new AnalysisBench(System.err).run(configs, warmups, iterations, seconds);
      System.out.println("## Analysis: verdicts per second (JMH, throughput, 1 fork, " + warmups + "×" + seconds
          + " s warmup, " + iterations + "×" + seconds + " s measured; ± is JMH's 99.9% error)");
      System.out.println("machine: " + machine());
      System.out.println();
      AnalysisBench.print(configs, rows, System.out);
      return 0;
    }
  }

  @Command(name = "store", mixinStandardHelpOptions = true,
      description = "Results store at volume: insert rate, bytes per measurement, the two analysts' queries.")
  static final class Store implements Callable<Integer> {
    @Option(names = "--measurements", defaultValue = "100000") int measurements;

    @Option(names = "--urls", defaultValue = "500", description = "Distinct URLs (one run measures each once).")
    int urls;

    @Option(names = "--repeats", defaultValue = "5", description = "Times each query is run (first is cold).")
    int repeats;

    @Option(names = "--dir", description = "Where the temporary database goes (default: the system temp dir).")
    java.nio.file.Path dir;

    @Override
    public Integer call() throws Exception {
      java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory(
          dir == null ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir")) : dir, "kuzet-store-bench");
      try {
        StoreBench.Result r = new StoreBench(measurements, urls, System.err).run(tmp, repeats);
        System.out.println("## Results store (" + r.measurements() + " measurements over 31 days, " + urls
            + " URLs, one transaction each, synchronous=FULL, WAL)");
        System.out.println("machine: " + machine() + "; database in " + tmp);
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| insert rate | %.0f measurements/s (%.1f s in all) |%n",
            r.measurements() / r.insertSeconds(), r.insertSeconds());
        System.out.printf(Locale.ROOT, "| bytes on disk per measurement | %.0f (JSON line alone: %.0f) |%n",
            (double) r.bytesOnDisk() / r.measurements(), r.jsonBytesAvg());
        System.out.printf(Locale.ROOT, "| timeline of one URL over a month (%d rows) | first %.1f ms, median %.1f ms |%n",
            r.timelineRows(), r.timelineMillis().get(0), StoreBench.median(r.timelineMillis()));
        System.out.printf(Locale.ROOT, "| blocked per category per day, a month (%d rows) | first %.1f ms, median %.1f ms |%n",
            r.perDayRows(), r.perDayMillis().get(0), StoreBench.median(r.perDayMillis()));
        return 0;
      } finally {
        try (var files = java.nio.file.Files.walk(tmp)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Command(name = "collector", mixinStandardHelpOptions = true,
      description = "The collector at scale: ingest per store and batch size, queries with many stored, memory.")
  static final class Collector implements Callable<Integer> {
    @Option(names = "--stores", split = ",", defaultValue = "sqlite,postgresql") List<String> stores;

    @Option(names = "--batches", split = ",", defaultValue = "1,50,500") List<Integer> batches;

    @Option(names = "--uploaders", defaultValue = "16") int uploaders;

    @Option(names = "--ingest", defaultValue = "60000", description = "Measurements uploaded per ingest row, timed.")
    int ingest;

    @Option(names = "--warm-up", defaultValue = "20000", description = "Measurements uploaded to each row's new"
        + " collector before the timed ones (their rate is printed apart: a collector's first minute).")
    int warmUp;

    @Option(names = "--stored", defaultValue = "1000000", description = "Measurements stored for the query rows.")
    int stored;

    @Option(names = "--repeats", defaultValue = "5") int repeats;

    @Option(names = "--postgres", description = "postgresql://… of a server to use (its collector tables are"
        + " emptied!) instead of a throwaway local one.")
    String postgres;

    @Option(names = "--dir", description = "Where SQLite databases go (default: the system temp dir).")
    java.nio.file.Path dir;

    @Option(names = "--collector-jvm", defaultValue = CollectorBench.COLLECTOR_JVM,
        description = "JVM flags of the collector's own process (default: docs/COLLECTOR.md's, ${DEFAULT-VALUE}).")
    String collectorJvm;

    @Option(names = "--skip-queries", description = "Only the ingest rows.")
    boolean skipQueries;

    @Override
    public Integer call() throws Exception {
      if (warmUp < 0) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--warm-up " + warmUp + ": use 0 (no warm-up) or more");
      }
      java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory(
          dir == null ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir")) : dir, "kuzet-collector-bench");
      try {
        CollectorBench bench = new CollectorBench(System.err, postgres, tmp, collectorJvm);
        List<CollectorBench.IngestRow> ingestRows = bench.ingest(stores, batches, uploaders, warmUp, ingest);
        System.out.println("## Collector ingest (" + ingest + " signed measurements per row after " + warmUp
            + " to warm up, " + uploaders + " concurrent uploaders over HTTP on loopback, --max-inflight " + uploaders
            + "; verified, checked against the schema and stored)");
        System.out.println("machine: " + machine() + (postgres == null ? "; PostgreSQL: local throwaway server,"
            + " fsync off" : "; PostgreSQL: " + org.kuzet.backend.collector.PostgresUrl.redact(postgres)));
        System.out.println();
        System.out.println("collector: its own JVM (" + collectorJvm + "), started for each row; CPU ms per"
            + " measurement from /proc, over the timed uploads; warm-up: the first " + warmUp + " measurements a"
            + " new collector takes, while the JIT compiles.");
        System.out.println();
        System.out.println("| store | batch | measurements/s | warm-up /s | wall s | 503 retries | measurements per"
            + " transaction | collector CPU ms/measurement | PostgreSQL CPU ms/measurement | uploaders CPU"
            + " ms/measurement | collector peak RSS MiB | collector heap after GC MiB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (CollectorBench.IngestRow r : ingestRows) {
          System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %s | %.1f | %d | %.1f | %.2f | %s | %.2f | %d | %d |%n",
              r.store(), r.batch(), r.measurements() / r.seconds(), r.warmUp() == 0 ? "-"
                  : String.format(Locale.ROOT, "%.0f", r.warmUp() / r.warmUpSeconds()), r.seconds(),
              r.retries(), (double) (r.warmUp() + r.measurements()) / Math.max(1, r.transactions()),
              r.collectorCpuSeconds() * 1000 / r.measurements(),
              r.postgresCpuSeconds() < 0 ? "-"
                  : String.format(Locale.ROOT, "%.2f", r.postgresCpuSeconds() * 1000 / r.measurements()),
              r.uploadersCpuSeconds() * 1000 / r.measurements(), r.collectorPeakRssMiB(), r.collectorHeapAfterGcMiB());
        }
        if (skipQueries) {
          return 0;
        }
        System.out.println();
        System.out.println("## Collector queries with " + stored + " stored (a month, 40 networks, 2,000 domains;"
            + " first run, then median of " + repeats + ")");
        System.out.println();
        System.out.println("| store | bulk load /s | duplicate batch of 500 ms | blocked per network per day, a month"
            + " ms | one domain, a month ms | heap after MiB | RSS MiB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String kind : stores) {
          CollectorBench.QueryRow q = bench.queries(kind, stored, repeats);
          System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f / %.0f | %.0f / %.0f (%d rows) | %.1f / %.1f (%d rows)"
                  + " | %d | %d |%n", kind, q.stored() / q.loadSeconds(), q.duplicateBatchMs().get(0),
              CollectorBench.median(q.duplicateBatchMs()), q.perNetworkMs().get(0),
              CollectorBench.median(q.perNetworkMs()), q.networkDays(), q.domainMs().get(0),
              CollectorBench.median(q.domainMs()), q.domainDays(), q.heapMiB(), q.rssMiB());
        }
        return 0;
      } finally {
        try (var files = java.nio.file.Files.walk(tmp)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
