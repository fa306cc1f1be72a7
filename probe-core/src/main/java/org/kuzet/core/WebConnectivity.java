package org.kuzet.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * again). Network failures end up in the records; only bugs and bad input throw. Once the input host is resolved,
 * the control request (the probe's endpoints, OONI's test helper protocol) runs in the background, overlapping
 * the probe's own TCP/TLS/HTTP steps, and is joined at the end; without a control URL, {@code control} stays null
 * and {@code control_failure} is {@link ControlFailures#NOT_CONFIGURED}. The pure {@link Analysis} over the
 * observations and the control's view then fills the verdict keys.
 *
 * <p>Thread-safe; one instance serves a whole run. Steps inside a measurement (queries, connects) run
 * concurrently on a shared daemon pool, so a blackholed address costs one connect timeout, not one per address.
 */
public final class WebConnectivity implements AutoCloseable {
  private static final int MAX_HOPS_GUARD = 31;

  private final ProbeSettings settings;
  private final ProbeEventListener listener;
  private final OkHttpClient base;
  /** {@link #base} for the measured sites: every connection it makes goes through the address policy. */
  private final OkHttpClient sites;
  private final ExecutorService steps;
  private final List<InetSocketAddress> systemResolvers;
  private final ControlClient control;

  public WebConnectivity(ProbeSettings settings) {
    this.settings = settings;
    this.listener = SafeListener.wrap(settings.listener());
    this.base = new OkHttpClient.Builder().build();
    this.sites = base.newBuilder().socketFactory(new PolicySocketFactory(settings.addressPolicy())).build();
    this.steps = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kuzet-step");
      t.setDaemon(true);
      return t;
    });
    this.systemResolvers = settings.systemResolvers() != null ? settings.systemResolvers()
        : ResolverConfig.getCurrentConfig().servers();
    this.control = new ControlClient(settings.controlUrls(), settings.controlTimeout(), settings.trustRoots(), base);
  }

  /** When a page that arrived whole counts as throttled; a run's {@link LocalBaseline} judges by these. */
  public org.kuzet.core.analysis.Throttling.Thresholds throttling() {
    return settings.throttling();
  }

  /** Measures one URL. {@code input} must be an absolute http(s) URL; anything else is a caller bug. */
  public Measurement measure(String input, String reportId) {
    HttpUrl first = HttpUrl.parse(input);
    if (first == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + input);
    }
    listener.measurementStart(input);
    StepClock clock = new StepClock(settings.clock());
    Run run = new Run(clock);
    run.follow(first);
    ControlClient.Outcome controlOutcome = run.joinControl();
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
        "0.1.0", clock.now(), Measurement.DATA_FORMAT_VERSION,
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

  /** The state of one measurement; confined to the measuring thread (sub-steps only return records). */
  private final class Run {
    final List<DnsQuery> queries = new ArrayList<>();
    final List<TcpConnect> tcp = new ArrayList<>();
    final List<TlsHandshake> tls = new ArrayList<>();
    final List<HttpTransaction> requests = new ArrayList<>();
    final Map<String, List<InetAddress>> resolved = new HashMap<>();
    final Map<String, Choice> endpoints = new HashMap<>();
    /** Hosts the address policy refused (a non-public IP literal, in any spelling), with the failure to record. */
    final Map<String, String> refused = new HashMap<>();
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
        List<InetAddress> addresses = resolved.computeIfAbsent(url.host(), h -> resolve(h, requests.isEmpty(), depth));
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
          .map(a -> org.kuzet.schema.Endpoints.format(a.getHostAddress(), url.port())).toList();
      ControlRequest request = new ControlRequest(url.toString(), headers, endpoints);
      controlRequest = request;
      controlCall = CompletableFuture.supplyAsync(() -> control.query(request), steps);
    }

    ControlClient.Outcome joinControl() {
      try {
        return controlCall.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        controlCall.cancel(true);
        throw new IllegalStateException("measurement interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the control request failed unexpectedly", e.getCause());
      }
    }

    /** DNS for one host from every resolver, all concurrently; the usable addresses, system resolver's first. */
    List<InetAddress> resolve(String host, boolean inputHost, int hop) {
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
      List<Callable<DnsQuery>> jobs = new ArrayList<>();
      for (int type : new int[] {Type.A, Type.AAAA}) {
        if (!systemResolvers.isEmpty()) {
          jobs.add(() -> dns.udp("system", systemResolvers.get(0), host, type));
        }
        for (InetSocketAddress r : settings.resolvers()) {
          jobs.add(() -> dns.udp("udp", r, host, type));
          jobs.add(() -> dns.tcp("tcp", r, host, type));
        }
        for (String url : settings.dohUrls()) {
          jobs.add(() -> dns.doh(url, host, type));
        }
      }
      List<DnsQuery> results = new ArrayList<>();
      for (DnsQuery q : runAll(jobs)) {
        boolean system = q.engine().equals("system");
        results.add(q.numbered(++lastId, system ? List.of("classic", "depth=" + hop) : List.of("depth=" + hop)));
        if (system) {
          q.answers().stream().filter(a -> a.address() != null && !a.xBogon())
              .forEach(a -> fromSystem.add(IpLiterals.parse(a.address())));
        }
      }
      queries.addAll(results);
      if (inputHost) {
        dnsExperimentFailure = systemFailure(results);
      }
      Set<InetAddress> usable = new LinkedHashSet<>();
      results.stream().sorted((a, b) -> Boolean.compare(!a.engine().equals("system"), !b.engine().equals("system")))
          .forEach(q -> {
            addUsable(q.answers(), usable);
            q.xExtraReplies().forEach(extra -> addUsable(extra, usable));
          });
      return usable.stream().limit(settings.maxAddresses()).toList();
    }

    private void addUsable(List<DnsAnswer> answers, Set<InetAddress> usable) {
      for (DnsAnswer a : answers) {
        if (a.address() != null && !a.xBogon()) {
          usable.add(IpLiterals.parse(a.address()));
        }
      }
    }

    /** TCP (and TLS for https) to every address concurrently; picks the endpoint HTTP will use. */
    Choice connect(HttpUrl url, List<InetAddress> addresses, int hop) {
      if (addresses.isEmpty()) {
        return new Choice(null, resolutionFailure(url.host()), null);
      }
      boolean https = url.isHttps();
      List<Callable<Object[]>> jobs = new ArrayList<>();
      for (InetAddress a : addresses) {
        jobs.add(() -> {
          TcpStep.Result r = tcpStep.connect(new InetSocketAddress(a, url.port()));
          if (r.socket() == null) {
            return new Object[] {r.connect(), null};
          }
          settings.probeAddresses().addLocal(r.socket().getLocalAddress()); // scrubbed like the interfaces'
          if (!https) {
            r.socket().close();
            return new Object[] {r.connect(), null};
          }
          return new Object[] {r.connect(), tlsStep.handshake(r.socket(), url.host())};
        });
      }
      InetAddress chosen = null;
      Integer chosenId = null;
      String firstFailure = null;
      List<Object[]> results = runAll(jobs);
      int[] ids = new int[results.size()];
      for (int i = 0; i < results.size(); i++) {
        ids[i] = ++lastId;
        TcpConnect c = (TcpConnect) results.get(i)[0];
        TlsHandshake h = (TlsHandshake) results.get(i)[1];
        String failure = c.status().failure() != null ? c.status().failure() : h == null ? null : h.failure();
        if (failure == null && chosen == null) {
          chosen = IpLiterals.parse(c.ip());
          chosenId = ids[i];
        } else if (failure != null && firstFailure == null) {
          firstFailure = failure;
        }
      }
      for (int i = 0; i < results.size(); i++) {
        TcpConnect c = (TcpConnect) results.get(i)[0];
        TlsHandshake h = (TlsHandshake) results.get(i)[1];
        List<String> tags = tags(IpLiterals.parse(c.ip()), hop, "fetch_body=" + (chosenId != null && ids[i] == chosenId));
        tcp.add(c.numbered(ids[i], tags));
        if (h != null) {
          tls.add(h.numbered(ids[i], tags));
        }
      }
      return new Choice(chosen, firstFailure, chosenId);
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

    private <T> List<T> runAll(List<Callable<T>> jobs) {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> job : jobs) {
        futures.add(steps.submit(job));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          futures.forEach(x -> x.cancel(true));
          throw new IllegalStateException("measurement interrupted", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("a measurement step failed unexpectedly", e.getCause());
        }
      }
      return out;
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
    base.dispatcher().executorService().shutdown();
    base.connectionPool().evictAll();
  }

}
