package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Signal;
import org.kuzet.schema.Verdict;

/**
 * Bounded parallelism, asserted through counts and order rather than durations: how many measurements were in
 * flight at once, and which finished while another was still stuck.
 */
class MeasurementRunnerTest {
  private static final String REPORT = "20260101T000000Z_webconnectivity_KZ_9198_r1_test";
  private static final long PATIENCE_SECONDS = Latches.PATIENCE_SECONDS;

  private final FakeDnsServer dns = new FakeDnsServer();
  private final MockWebServer site = TlsSites.http();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    site.close();
    dns.close();
  }

  private ProbeSettings.Builder settings() {
    return ProbeSettings.builder()
        .systemResolvers(List.of(dns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/16"))))
        .dnsTimeout(Duration.ofSeconds(5))
        .connectTimeout(Duration.ofSeconds(5))
        .httpTimeout(Duration.ofSeconds(PATIENCE_SECONDS))
        .injectionWindow(Duration.ofMillis(50));
  }

  private WebConnectivity experiment(ProbeSettings settings) {
    WebConnectivity wc = new WebConnectivity(settings);
    closeables.add(wc);
    return wc;
  }

  /** Site i is "s{i}.kz", all served by the one MockWebServer. */
  /** The site answers every request 200 "ok" at once. */
  private void answerOk() {
    site.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().body("ok").build();
      }
    });
  }

  private List<String> sites(int n) {
    String ip = site.getSocketAddress().getAddress().getHostAddress();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dns.answer("s" + i + ".kz", ip);
      urls.add("http://s" + i + ".kz:" + site.getPort() + "/" + i);
    }
    return urls;
  }

  /** Collects results in delivery order and checks the sink is never entered by two threads at once. */
  private static class Collector implements MeasurementRunner.Sink {
    final List<String> order = new ArrayList<>();
    final Map<String, RuntimeException> failed = new ConcurrentHashMap<>();
    final AtomicInteger inside = new AtomicInteger();
    volatile boolean overlapped;

    @Override
    public void measured(Measurement m) {
      enter();
      synchronized (this) {
        order.add(m.input());
      }
      leave();
    }

    @Override
    public void failed(String input, RuntimeException error) {
      enter();
      failed.put(input, error);
      synchronized (this) {
        order.add(input);
      }
      leave();
    }

    private void enter() {
      if (inside.incrementAndGet() > 1) {
        overlapped = true;
      }
      Thread.yield();
    }

    private void leave() {
      inside.decrementAndGet();
    }

    synchronized List<String> snapshot() {
      return List.copyOf(order);
    }
  }

  @Test
  void everyInputIsMeasuredOnce() throws InterruptedException {
    answerOk();
    List<String> urls = sites(5);
    Collector sink = new Collector();
    int done = new MeasurementRunner(experiment(settings().build()), 2).run(urls, REPORT, sink);
    assertEquals(5, done);
    assertEquals(urls.stream().sorted().toList(), sink.order.stream().sorted().toList());
    assertFalse(sink.overlapped, "the sink is called one result at a time");
  }

  /**
   * Finishing a measurement (its late replies folded in, scrubbing, the analysis, then the sink) is CPU work and
   * runs on as many threads as the machine has cores, however many measurements end together: before, each ran on
   * a thread of the step pool, which grew by one for every measurement whose window closed while the others were
   * still finishing or waiting for the sink (130 threads at parallel 64 in the 5,000-URL benchmark).
   */
  @Test
  void measurementsAreFinishedOnAsManyThreadsAsCoresNotOneEach() throws InterruptedException {
    answerOk();
    Set<Thread> finishing = ConcurrentHashMap.newKeySet();
    Set<String> names = ConcurrentHashMap.newKeySet();
    int done = new MeasurementRunner(experiment(settings().build()), 32).run(sites(120), REPORT,
        new MeasurementRunner.Sink() {
          @Override
          public void measured(Measurement m) {
            finishing.add(Thread.currentThread());
            names.add(Thread.currentThread().getName());
          }

          @Override
          public void failed(String input, RuntimeException error) {
            throw new AssertionError(input, error);
          }
        });
    assertEquals(120, done);
    // The finishing pool's threads (or a worker, when a measurement was finished before its worker had handed it
    // on), never the step pool's.
    assertTrue(Set.of("kuzet-finish", "kuzet-measure").containsAll(names), "finished on " + names);
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    long finishers = finishing.stream().filter(t -> t.getName().equals("kuzet-finish")).count();
    assertTrue(finishers <= cores, finishers + " finishing threads for " + cores + " cores");
  }

  /** Two targets with one URL (say, from two lists) each get their own measurement: nothing is joined by URL. */
  @Test
  void eachTargetIsHandedBackWithItsOwnMeasurement() throws InterruptedException {
    answerOk();
    String url = sites(1).get(0);
    record Entry(String url, String list) {}
    List<Entry> targets = List.of(new Entry(url, "kz"), new Entry(url, "own"), new Entry("not a url", "own"));
    List<String> measured = new ArrayList<>();
    List<Entry> failed = new ArrayList<>();
    int done = new MeasurementRunner(experiment(settings().build()), 2).run(targets, Entry::url, REPORT,
        new MeasurementRunner.TargetSink<Entry>() {
          @Override
          public void measured(Entry target, org.kuzet.schema.Measurement m) {
            assertEquals(target.url(), m.input());
            measured.add(target.list());
          }

          @Override
          public void failed(Entry target, RuntimeException error) {
            failed.add(target);
          }
        });
    assertEquals(2, done);
    assertEquals(List.of("kz", "own"), measured.stream().sorted().toList());
    assertEquals(List.of(targets.get(2)), failed);
  }

  @Test
  void badInputIsReportedAndDoesNotStopTheRun() throws InterruptedException {
    answerOk();
    List<String> urls = new ArrayList<>(sites(2));
    urls.add(1, "not a url");
    Collector sink = new Collector();
    int done = new MeasurementRunner(experiment(settings().build()), 2).run(urls, REPORT, sink);
    assertEquals(2, done, "only completed measurements count");
    assertEquals(List.of("not a url"), List.copyOf(sink.failed.keySet()));
    assertInstanceOf(IllegalArgumentException.class, sink.failed.get("not a url"));
  }

  /**
   * The site holds each request until {@code parallelism} requests are in flight at once. If the runner ran
   * fewer measurements at a time the gate would never open by itself (the test would see a maximum below the
   * bound); if it ran more, the maximum would exceed it.
   */
  @Test
  void runsExactlyParallelismMeasurementsAtOnce() throws InterruptedException {
    int parallelism = 3;
    CountDownLatch gate = new CountDownLatch(parallelism);
    site.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        gate.countDown();
        gate.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        return new MockResponse.Builder().body("ok").build();
      }
    });
    AtomicInteger active = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    ProbeEventListener counter = new ProbeEventListener() {
      @Override
      public void measurementStart(String input) {
        max.accumulateAndGet(active.incrementAndGet(), Math::max);
      }

      // A measurement's steps end with its HTTP request; its late-reply window then closes in the background,
      // without a worker, so that window does not count against the parallelism.
      @Override
      public void httpEnd(org.kuzet.schema.HttpTransaction tx) {
        active.decrementAndGet();
      }
    };
    List<String> urls = sites(8);
    Collector sink = new Collector();
    int done = new MeasurementRunner(experiment(settings().listener(counter).build()), parallelism)
        .run(urls, REPORT, sink);
    assertEquals(8, done);
    assertEquals(0, gate.getCount(), "three requests were in flight together");
    assertEquals(parallelism, max.get());
  }

  /**
   * One blackholed site (its connect would take the whole connect timeout) must not hold up the others: they all
   * complete while it is still connecting. The run is then interrupted rather than waiting out the timeout.
   */
  @Test
  void aBlackholedSiteDoesNotHoldUpTheOthers() throws Exception {
    answerOk();
    Blackhole hole = Blackhole.open();
    closeables.add(hole);
    dns.answer("blackholed.kz", hole.address().getAddress().getHostAddress());
    String blackholed = "http://blackholed.kz:" + hole.port() + "/";
    List<String> fast = sites(5);
    List<String> urls = new ArrayList<>(List.of(blackholed));
    urls.addAll(fast);

    CountDownLatch fastDone = new CountDownLatch(fast.size());
    Collector sink = new Collector() {
      @Override
      public void measured(Measurement m) {
        super.measured(m);
        fastDone.countDown();
      }
    };
    // The blackhole's connect timeout is far longer than the test waits: only interruption ends it.
    WebConnectivity wc = experiment(settings().connectTimeout(Duration.ofSeconds(120)).build());
    MeasurementRunner runner = new MeasurementRunner(wc, 2);
    Thread run = new Thread(() -> {
      try {
        runner.run(urls, REPORT, sink);
      } catch (InterruptedException e) {
        // expected: the test stops the run once the fast sites are in
      }
    }, "kuzet-test runner");
    run.setDaemon(true);
    run.start();

    assertTrue(fastDone.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "fast sites finished: " + sink.snapshot());
    assertEquals(fast.stream().sorted().toList(), sink.snapshot().stream().sorted().toList(),
        "every fast site finished while the blackholed one was still connecting");
    run.interrupt();
    run.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
    assertFalse(run.isAlive());
  }

  /** A helper answering OONI's control protocol: every site reachable, its page "ok"; {@code hold} may delay it. */
  private MockWebServer helper(java.util.function.Predicate<String> hold) {
    MockWebServer helper = TlsSites.http();
    closeables.add(helper);
    helper.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String body = request.getBody().utf8();
        if (hold.test(body)) {
          return new MockResponse.Builder().code(503).build(); // not let go in time: the test fails on its failure
        }
        String endpoint = body.replaceAll("(?s).*\"tcp_connect\"\\s*:\\s*\\[\\s*\"([^\"]+)\".*", "$1");
        String ip = endpoint.substring(0, endpoint.lastIndexOf(':'));
        return new MockResponse.Builder().addHeader("Content-Type", "application/json").body("""
            {"dns": {"failure": null, "addrs": ["%s"]},
             "tcp_connect": {"%s": {"status": true, "failure": null}},
             "http_request": {"body_length": 2, "failure": null, "title": "", "headers": {}, "status_code": 200}}
            """.formatted(ip, endpoint)).build();
      }
    });
    return helper;
  }

  /** Keeps the measurements by their URL. */
  private static final class ByInput implements MeasurementRunner.Sink {
    final Map<String, Measurement> measured = new ConcurrentHashMap<>();
    final Map<String, RuntimeException> failed = new ConcurrentHashMap<>();

    @Override
    public void measured(Measurement m) {
      measured.put(m.input(), m);
    }

    @Override
    public void failed(String input, RuntimeException error) {
      failed.put(input, error);
    }
  }

  /**
   * The control's answer is not waited for on the worker. With one worker, the helper holds its answer for a
   * blackholed site until the next URL's site has been asked: a worker that waited for the control would never
   * start that URL, and the held answer would come too late (a control failure). The finished measurement still
   * carries the control, and the verdict that needs it.
   */
  @Test
  void theWorkerStartsTheNextUrlWhileTheControlIsStillAnswering() throws Exception {
    CountDownLatch nextAsked = new CountDownLatch(1);
    site.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        nextAsked.countDown();
        return new MockResponse.Builder().body("ok").build();
      }
    });
    Blackhole hole = Blackhole.open();
    closeables.add(hole);
    dns.answer("held.kz", hole.address().getAddress().getHostAddress());
    String held = "http://held.kz:" + hole.port() + "/";
    String next = sites(1).get(0);
    MockWebServer helper = helper(body -> body.contains("held.kz") && !await(nextAsked));
    ByInput sink = new ByInput();

    int done = new MeasurementRunner(experiment(settings()
        .connectTimeout(Duration.ofSeconds(1)) // a blackhole: the timeout is the point
        .controlTimeout(Duration.ofSeconds(PATIENCE_SECONDS * 2))
        .controlUrls(List.of(helper.url("/").toString())).build()), 1).run(List.of(held, next), REPORT, sink);

    assertEquals(2, done, "failed: " + sink.failed);
    Measurement m = sink.measured.get(held);
    assertNull(m.testKeys().controlFailure(), "the held answer came in");
    assertTrue(m.testKeys().control() != null, "the control is in the measurement");
    assertEquals(Verdict.BLOCKED, m.testKeys().xVerdict());
    assertTrue(m.testKeys().xSignals().contains(Signal.TCP_TIMEOUT), "signals: " + m.testKeys().xSignals());
    assertEquals(Verdict.ACCESSIBLE, sink.measured.get(next).testKeys().xVerdict());
  }

  /** A helper that never answers: the measurement ends with the control client's timeout as its control failure. */
  @Test
  void aControlThatNeverAnswersIsAControlFailureAfterItsTimeout() throws Exception {
    answerOk();
    CountDownLatch testOver = new CountDownLatch(1);
    closeables.add(testOver::countDown);
    MockWebServer helper = helper(body -> !await(testOver));
    List<String> urls = sites(2);
    ByInput sink = new ByInput();

    int done = new MeasurementRunner(experiment(settings()
        .controlTimeout(Duration.ofSeconds(1)) // the helper never answers: the timeout is the point
        .controlUrls(List.of(helper.url("/").toString())).build()), 1).run(urls, REPORT, sink);

    assertEquals(2, done, "failed: " + sink.failed);
    for (String url : urls) {
      Measurement m = sink.measured.get(url);
      assertEquals("generic_timeout_error", m.testKeys().controlFailure(), url);
      assertNull(m.testKeys().control(), url);
      assertEquals(Verdict.INCONCLUSIVE, m.testKeys().xVerdict(), url);
    }
  }

  private static boolean await(CountDownLatch latch) {
    return Latches.await(latch);
  }

  @Test
  void parallelismMustBePositive() {
    WebConnectivity wc = experiment(settings().build());
    assertThrows(IllegalArgumentException.class, () -> new MeasurementRunner(wc, 0));
  }

  @Test
  void moreWorkersThanInputsIsFine() throws InterruptedException {
    answerOk();
    List<String> urls = sites(1);
    Collector sink = new Collector();
    assertEquals(1, new MeasurementRunner(experiment(settings().build()), 16).run(urls, REPORT, sink));
    assertEquals(urls, sink.order);
  }
}
