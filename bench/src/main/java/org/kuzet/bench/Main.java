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
    subcommands = {Main.Throughput.class, Main.Footprint.class})
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

    @Option(names = "--connect-timeout-ms", defaultValue = "1000",
        description = "Connect timeout for both tools; the blackholed 30% each cost this much.")
    long connectTimeoutMs;

    @Option(names = "--parallel", split = ",", defaultValue = "1,16,64") List<Integer> parallelisms;

    @Override
    public Integer call() throws Exception {
      List<ThroughputBench.Row> rows = new ThroughputBench(urls, Duration.ofMillis(connectTimeoutMs),
          parallelisms, System.err).run();
      System.out.println("## Whole-run throughput (" + urls + " URLs: 30% blackholed, 10% reset, 60% answer; "
          + "connect timeout " + connectTimeoutMs + " ms)");
      System.out.println("machine: " + machine());
      System.out.println();
      System.out.println("| tool | parallelism | wall s | URLs/min | ideal s | wall/ideal | vs curl+dig |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (ThroughputBench.Row r : rows) {
        String vs = "";
        if (r.tool().equals("kuzet")) {
          vs = rows.stream().filter(o -> o.tool().equals("curl+dig") && o.parallelism() == r.parallelism())
              .findFirst().map(o -> String.format(Locale.ROOT, "%.2f×", r.wallSeconds() / o.wallSeconds()))
              .orElse("n/a");
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.1f | %.2f | %s |%n", r.tool(), r.parallelism(),
            r.wallSeconds(), r.urlsPerMinute(), r.idealSeconds(), r.ratioToIdeal(), vs);
      }
      System.out.println();
      System.out.println("vs curl+dig = kuzet wall time / baseline wall time at the same parallelism "
          + "(kuzet also records TTLs, timings and failures per step and queries A and AAAA).");
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
}
