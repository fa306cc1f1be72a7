package org.kuzet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;

/**
 * The results store at volume: inserts synthetic measurements (a month of hourly runs over a few hundred URLs,
 * shaped like real ones: A+AAAA queries, two connects, a TLS handshake with a certificate chain, one HTTP
 * exchange) one transaction each, as {@code kuzet run} does, then times the two analysts' queries.
 */
final class StoreBench {
  private static final String[] CATEGORIES = {"NEWS", "HUMR", "POLR", "REL", "LGBT", "COMT", "GRP", "HOST", "MMED",
      "ANON"};
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

  record Result(int measurements, double insertSeconds, long bytesOnDisk, double jsonBytesAvg,
      List<Double> timelineMillis, int timelineRows, List<Double> perDayMillis, int perDayRows) {}

  private final int count;
  private final int urls;
  private final PrintStream log;

  StoreBench(int count, int urls, PrintStream log) {
    this.count = count;
    this.urls = urls;
    this.log = log;
  }

  Result run(Path dir, int queryRepeats) throws IOException {
    Path db = dir.resolve("bench.db");
    Random random = new Random(42);
    String certificate = Base64.getEncoder().encodeToString(randomBytes(random, 1400));
    String intermediate = Base64.getEncoder().encodeToString(randomBytes(random, 1100));
    long jsonBytes = 0;
    double insertSeconds;
    // Measurements spread evenly over 31 days, in runs of `urls` measurements each.
    long stepSeconds = Math.max(1, Duration.ofDays(31).toSeconds() / Math.max(1, count));
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = -1;
      long started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        Instant t = START.plusSeconds(i * stepSeconds);
        if (i % urls == 0) {
          if (run > 0) {
            store.runs().finishRun(run, t);
          }
          run = store.runs().beginRun(Trigger.SCHEDULED, null, "bench", NetworkState.ONLINE, t);
        }
        int u = i % urls;
        Measurement m = synthetic(random, "https://site" + u + ".kz/", t, certificate, intermediate);
        jsonBytes += MeasurementJson.toLine(m).length();
        store.measurements().save(run, m.input(), "bench", CATEGORIES[u % CATEGORIES.length], m);
        if ((i + 1) % 10_000 == 0) {
          log.printf("stored %d/%d%n", i + 1, count);
        }
      }
      store.runs().finishRun(run, START.plusSeconds(count * stepSeconds));
      insertSeconds = (System.nanoTime() - started) / 1e9;
    }
    long bytes;
    try (ResultsStore store = ResultsStore.open(db)) { // closing checkpointed the WAL into the file
      bytes = Files.size(db) + sizeIfExists(dir.resolve("bench.db-wal"));
      Instant monthStart = START;
      Instant monthEnd = START.plus(Duration.ofDays(30));
      List<Double> timeline = new ArrayList<>();
      List<Double> perDay = new ArrayList<>();
      int[] rows = new int[2];
      for (int r = 0; r < queryRepeats; r++) {
        String url = "https://site" + (r * 37 % urls) + ".kz/";
        timeline.add(millis(() -> rows[0] = store.measurements().timeline(url, monthStart, monthEnd).size()));
        perDay.add(millis(() -> rows[1] = store.measurements().blockedPerCategoryPerDay(monthStart, monthEnd).size()));
      }
      return new Result(count, insertSeconds, bytes, (double) jsonBytes / count, timeline, rows[0], perDay, rows[1]);
    }
  }

  private static long sizeIfExists(Path p) throws IOException {
    return Files.exists(p) ? Files.size(p) : 0;
  }

  private static double millis(Supplier<Integer> query) {
    long t0 = System.nanoTime();
    query.get();
    return (System.nanoTime() - t0) / 1e6;
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** About one in eight blocked (DNS, reset or interception), the rest accessible, a few down. */
  static Measurement synthetic(Random random, String input, Instant t, String cert, String intermediate) {
    String host = input.replaceFirst("^https://", "").replaceFirst("/.*$", "");
    String ip = "185.22." + random.nextInt(256) + "." + random.nextInt(256);
    int kind = random.nextInt(100);
    Verdict verdict = kind < 12 ? Verdict.BLOCKED : kind < 15 ? Verdict.DOWN : Verdict.ACCESSIBLE;
    List<Signal> signals = verdict != Verdict.BLOCKED ? List.of()
        : kind < 4 ? List.of(Signal.DNS_INCONSISTENT) : kind < 8 ? List.of(Signal.TLS_RESET)
        : List.of(Signal.TLS_INTERCEPTION, Signal.TLS_KNOWN_INTERCEPTION_ROOT);
    String blocking = verdict != Verdict.BLOCKED ? null : kind < 4 ? "dns" : kind < 8 ? "tcp_ip" : "http-diff";
    List<DnsQuery> queries = List.of(
        new DnsQuery("system", "127.0.0.53:53", host, "A", 0, List.of(DnsAnswer.a(ip, 300, false)), null,
            random.nextInt(65536), 0.001, 0.012, List.of(), null),
        new DnsQuery("system", "127.0.0.53:53", host, "AAAA", 0, List.of(), "dns_no_answer", random.nextInt(65536),
            0.001, 0.013, List.of(), null));
    List<TcpConnect> tcp = List.of(new TcpConnect(ip, 443, new TcpConnect.Status(true, null, null), 0.013, 0.041));
    TlsHandshake tls = new TlsHandshake(ip + ":443", host, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1", false,
        List.of(new TlsHandshake.PeerCertificate(cert, "base64"), new TlsHandshake.PeerCertificate(intermediate,
            "base64")), null, 0.041, 0.09);
    HttpTransaction http = new HttpTransaction(
        new HttpTransaction.Request("GET", input, Map.of("Accept", "*/*", "User-Agent", "Mozilla/5.0"), "", "tcp"),
        new HttpTransaction.Response(200, Map.of("Content-Type", "text/html; charset=utf-8", "Server", "nginx"),
            List.of(List.of("Content-Type", "text/html; charset=utf-8"), List.of("Server", "nginx")),
            "<!doctype html><html><head><title>" + host + "</title></head><body>" + "news ".repeat(150)
                + "</body></html>", false, 820, host), null, 0.09, 0.31, ip + ":443", 0);
    TestKeys keys = TestKeys.observations(queries, tcp, List.of(tls), List.of(http), null).withAnalysis(
        AnalysisKeys.builder().dnsConsistency("consistent")
            .blocking(blocking == null ? Blocking.NONE : Blocking.method(blocking))
            .accessible(verdict == Verdict.ACCESSIBLE).verdict(verdict).signals(signals).build());
    String time = MeasurementJson.ooniTime(t);
    String uid = org.kuzet.core.MeasurementIds.measurementUid(t, "KZ");
    return new Measurement(uid, "bench", input, time, time, "AS9198", "KZ", "kuzet", "bench",
        Measurement.TEST_NAME, "0.1.0", 0.31, Measurement.DATA_FORMAT_VERSION, Map.of(), keys);
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Comparator.naturalOrder());
    return s.get(s.size() / 2);
  }
}
