package org.kuzet.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.kuzet.core.control.ControlClient;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.net.AddressRefusedException;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.net.PolicySocketFactory;
import org.kuzet.core.step.DnsStep;
import org.kuzet.core.step.HttpStep;
import org.kuzet.core.step.NetworkEventLog;
import org.kuzet.core.step.StepClock;
import org.kuzet.core.step.TcpStep;
import org.kuzet.core.step.TlsStep;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.Observations;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlFailures;
import org.kuzet.schema.control.ControlRequest;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Type;

/**
 * The web connectivity experiment: for one URL, DNS from every configured resolver, TCP to
 * every resolved address, TLS per address, then HTTP GET hop by hop (each new host going through DNS/TCP/TLS
 * again). Network failures end up in the records; only bugs and bad input throw. Once the system resolver has
 * answered for the input host, the control request (the probe's endpoints, OONI's test helper protocol) runs in the
 * background, overlapping the other resolvers and the probe's own TCP/TLS/HTTP steps, and joins the record once it
 * answers (no thread waits for it, see {@link #measureAsync});
 * without a control URL, {@code control} stays null and {@code control_failure} is
 * {@link ControlFailures#NOT_CONFIGURED}. The pure {@link Analysis} over the observations and the control's view
 * then fills the verdict keys.
 *
 * <p>Nothing waits idle for evidence: a UDP query counts as answered at its first reply and keeps listening for late
 * ones in the background (on one selector for the process, {@link org.kuzet.core.step.UdpExchanges}); HTTP starts
 * as soon as the endpoint it will use is known; late replies are folded into their queries before the analysis.
 *
 * <p>Thread-safe; one instance serves a whole run. Steps inside a measurement (queries, connects) run
 * concurrently (UDP queries and TCP connects each on one selector for the process, {@link
 * org.kuzet.core.step.TcpConnects}; TLS, DNS over TCP, DoH and the control on a shared daemon pool), so a blackholed
 * address costs one connect timeout, not one per address, and no thread waits while it does.
 */
public final class WebConnectivity implements AutoCloseable {
  private static final int MAX_HOPS_GUARD = 31;

  private final ProbeSettings settings;
  private final ProbeEventListener listener;
  private final OkHttpClient base;
  /** {@link #base} for the measured sites: every connection it makes goes through the address policy. */
  private final OkHttpClient sites;
  private final ExecutorService steps;
  /**
   * Where a measurement is finished once its late replies and the control are in (folding the replies in, scrubbing,
   * the analysis, then the caller's continuation, e.g. storing): CPU work, so as many threads as cores. On the
   * step pool, a burst of windows closing together grew it by a thread each (130 at parallel 64), every one of them
   * resident memory for a minute, for work two cores do no faster in parallel.
   */
  private final ExecutorService finishers;
  private final List<InetSocketAddress> systemResolvers;
  private final ControlClient control;

  public WebConnectivity(ProbeSettings settings) {
    this.settings = settings;
    this.listener = SafeListener.wrap(settings.listener());
    this.base = new OkHttpClient.Builder().build();
    this.sites = base.newBuilder().socketFactory(new PolicySocketFactory(settings.addressPolicy())).build();
    this.steps = Executors.newCachedThreadPool(daemons("kuzet-step"));
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor finishing = new ThreadPoolExecutor(cores, cores, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons("kuzet-finish"));
    finishing.allowCoreThreadTimeOut(true);
    this.finishers = finishing;
    this.systemResolvers = settings.systemResolvers() != null ? settings.systemResolvers()
        : ResolverConfig.getCurrentConfig().servers();
    this.control = new ControlClient(settings.controlUrls(), settings.controlTimeout(), settings.trustRoots(), base);
  }

  private static ThreadFactory daemons(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** When a page that arrived whole counts as throttled; a run's {@link LocalBaseline} judges by these. */
  public org.kuzet.core.analysis.Throttling.Thresholds throttling() {
    return settings.throttling();
  }

  /**
   * Measures one URL and returns when its record is complete, late DNS replies included (see {@link #measureAsync}).
   * {@code input} must be an absolute http(s) URL; anything else is a caller bug.
   */
  public Measurement measure(String input, String reportId) {
    try {
      return measureAsync(input, reportId).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Measures one URL: its steps run now, on the calling thread and the step pool; the returned future completes
   * once the late DNS replies and the control's answer are in. UDP queries go on at their first reply and keep
   * listening in the background until the last step is over and at least the injection window has passed since
   * their first reply (an injector's lie and the real answer race: the loser arrives late). The control request runs
   * alongside the steps and is not waited for here either: it is bounded by the control client's own timeout, and a
   * helper that connects to a blackholed address waits out its own connect timeout, which would otherwise hold the
   * caller once more after the probe's. No thread waits for either: the rest of the record (folding the late replies
   * in, scrubbing, the analysis) runs when both are in. Throws at once on bad input.
   */
  public CompletableFuture<Measurement> measureAsync(String input, String reportId) {
    HttpUrl first = HttpUrl.parse(input);
    if (first == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + input);
    }
    listener.measurementStart(input);
    StepClock clock = new StepClock(settings.clock());
    Run run = new Run(clock);
    try {
      run.follow(first);
      run.joinConnects();
    } catch (RuntimeException e) {
      run.stopListening();
      throw e;
    }
    double runtime = clock.now();
    long waitNanos = run.lateWindowLeftNanos();
    CompletableFuture<Void> listened = waitNanos <= 0
        ? CompletableFuture.runAsync(run::stopListening, Runnable::run)
        : CompletableFuture.runAsync(run::stopListening,
            CompletableFuture.delayedExecutor(waitNanos, TimeUnit.NANOSECONDS, finishers));
    CompletableFuture<ControlClient.Outcome> control = run.controlCall.handle((outcome, error) -> {
      if (error != null) {
        throw new IllegalStateException("the control request failed unexpectedly",
            error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error);
      }
      return outcome;
    });
    // Finished on the finishing pool, whichever of the two comes in last (the finishing work is a few milliseconds
    // of CPU); the caller's continuations run there too.
    return listened.thenCombineAsync(control, (none, outcome) -> finish(input, reportId, clock, runtime, run, outcome),
        finishers);
  }

  private Measurement finish(String input, String reportId, StepClock clock, double runtime, Run run,
      ControlClient.Outcome controlOutcome) {
    String start = MeasurementJson.ooniTime(clock.start());
    Map<String, String> annotations = new java.util.LinkedHashMap<>();
    annotations.put("engine_name", Software.NAME);
    annotations.put("engine_version", Software.VERSION);
    annotations.put("platform", platform());
    annotations.put("architecture", architecture());
    Measurement observed = new Measurement(
        MeasurementIds.measurementUid(clock.start(), settings.probeCc()), reportId, input, start,
        start, settings.probeAsn(), settings.probeCc(), settings.network().probeNetworkName(),
        settings.network().resolverAsn(), settings.network().resolverNetworkName(), Software.NAME, Software.VERSION, Measurement.TEST_NAME,
        "0.1.0", runtime, Measurement.DATA_FORMAT_VERSION,
        annotations,
        TestKeys.of(new Observations(run.queries, run.tcp, run.tls, run.requests, run.networkEvents(),
            run.dnsExperimentFailure)).withControl(
                new ControlExchange(run.controlRequest, controlOutcome.response(), controlOutcome.failure())),
        testHelpers(controlOutcome.url()));
    // The volunteer's addresses leave the observations here, before anything reads them (the analysis too, so a
    // stored measurement analyses again to the same verdict): every printer, store and upload gets this one.
    Measurement scrubbed = new Scrubber(settings.probeAddresses().current()).scrub(observed);
    Measurement m = scrubbed.withTestKeys(Analysis.analyze(scrubbed.testKeys()));
    listener.measurementEnd(m);
    return m;
  }

  /**
   * df-000's {@code test_helpers}: the helper whose answer (or last failure) is in {@code control}, typed by its
   * scheme as OONI types its backends; empty when no helper was asked.
   */
  private static com.fasterxml.jackson.databind.JsonNode testHelpers(String controlUrl) {
    var helpers = MeasurementJson.mapper().createObjectNode();
    if (controlUrl != null) {
      HttpUrl url = HttpUrl.parse(controlUrl);
      helpers.putObject("backend").put("address", controlUrl).put("type", url == null ? "https" : url.scheme());
    }
    return helpers;
  }

  /** OONI's annotation values: amd64, arm64, 386, arm (Go's names), else the JVM's. */
  private static String architecture() {
    String arch = System.getProperty("os.arch", "unknown").toLowerCase(java.util.Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      case "arm" -> "arm";
      default -> arch;
    };
  }

  private static String platform() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(java.util.Locale.ROOT);
    return os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : "unknown";
  }

  /**
   * The state of one measurement; confined to the measuring thread (sub-steps only return records, and report
   * their completion through a connect phase's event queue).
   */
  private final class Run {
    final List<DnsQuery> queries = new ArrayList<>();
    final List<TcpConnect> tcp = new ArrayList<>();
    final List<TlsHandshake> tls = new ArrayList<>();
    final List<HttpTransaction> requests = new ArrayList<>();
    final Map<String, List<InetAddress>> resolved = new HashMap<>();
    final Map<String, Choice> endpoints = new HashMap<>();
    /** Hosts the address policy refused (a non-public IP literal, in any spelling), with the failure to record. */
    final Map<String, String> refused = new HashMap<>();
    /** UDP queries still listening for late replies, by their index in {@link #queries}. */
    final Map<Integer, DnsStep.Udp> listening = new java.util.LinkedHashMap<>();
    /** The UDP queries of each host (their late replies may name more addresses to connect to). */
    final Map<String, List<DnsStep.Udp>> udpOf = new HashMap<>();
    /** Every TCP (+TLS) attempt, in launch order: recorded once all are over, before the analysis. */
    final List<Attempt> attempts = new ArrayList<>();
    final DnsStep dns;
    final TcpStep tcpStep;
    final TlsStep tlsStep;
    final HttpStep http;
    String dnsExperimentFailure;
    CompletableFuture<ControlClient.Outcome> controlCall;
    /** The request really sent to the control (OONI's {@code x_control_request}); null when none was. */
    ControlRequest controlRequest;
    /** OONI's operation ids: one per DNS query, one per endpoint (its TCP connect, TLS handshake and HTTP). */
    int lastId;
    /** Addresses the system resolver gave (OONI tags their connections {@code classic}). */
    final Set<InetAddress> fromSystem = new java.util.HashSet<>();

    /** df-008 events of the TCP, TLS and HTTP steps, bounded (see {@link NetworkEventLog}). */
    final NetworkEventLog events = NetworkEventLog.bounded();

    /**
     * The latest first reply of a UDP query, by System.nanoTime() (the window is real time, whatever the injected
     * clock says): late replies are awaited a window after it. Long.MIN_VALUE when no UDP query was answered.
     */
    long lastFirstReplyNanos = Long.MIN_VALUE;
    Run(StepClock clock) {
      dns = new DnsStep(settings.dnsTimeout(), settings.injectionWindow(), settings.addressPolicy(),
          settings.trustRoots(), base, clock, listener);
      tcpStep = new TcpStep(settings.connectTimeout(), clock, listener, events);
      tlsStep = new TlsStep(settings.tlsTimeout(), settings.trustRoots(), clock, listener, events);
      http = new HttpStep(sites, settings.httpTimeout(), settings.trustRoots(), settings.maxBodyBytes(),
          settings.userAgent(), clock, listener, events);
    }

    /**
     * The events with their endpoint's operation id and tags: those of the latest {@code tcp_connect} entry to the
     * same endpoint that started no later than the event (the HTTP step's own connection joins the TCP/TLS steps'
     * entry for its endpoint, as its request does).
     */
    List<NetworkEvent> networkEvents() {
      List<NetworkEvent> out = new ArrayList<>();
      for (NetworkEvent e : events.events()) {
        TcpConnect endpoint = null;
        for (TcpConnect c : tcp) {
          if (c.endpoint().equals(e.address()) && c.t0() <= e.t0()) {
            endpoint = c;
          }
        }
        out.add(endpoint == null ? e : e.numbered(endpoint.transactionId(), endpoint.tags()));
      }
      return out;
    }

    void follow(HttpUrl url) {
      for (int hop = 0; hop <= Math.min(settings.maxRedirects(), MAX_HOPS_GUARD); hop++) {
        int depth = hop;
        HttpUrl asked = url;
        List<InetAddress> addresses = resolved.computeIfAbsent(url.host(),
            h -> resolve(h, requests.isEmpty(), depth, asked));
        if (controlCall == null) {
          startControl(url, addresses);
        }
        String key = url.scheme() + "://" + url.host() + ":" + url.port();
        HttpUrl current = url;
        Choice choice = endpoints.computeIfAbsent(key, k -> connect(current, addresses, depth));
        if (choice.address == null) {
          requests.add(http.notSent(url, hop, choice.failure).numbered(null, List.of("depth=" + hop)));
          return;
        }
        // The request joins the endpoint's TCP connect and TLS handshake by their operation id.
        HttpTransaction tx = http.get(url, choice.address, hop).numbered(choice.transactionId,
            tags(choice.address, hop, "fetch_body=true"));
        requests.add(tx);
        HttpUrl next = tx.failure() == null ? redirectTarget(url, tx) : null;
        if (next == null) {
          return;
        }
        url = next;
      }
    }

    /** Fires the control request for the input URL with the probe's endpoints; it runs alongside TCP/TLS/HTTP. */
    void startControl(HttpUrl url, List<InetAddress> addresses) {
      if (!control.configured()) {
        controlCall = CompletableFuture.completedFuture(
            ControlClient.Outcome.failed(ControlFailures.NOT_CONFIGURED, null));
        return;
      }
      Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
      http.request(url).headers().forEach((k, v) -> headers.put(k, List.of(v)));
      List<String> endpoints = addresses.stream()
          .map(a -> org.kuzet.schema.Endpoints.format(org.kuzet.core.net.IpLiterals.text(a), url.port())).toList();
      ControlRequest request = new ControlRequest(url.toString(), headers, endpoints);
      controlRequest = request;
      controlCall = CompletableFuture.supplyAsync(() -> control.query(request), steps);
    }

    /**
     * DNS for one host from every resolver, A and AAAA, all at once; the usable addresses, system resolver's
     * first. UDP queries count as answered at their first reply and go on listening. For the input host, the
     * control request starts as soon as the system resolver has answered, while other resolvers may still be busy.
     */
    List<InetAddress> resolve(String host, boolean inputHost, int hop, HttpUrl url) {
      // A host written as a number is no name to look up, but its address meets the same policy as a DNS answer.
      java.util.Optional<InetAddress> literal;
      try {
        literal = IpLiterals.hostAddress(host);
      } catch (IllegalArgumentException e) {
        refused.put(host, new AddressRefusedException(e.getMessage() + "; not connected to").failure());
        return List.of();
      }
      if (literal.isPresent()) {
        if (settings.addressPolicy().isBogon(literal.get())) {
          refused.put(host, AddressRefusedException.nonPublic(literal.get(), host).failure());
          return List.of();
        }
        return List.of(literal.get());
      }
      List<CompletableFuture<DnsQuery>> futures = new ArrayList<>();
      List<DnsStep.Udp> udps = new ArrayList<>();
      List<CompletableFuture<DnsQuery>> systemQueries = new ArrayList<>();
      for (int type : new int[] {Type.A, Type.AAAA}) {
        if (!systemResolvers.isEmpty()) {
          DnsStep.Udp u = dns.udpStart("system", systemResolvers.get(0), host, type);
          futures.add(u.answered());
          udps.add(u);
          systemQueries.add(u.answered());
        }
        for (InetSocketAddress r : settings.resolvers()) {
          DnsStep.Udp u = dns.udpStart("udp", r, host, type);
          futures.add(u.answered());
          udps.add(u);
          futures.add(CompletableFuture.supplyAsync(() -> dns.tcp("tcp", r, host, type), steps));
          udps.add(null);
        }
        for (String doh : settings.dohUrls()) {
          futures.add(CompletableFuture.supplyAsync(() -> dns.doh(doh, host, type), steps));
          udps.add(null);
        }
      }
      udpOf.put(host, udps.stream().filter(java.util.Objects::nonNull).toList());
      int base = queries.size();
      for (int i = 0; i < udps.size(); i++) {
        if (udps.get(i) != null) {
          listening.put(base + i, udps.get(i));
        }
      }
      if (inputHost && controlCall == null && !systemResolvers.isEmpty()) {
        // The user's view is known once the system resolver answered: ask the control now, with what is known.
        systemQueries.forEach(f -> await(f, "a DNS query failed unexpectedly"));
        List<DnsQuery> answered = new ArrayList<>();
        for (CompletableFuture<DnsQuery> f : futures) {
          DnsQuery q = f.getNow(null); // whatever else has answered by now goes along
          if (q != null) {
            answered.add(q);
          }
        }
        startControl(url, usable(answered, host, List.of()));
      }
      List<DnsQuery> results = new ArrayList<>();
      for (CompletableFuture<DnsQuery> f : futures) {
        results.add(await(f, "a DNS query failed unexpectedly"));
      }
      for (DnsStep.Udp u : udpOf.get(host)) {
        lastFirstReplyNanos = Math.max(lastFirstReplyNanos, u.firstReplyNanos());
      }
      List<DnsQuery> numbered = new ArrayList<>();
      for (DnsQuery q : results) {
        boolean system = q.engine().equals("system");
        numbered.add(q.numbered(++lastId, system ? List.of("classic", "depth=" + hop) : List.of("depth=" + hop)));
        if (system) {
          q.answers().stream().filter(a -> a.address() != null && !a.xBogon())
              .forEach(a -> fromSystem.add(IpLiterals.parse(a.address())));
        }
      }
      queries.addAll(numbered);
      if (inputHost) {
        dnsExperimentFailure = systemFailure(numbered);
      }
      return usable(numbered, host, udps);
    }

    /** The usable addresses of these answers (and of the late replies heard so far), system resolver's first. */
    private List<InetAddress> usable(List<DnsQuery> results, String host, List<DnsStep.Udp> udps) {
      Set<InetAddress> usable = new LinkedHashSet<>();
      results.stream().sorted((a, b) -> Boolean.compare(!a.engine().equals("system"), !b.engine().equals("system")))
          .forEach(q -> {
            addUsable(q.answers(), usable);
            q.xExtraReplies().forEach(extra -> addUsable(extra, usable));
          });
      for (DnsStep.Udp u : udps) {
        if (u != null) {
          u.lateAnswers().forEach(extra -> addUsable(extra, usable));
        }
      }
      return usable.stream().limit(settings.maxAddresses()).toList();
    }

    private void addUsable(List<DnsAnswer> answers, Set<InetAddress> usable) {
      for (DnsAnswer a : answers) {
        if (a.address() != null && !a.xBogon()) {
          usable.add(IpLiterals.parse(a.address()));
        }
      }
    }

    /**
     * TCP (and TLS for https) to every address at once; picks the endpoint HTTP will use as soon as it is known:
     * the first address in order (system resolver's first) that worked, once every address before it has failed.
     * Addresses named by late replies that arrive meanwhile are connected to as well. Attempts still running when
     * the choice is made go on, and are recorded at the end of the measurement.
     */
    Choice connect(HttpUrl url, List<InetAddress> addresses, int hop) {
      if (addresses.isEmpty()) {
        return new Choice(null, resolutionFailure(url.host()), null);
      }
      boolean https = url.isHttps();
      java.util.concurrent.BlockingQueue<Object> events = new java.util.concurrent.LinkedBlockingQueue<>();
      List<DnsStep.Udp> udps = udpOf.getOrDefault(url.host(), List.of());
      udps.forEach(u -> u.onLate(() -> events.add(Boolean.TRUE)));
      List<Attempt> phase = new ArrayList<>();
      Set<InetAddress> tried = new java.util.HashSet<>();
      Choice[] chosen = new Choice[1];
      while (true) {
        List<InetAddress> known = new ArrayList<>(addresses);
        for (DnsStep.Udp u : udps) {
          Set<InetAddress> late = new LinkedHashSet<>();
          u.lateAnswers().forEach(extra -> addUsable(extra, late));
          known.addAll(late);
        }
        for (InetAddress a : known) {
          if (tried.size() >= settings.maxAddresses()) {
            break;
          }
          if (tried.add(a)) {
            Attempt at = new Attempt(++lastId, a, hop, chosen);
            at.result = attempt(a, url, https);
            at.result.whenComplete((r, e) -> events.add(at));
            phase.add(at);
            attempts.add(at);
          }
        }
        String firstFailure = null;
        boolean undecided = false;
        for (Attempt at : phase) {
          if (!at.result.isDone()) {
            undecided = true;
            break;
          }
          String failure = at.failure();
          if (failure == null) {
            chosen[0] = new Choice(at.address, null, at.id);
            return chosen[0];
          }
          if (firstFailure == null) {
            firstFailure = failure;
          }
        }
        if (!undecided) {
          return new Choice(null, firstFailure, null);
        }
        try {
          events.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          phase.forEach(at -> at.result.cancel(true));
          throw new IllegalStateException("measurement interrupted", e);
        }
      }
    }

    /**
     * The connect on the connect selector (no thread waits for it), then, for https, the TLS handshake on the step
     * pool: it waits on the network, never on a timer alone.
     */
    private CompletableFuture<Object[]> attempt(InetAddress a, HttpUrl url, boolean https) {
      CompletableFuture<TcpStep.Result> connecting = tcpStep.connectAsync(new InetSocketAddress(a, url.port()));
      CompletableFuture<Object[]> result = connecting.thenCompose(r -> {
        if (r.socket() == null) {
          return CompletableFuture.completedFuture(new Object[] {r.connect(), null});
        }
        settings.probeAddresses().addLocal(r.socket().getLocalAddress()); // scrubbed like the interfaces'
        if (!https) {
          try {
            r.socket().close();
          } catch (java.io.IOException ignored) {
            // The connect is what was measured; closing the socket afterwards changes nothing in the record.
          }
          return CompletableFuture.completedFuture(new Object[] {r.connect(), null});
        }
        return CompletableFuture.supplyAsync(() -> new Object[] {r.connect(), tlsStep.handshake(r.socket(),
            url.host())}, steps);
      });
      // An interrupted measurement cancels its attempts; a connect that still succeeds then has nobody to close it.
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          connecting.thenAccept(c -> closeQuietly(c.socket()));
        }
      });
      return result;
    }

    private static void closeQuietly(java.net.Socket socket) {
      if (socket == null) {
        return;
      }
      try {
        socket.close();
      } catch (java.io.IOException ignored) {
        // Nothing is measured on this socket any more.
      }
    }

    /** Waits for the attempts still running (each has its own deadline) and records them all, in launch order. */
    void joinConnects() {
      for (Attempt at : attempts) {
        Object[] r = await(at.result, "a measurement step failed unexpectedly");
        TcpConnect c = (TcpConnect) r[0];
        TlsHandshake h = (TlsHandshake) r[1];
        Choice chosen = at.chosen[0];
        boolean fetched = chosen != null && chosen.transactionId != null && chosen.transactionId == at.id;
        List<String> tags = tags(at.address, at.hop, "fetch_body=" + fetched);
        tcp.add(c.numbered(at.id, tags));
        if (h != null) {
          tls.add(h.numbered(at.id, tags));
        }
      }
    }

    /** How long the UDP queries should still listen for late replies: a window after the latest first reply. */
    long lateWindowLeftNanos() {
      if (listening.isEmpty() || lastFirstReplyNanos == Long.MIN_VALUE) {
        return 0;
      }
      long left = lastFirstReplyNanos + settings.injectionWindow().toNanos() - System.nanoTime();
      return Math.max(0, left);
    }

    /** Stops every UDP query's listening and folds what it heard into its record. */
    void stopListening() {
      for (Map.Entry<Integer, DnsStep.Udp> e : listening.entrySet()) {
        if (e.getKey() < queries.size()) {
          queries.set(e.getKey(), e.getValue().finish(queries.get(e.getKey())));
        } else {
          e.getValue().finish(null); // not recorded (the measurement failed): just close it
        }
      }
      listening.clear();
    }

    /**
     * Why a host left nothing to connect to: the first of its queries (system resolver's A first) that failed or
     * answered only bogons. A bogon answer is not "no answer": the resolver answered, and the answer was unusable.
     */
    private String resolutionFailure(String host) {
      if (refused.containsKey(host)) {
        return refused.get(host);
      }
      for (DnsQuery q : queries) {
        if (!q.hostname().equals(host)) {
          continue;
        }
        if (q.failure() != null) {
          return q.failure();
        }
        if (q.answers().stream().anyMatch(DnsAnswer::xBogon)) {
          return Failures.DNS_BOGON;
        }
      }
      return Failures.DNS_NO_ANSWER;
    }

    /** OONI LTE's tags for an endpoint's operations: classic (system resolver's address), depth, fetch_body. */
    private List<String> tags(InetAddress address, int hop, String fetchBody) {
      List<String> tags = new ArrayList<>();
      if (fromSystem.contains(address)) {
        tags.add("classic");
      }
      tags.add("depth=" + hop);
      tags.add(fetchBody);
      return tags;
    }

    private <T> T await(CompletableFuture<T> f, String what) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        f.cancel(true);
        throw new IllegalStateException("measurement interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(what, e.getCause());
      }
    }
  }

  /** One TCP (+TLS) attempt to one address: its operation id, and the choice of its connect phase once made. */
  private static final class Attempt {
    final int id;
    final InetAddress address;
    final int hop;
    final Choice[] chosen;
    CompletableFuture<Object[]> result;

    Attempt(int id, InetAddress address, int hop, Choice[] chosen) {
      this.id = id;
      this.address = address;
      this.hop = hop;
      this.chosen = chosen;
    }

    String failure() {
      Object[] r = result.join();
      TcpConnect c = (TcpConnect) r[0];
      TlsHandshake h = (TlsHandshake) r[1];
      return c.status().failure() != null ? c.status().failure() : h == null ? null : h.failure();
    }
  }

  /**
   * The dns_experiment_failure: the system resolver's failure for the input host, unless one of its query
   * types succeeded (an IPv4-only site legitimately has no AAAA).
   */
  private static String systemFailure(List<DnsQuery> results) {
    List<DnsQuery> system = results.stream().filter(q -> q.engine().equals("system")).toList();
    if (system.isEmpty() || system.stream().anyMatch(q -> q.failure() == null)) {
      return null;
    }
    return system.stream().filter(q -> q.queryType().equals("A")).map(DnsQuery::failure).findFirst()
        .orElse(system.get(0).failure());
  }

  private static HttpUrl redirectTarget(HttpUrl url, HttpTransaction tx) {
    Integer code = tx.response().code();
    if (code == null || code < 300 || code > 399 || code == 304) {
      return null;
    }
    String location = tx.response().headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase("Location")).map(Map.Entry::getValue).findFirst().orElse(null);
    return location == null ? null : url.resolve(location);
  }

  /** The endpoint HTTP uses (null when none worked) and the operation id of its TCP connect. */
  private record Choice(InetAddress address, String failure, Integer transactionId) {}

  /** The step pool is shared by the whole run; close it when the run is over. */
  @Override
  public void close() {
    steps.shutdownNow();
    finishers.shutdownNow();
    base.dispatcher().executorService().shutdown();
    base.connectionPool().evictAll();
  }

}
