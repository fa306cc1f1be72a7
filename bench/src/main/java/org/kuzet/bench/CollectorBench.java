package org.kuzet.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.backend.collector.CollectorStore;
import org.kuzet.backend.collector.CollectorStores;
import org.kuzet.backend.collector.ReceivedMeasurement;
import org.kuzet.core.testing.LocalPostgres;
import org.kuzet.core.testing.TestUploads;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.upload.UploadBatch;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * The collector at scale: (1) ingest, signed measurements verified and stored per second through the HTTP server,
 * by 16 concurrent uploaders, per store and batch size; (2) with many stored (1,000,000 by default), the time of a
 * duplicate batch, of "blocked per network per day over a month" and of "one domain over a month"; (3) the heap
 * and resident memory of the JVM (collector and uploaders share it). PostgreSQL is a throwaway local server
 * ({@link LocalPostgres}, fsync off) unless {@code --postgres URL} names one.
 */
final class CollectorBench {
  static final LocalDateTime MONTH = LocalDateTime.of(2026, 11, 1, 0, 0);
  private static final String[] SIGNALS = {"dns.bogon", "dns.nxdomain", "tcp.reset", "tcp.timeout", "tls.reset",
      "http.451", "http.blockpage"};

  /**
   * One store and batch size: the timed uploads, after the warm-up ones.
   *
   * @param measurements uploaded in the timed part, after {@code warmUp}
   * @param seconds wall time of the timed part
   * @param transactions store transactions of the whole row (warm-up included)
   * @param collectorCpuSeconds CPU time of the collector's process during the timed part
   * @param postgresCpuSeconds CPU time of the throwaway PostgreSQL server's processes then (-1: not measured)
   * @param uploadersCpuSeconds CPU time of the uploaders (this JVM) then
   * @param warmUp measurements uploaded first, to a collector just started (not in the timed figures)
   * @param warmUpSeconds their wall time: what a collector costs in its first minute, while the JIT compiles
   * @param collectorPeakRssMiB the collector process's peak resident memory (VmHWM)
   * @param collectorHeapAfterGcMiB its heap in use after a full GC once the ingest is over
   */
  record IngestRow(String store, int batch, int measurements, double seconds, long retries,
      long transactions, double collectorCpuSeconds, double postgresCpuSeconds, double uploadersCpuSeconds,
      int warmUp, double warmUpSeconds, long collectorPeakRssMiB, long collectorHeapAfterGcMiB) {}

  record QueryRow(String store, long stored, double loadSeconds, List<Double> duplicateBatchMs, int networkDays,
      List<Double> perNetworkMs, int domainDays, List<Double> domainMs, long heapMiB, long rssMiB) {}

  /** The collector's JVM flags in the bench: what docs/COLLECTOR.md recommends for a collector. */
  static final String COLLECTOR_JVM = "-XX:+UseSerialGC -Xms64m -Xmx512m";

  private final PrintStream log;
  private final String postgresUrl;
  private final Path dir;
  private final List<String> collectorJvm;

  CollectorBench(PrintStream log, String postgresUrl, Path dir, String collectorJvm) {
    this.log = log;
    this.postgresUrl = postgresUrl;
    this.dir = dir;
    this.collectorJvm = List.of(collectorJvm.trim().split("\\s+"));
  }

  /** A new, empty store of kind "sqlite" or "postgresql". */
  String newDatabase(String kind, String name) throws IOException {
    if (kind.equals("sqlite")) {
      return Files.createTempDirectory(dir, "collector-" + name).resolve("collector.db").toString();
    }
    if (postgresUrl != null) {
      return postgresUrl; // the operator's server: the same database for every row (emptied before each)
    }
    return LocalPostgres.startServer().newDatabase();
  }

  /** The i-th synthetic measurement: a month, 40 networks, 2,000 domains, 15% blocked, 5% down. */
  static ObjectNode measurement(String uid, int i) {
    Random r = new Random(i);
    ObjectNode m = TestUploads.measurement(uid);
    String start = MONTH.plusSeconds(r.nextInt(30 * 24 * 3600)).format(
        org.kuzet.backend.collector.FastpathRow.TIME);
    m.put("measurement_start_time", start);
    m.put("test_start_time", start);
    m.put("probe_asn", "AS" + (9000 + r.nextInt(40)));
    m.put("input", "https://site" + r.nextInt(2000) + ".kz/");
    ObjectNode keys = (ObjectNode) m.get("test_keys");
    int v = r.nextInt(100);
    keys.put("x_verdict", v < 15 ? "blocked" : v < 20 ? "down" : "accessible");
    var signals = keys.putArray("x_signals");
    if (v < 15) {
      signals.add(TextNode.valueOf(SIGNALS[r.nextInt(SIGNALS.length)]));
    }
    return m;
  }

  List<IngestRow> ingest(List<String> kinds, List<Integer> batches, int uploaders, int warmUp, int count)
      throws Exception {
    log.println("collector bench: signing " + warmUp + " + " + count + " measurements");
    List<UploadItem> warm = new ArrayList<>(warmUp);
    for (int i = 0; i < warmUp; i++) {
      warm.add(TestUploads.signed(measurement("warm-" + i, count + i)));
    }
    List<UploadItem> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(TestUploads.signed(measurement("ingest-" + i, i)));
    }
    List<IngestRow> rows = new ArrayList<>();
    for (String kind : kinds) {
      for (int batch : batches) {
        String db = newDatabase(kind, "ingest");
        emptyIfShared(db);
        rows.add(ingestOnce(kind, db, batch, uploaders, warm, items));
      }
    }
    return rows;
  }

  private IngestRow ingestOnce(String kind, String db, int batch, int uploaders, List<UploadItem> warm,
      List<UploadItem> items) throws Exception {
    List<byte[]> warmBodies = bodies(warm, batch);
    List<byte[]> bodies = bodies(items, batch);
    log.println("collector bench: ingest " + kind + ", batch " + batch + ", " + warmBodies.size() + " warm-up + "
        + bodies.size() + " requests");
    ProcessHandle postgres = kind.equals("postgresql") && postgresUrl == null
        ? LocalPostgres.startServer().process() : null;
    ExecutorService pool = Executors.newFixedThreadPool(uploaders);
    try (CollectorProcess collector = CollectorProcess.start(collectorJvm, db, uploaders,
        dir.resolve("collector-" + kind + "-" + batch + ".log"))) {
      URI uri = collector.uploadUri();
      List<byte[]> warmRequests = warmBodies.stream().map(b -> LeanUploader.request(uri, b)).toList();
      List<byte[]> requests = bodies.stream().map(b -> LeanUploader.request(uri, b)).toList();
      AtomicLong retries = new AtomicLong();
      long w0 = System.nanoTime();
      upload(uri, pool, uploaders, warmRequests, retries);
      double warmUpSeconds = (System.nanoTime() - w0) / 1e9;
      retries.set(0);
      long self = ProcessHandle.current().pid();
      double cpu0 = collector.cpuSeconds();
      double pg0 = postgres == null ? 0 : treeCpuSeconds(postgres);
      double up0 = cpuSeconds(self);
      long t0 = System.nanoTime();
      upload(uri, pool, uploaders, requests, retries);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = collector.cpuSeconds() - cpu0;
      double uploadersCpu = cpuSeconds(self) - up0;
      double pg = postgres == null ? -1 : treeCpuSeconds(postgres) - pg0;
      log.printf(java.util.Locale.ROOT, "collector bench: warm-up %.1f s; then collector CPU %.1f s, wall %.1f s%n",
          warmUpSeconds, cpu, seconds);
      long rss = collector.peakRssMiB();
      long heap = collector.heapAfterGcMiB();
      CollectorServerStats stats = collector.stop();
      if (stats.accepted() != warm.size() + items.size()) {
        throw new IllegalStateException(kind + ": " + stats.accepted() + " accepted of " + (warm.size()
            + items.size()));
      }
      return new IngestRow(kind, batch, items.size(), seconds, retries.get(), stats.transactions(), cpu,
          pg, uploadersCpu, warm.size(), warmUpSeconds, rss, heap);
    } finally {
      pool.shutdown();
    }
  }

  private static List<byte[]> bodies(List<UploadItem> items, int batch) {
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < items.size(); i += batch) {
      bodies.add(TestUploads.gzip(UploadProtocol.encode(new UploadBatch(items.subList(i,
          Math.min(items.size(), i + batch))))));
    }
    return bodies;
  }

  /**
   * Every body POSTed by {@code uploaders} at once, each over its own keep-alive connection ({@link LeanUploader}),
   * each sent again 5 ms after a 503 (counted in {@code retries}); returns when all are accepted.
   */
  private static void upload(URI uri, ExecutorService pool, int uploaders, List<byte[]> requests,
      AtomicLong retries) throws Exception {
    ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>(requests);
    List<Future<?>> done = new ArrayList<>();
    for (int u = 0; u < uploaders; u++) {
      done.add(pool.submit(() -> {
        try (LeanUploader uploader = new LeanUploader(uri)) {
          for (byte[] request = queue.poll(); request != null; request = queue.poll()) {
            for (int status = uploader.send(request); status != 200; status = uploader.send(request)) {
              if (status != 503) {
                throw new IOException("collector answered " + status + " to an upload");
              }
              retries.incrementAndGet();
              Thread.sleep(5);
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
  }

  /** What the collector's last line says: accepted measurements and store transactions of the run. */
  record CollectorServerStats(long accepted, long transactions) {}

  /**
   * {@code kuzet collector} in a JVM of its own (this jar, the agent's main class, the given flags): its memory
   * is then the collector's alone, not the uploaders'.
   */
  static final class CollectorProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+), storing");
    private static final Pattern STOPPED = Pattern.compile("accepted (\\d+),.*\\(in (\\d+) transactions\\)");
    private final Process process;
    private final java.io.BufferedReader out;
    private final URI uri;

    private CollectorProcess(Process process, java.io.BufferedReader out, URI uri) {
      this.process = process;
      this.out = out;
      this.uri = uri;
    }

    static CollectorProcess start(List<String> jvm, String db, int maxInflight, Path log) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      String jar;
      try {
        jar = Path.of(CollectorBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvm);
      command.addAll(List.of("-cp", jar, "org.kuzet.agent.cli.Main", "collector", "--listen", "127.0.0.1:0",
          "--db", db, "--max-inflight", Integer.toString(maxInflight)));
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
      pb.environment().put("KUZET_CONTROL", "none");
      Process p = pb.start();
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return new CollectorProcess(p, out, URI.create(m.group(1)));
        }
      }
      p.destroyForcibly();
      throw new IOException("the collector did not start: " + String.join(" | ", Files.readAllLines(log)));
    }

    URI uploadUri() {
      return uri;
    }

    double cpuSeconds() {
      return CollectorBench.cpuSeconds(process.pid());
    }

    long pid() {
      return process.pid();
    }

    long peakRssMiB() {
      return statusKiB(process.pid(), "VmHWM:") >> 10;
    }

    /** {@code jcmd PID GC.run}, then the heap in use from {@code GC.heap_info}. */
    long heapAfterGcMiB() throws IOException, InterruptedException {
      jcmd("GC.run");
      long usedKiB = 0;
      Matcher m = Pattern.compile("(?m)^\\s*(?!Metaspace|class space)\\S.*total \\d+K, used (\\d+)K")
          .matcher(jcmd("GC.heap_info"));
      while (m.find()) {
        usedKiB += Long.parseLong(m.group(1));
      }
      return usedKiB >> 10;
    }

    private String jcmd(String what) throws IOException, InterruptedException {
      Process p = new ProcessBuilder("jcmd", Long.toString(process.pid()), what).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return text;
    }

    /** SIGTERM, as systemd stops it; the figures of its last line. */
    CollectorServerStats stop() throws IOException, InterruptedException {
      process.toHandle().destroy(); // SIGTERM; Process.destroy would also close the output still to be read
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = STOPPED.matcher(line);
        if (m.find()) {
          process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
          return new CollectorServerStats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
      }
      throw new IOException("the collector stopped without its last line");
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  /** User + system CPU seconds of one process, from /proc (Linux), at 100 ticks per second; 0 when gone. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** System CPU seconds of one process since it started (Linux). */
  static double systemCpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU seconds of a process and its live descendants (a PostgreSQL server and its backends). */
  static double treeCpuSeconds(ProcessHandle root) {
    double sum = cpuSeconds(root.pid());
    for (ProcessHandle h : (Iterable<ProcessHandle>) root.descendants()::iterator) {
      sum += cpuSeconds(h.pid());
    }
    return sum;
  }

  static long statusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // not Linux
    }
    return -1;
  }

  QueryRow queries(String kind, int stored, int repeats) throws Exception {
    String db = newDatabase(kind, "queries");
    emptyIfShared(db);
    try (CollectorStore store = CollectorStores.open(db)) {
      log.println("collector bench: loading " + stored + " measurements into " + kind);
      int chunk = 1000;
      AtomicLong next = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(kind.equals("sqlite") ? 1 : 2);
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < (kind.equals("sqlite") ? 1 : 2); w++) {
        done.add(pool.submit(() -> {
          for (long start = next.getAndAdd(chunk); start < stored; start = next.getAndAdd(chunk)) {
            store.store(rows((int) start, (int) Math.min(stored, start + chunk)));
            if (start % 100_000 == 0) {
              log.println("  " + start);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      double load = (System.nanoTime() - t0) / 1e9;
      List<ReceivedMeasurement> duplicates = rows(0, 500);
      List<Double> dup = new ArrayList<>();
      List<Double> perNetwork = new ArrayList<>();
      List<Double> domain = new ArrayList<>();
      int networkDays = 0;
      int domainDays = 0;
      for (int i = 0; i < repeats; i++) {
        long t = System.nanoTime();
        List<CollectorStore.Outcome> outcomes = store.store(duplicates);
        dup.add((System.nanoTime() - t) / 1e6);
        if (!outcomes.stream().allMatch(o -> o == CollectorStore.Outcome.DUPLICATE)) {
          throw new IllegalStateException("a resent batch was not all duplicates");
        }
        t = System.nanoTime();
        networkDays = store.blockedPerNetworkPerDay(MONTH, MONTH.plusMonths(1)).size();
        perNetwork.add((System.nanoTime() - t) / 1e6);
        t = System.nanoTime();
        domainDays = store.domainHistory("site" + (17 + i) + ".kz", MONTH, MONTH.plusMonths(1)).size();
        domain.add((System.nanoTime() - t) / 1e6);
      }
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      return new QueryRow(kind, store.count(), load, dup, networkDays, perNetwork, domainDays, domain, heap,
          rssMiB());
    }
  }

  private static List<ReceivedMeasurement> rows(int from, int to) {
    List<ReceivedMeasurement> out = new ArrayList<>(to - from);
    Instant received = Instant.parse("2026-12-01T00:00:00Z");
    for (int i = from; i < to; i++) {
      ObjectNode m = measurement("stored-" + i, i);
      out.add(new ReceivedMeasurement("stored-" + i, TestUploads.KEY.keyId(), received,
          new String(CanonicalJson.encode(m), StandardCharsets.UTF_8), "{\"alg\":\"ed25519\"}",
          ReceivedMeasurement.Summary.of(m)));
    }
    return out;
  }

  /** An operator's --postgres database is shared by every row: empty it first (only the collector's tables). */
  private void emptyIfShared(String db) throws Exception {
    if (postgresUrl == null || !db.equals(postgresUrl)) {
      return;
    }
    CollectorStores.open(db).close(); // make the tables
    var u = org.kuzet.backend.collector.PostgresUrl.parse(db);
    String password = u.password() != null ? u.password() : System.getenv("PGPASSWORD");
    try (var c = java.sql.DriverManager.getConnection(u.jdbcUrl(), u.user(), password);
         var s = c.createStatement()) {
      s.execute("TRUNCATE raw_measurements, fastpath");
    }
  }

  static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // not Linux
    }
    return -1;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
