package org.kuzet.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;

/** Scrapes the real endpoint on loopback, as Prometheus would. */
class MetricsServerTest {
  private static final Instant T = Instant.parse("2022-01-05T06:00:00Z");

  private final AtomicReference<Instant> now = new AtomicReference<>(T);
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  private static HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    InetSocketAddress a = server.address();
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + a.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one sample line, e.g. {@code kuzet_measurements_total{verdict="blocked"}}. */
  private static double sample(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).map(l -> Double.parseDouble(l.substring(
        series.length() + 1).strip())).findFirst().orElseThrow(() -> new AssertionError(series + " not in\n" + scrape));
  }

  @Test
  void servesEveryAgentMetricInPrometheusFormat() throws Exception {
    AgentMetrics metrics = new AgentMetrics(clock);
    var listener = metrics.listener();
    listener.measurementEnd(TestMeasurements.of("https://a.kz/", T, Verdict.BLOCKED,
        List.of(Signal.DNS_NXDOMAIN, Signal.TCP_TIMEOUT)));
    listener.measurementEnd(TestMeasurements.of("https://b.kz/", T, Verdict.BLOCKED,
        List.of(Signal.TCP_TIMEOUT)));
    listener.measurementEnd(TestMeasurements.of("https://c.kz/", T, Verdict.ACCESSIBLE, List.of()));
    listener.tcpEnd(TestMeasurements.of("x", T, Verdict.BLOCKED, List.of()).testKeys().tcpConnect()
        .get(0));
    metrics.runFinished(true, "completed", Duration.ofMinutes(4));
    metrics.runFinished(false, "stopped", Duration.ofMinutes(1));
    metrics.runSkipped(2);
    metrics.connectivity(NetworkState.ONLINE);
    now.set(now.get().plusSeconds(60));
    metrics.connectivity(NetworkState.DOMESTIC_ONLY);
    now.set(now.get().plusSeconds(90));
    metrics.uploadQueueDepth(() -> 17);
    metrics.uploadSucceeded(Instant.parse("2022-01-05T05:00:00Z"));

    try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        metrics::scrape)) {
      HttpResponse<String> r = get(server, "/metrics");
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      String s = r.body();
      assertEquals(2, sample(s, "kuzet_measurements_total{verdict=\"blocked\"}"));
      assertEquals(1, sample(s, "kuzet_measurements_total{verdict=\"accessible\"}"));
      assertEquals(2, sample(s, "kuzet_measurement_signals_total{signal=\"tcp.timeout\"}"));
      assertEquals(1, sample(s, "kuzet_measurement_signals_total{signal=\"dns.nxdomain\"}"));
      assertEquals(1, sample(s, "kuzet_step_duration_seconds_count{failure=\"generic_timeout_error\",step=\"tcp\"}"));
      assertEquals(0.25, sample(s, "kuzet_step_duration_seconds_sum{failure=\"generic_timeout_error\",step=\"tcp\"}"),
          1e-9);
      assertEquals(1, sample(s, "kuzet_runs_total{kind=\"campaign\",outcome=\"completed\"}"));
      assertEquals(1, sample(s, "kuzet_runs_total{kind=\"regular\",outcome=\"stopped\"}"));
      assertEquals(2, sample(s, "kuzet_runs_skipped_total"));
      assertEquals(1, sample(s, "kuzet_connectivity_state{state=\"domestic_only\"}"));
      assertEquals(0, sample(s, "kuzet_connectivity_state{state=\"online\"}"));
      assertEquals(90, sample(s, "kuzet_outage_seconds_total"), "the open outage counts as it goes");
      assertEquals(17, sample(s, "kuzet_upload_queue_depth"));
      assertEquals(Instant.parse("2022-01-05T05:00:00Z").getEpochSecond(),
          sample(s, "kuzet_last_upload_success_timestamp_seconds"));

      now.set(now.get().plusSeconds(30));
      metrics.connectivity(NetworkState.ONLINE);
      now.set(now.get().plusSeconds(600));
      assertEquals(120, sample(get(server, "/metrics").body(), "kuzet_outage_seconds_total"),
          "a closed outage stops counting");
      assertEquals(404, get(server, "/").statusCode());
      metrics.uploadDrained(3, true, Instant.parse("2022-01-05T07:00:00Z"));
      String after = get(server, "/metrics").body();
      assertEquals(3, sample(after, "kuzet_upload_queue_depth"));
      assertEquals(Instant.parse("2022-01-05T07:00:00Z").getEpochSecond(),
          sample(after, "kuzet_last_upload_success_timestamp_seconds"));
      assertTrue(s.lines().noneMatch(l -> l.contains("a.kz")), "no URL ever becomes a label");
    }
  }

  /**
   * The rules {@code promtool check metrics} applies to a scrape (promtool is not installed here): every family
   * has a non-empty HELP and a TYPE; names are snake_case; counters end in {@code _total} and nothing else does;
   * durations and times are in base units ({@code _seconds}, never milli- or microseconds).
   */
  @Test
  void everyMetricFamilyPassesPromtoolsLintRules() {
    AgentMetrics metrics = new AgentMetrics(clock);
    var listener = metrics.listener();
    listener.measurementEnd(TestMeasurements.of("https://a.kz/", T, Verdict.BLOCKED,
        List.of(Signal.DNS_NXDOMAIN)));
    listener.tcpEnd(TestMeasurements.of("x", T, Verdict.BLOCKED, List.of()).testKeys().tcpConnect()
        .get(0));
    metrics.runFinished(false, "completed", Duration.ofMinutes(1));
    metrics.runSkipped(1);
    metrics.connectivity(NetworkState.ONLINE);
    String scrape = metrics.scrape();

    java.util.Map<String, String> help = new java.util.TreeMap<>();
    java.util.Map<String, String> type = new java.util.TreeMap<>();
    for (String line : scrape.lines().toList()) {
      String[] p = line.split(" ", 4);
      if (line.startsWith("# HELP ")) {
        help.put(p[2], p.length > 3 ? p[3].strip() : "");
      } else if (line.startsWith("# TYPE ")) {
        type.put(p[2], p[3]);
      }
    }
    assertTrue(type.size() >= 12, "every agent meter is scraped: " + type.keySet());
    for (var family : type.entrySet()) {
      String name = family.getKey();
      String what = family.getValue();
      assertTrue(!help.getOrDefault(name, "").isEmpty(), name + " has no help text:\n" + scrape);
      assertTrue(name.matches("[a-z_][a-z0-9_]*"), name + " is not snake_case");
      assertEquals(what.equals("counter"), name.endsWith("_total"),
          name + " (" + what + "): counters, and only counters, end in _total");
      assertTrue(!name.matches(".*_(milliseconds|microseconds|nanoseconds|ms)(_.*)?"), name + ": base units only");
      if (name.matches(".*(duration|timestamp|outage).*")) {
        assertTrue(name.matches(".*_seconds(_total|_max)?"), name + ": a time is in seconds");
      }
    }
    for (String name : help.keySet()) {
      assertTrue(type.containsKey(name), name + " has HELP but no TYPE");
    }
  }

  @Test
  void refusesToListenBeyondLoopback() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MetricsServer.start(new InetSocketAddress("0.0.0.0", 0), () -> ""));
    assertTrue(e.getMessage().contains("loopback"), e.getMessage());
  }

  @Test
  void failureLabelsDropFreeTextDetail() {
    assertEquals("unknown_failure", AgentMetrics.failureLabel("unknown_failure: something odd at 10.0.0.1"));
    assertEquals("none", AgentMetrics.failureLabel(null));
    assertEquals("connection_reset", AgentMetrics.failureLabel("connection_reset"));
  }
}
