package org.kuzet.core.messengers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.SafeListener;
import org.kuzet.core.Scrubber;
import org.kuzet.core.Software;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.step.DnsStep;
import org.kuzet.core.step.HttpStep;
import org.kuzet.core.step.StepClock;
import org.kuzet.core.step.TcpStep;
import org.kuzet.core.step.TlsStep;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.MessengerKeys;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.xbill.DNS.Type;

/**
 * The messenger tests (OONI's whatsapp, telegram, signal) with kuzet's own steps: for each endpoint of an app
 * ({@link MessengerEndpoints}), DNS through the system resolver, TCP to the first address on each port (Telegram's
 * data centres then get an HTTP GET), and for each URL DNS, TCP, TLS (SNI = the host, the bundled roots plus the
 * app's own) and an HTTP GET. Every observation is tagged with its service and endpoint ({@link MessengerKeys}), so
 * OONI's keys and kuzet's verdict ({@link MessengerAnalysis}) are computed from the records alone. Network failures
 * are data; only bugs throw. Thread-safe; one instance serves a run.
 */
public final class MessengerCheck implements AutoCloseable {
  private static final String TEST_VERSION = "0.1.0";

  private final ProbeSettings settings;
  private final MessengerEndpoints endpoints;
  private final EndpointMap map;
  private final ProbeEventListener listener;
  private final OkHttpClient base;
  private final OkHttpClient mapped;
  private final ExecutorService pool;

  public MessengerCheck(ProbeSettings settings) {
    this(settings, MessengerEndpoints.bundled(), EndpointMap.IDENTITY);
  }

  /** With other endpoints and an endpoint map (tests: every endpoint on loopback). */
  public MessengerCheck(ProbeSettings settings, MessengerEndpoints endpoints, EndpointMap map) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.map = map;
    this.listener = SafeListener.wrap(settings.listener());
    this.base = new OkHttpClient.Builder().build();
    this.mapped = base.newBuilder().socketFactory(map.socketFactory()).build();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kuzet-messenger");
      t.setDaemon(true);
      return t;
    });
  }

  /** One operation's records: a DNS query, or a connection (TCP, then TLS and HTTP on that endpoint). */
  private record Op(DnsQuery query, TcpConnect tcp, TlsHandshake tls, HttpTransaction http, List<String> tags) {}

  /** Checks one app and returns its measurement, analysed. */
  public Measurement measure(Messenger app, String reportId) {
    listener.measurementStart(app.testName());
    StepClock clock = new StepClock(settings.clock());
    MessengerEndpoints.App a = endpoints.app(app);
    TrustRoots roots = a.extraRoots().isEmpty() ? settings.trustRoots() : settings.trustRoots().plus(a.extraRoots());
    Steps steps = new Steps(clock, roots);
    List<Callable<List<Op>>> jobs = new ArrayList<>();
    for (MessengerEndpoints.Connect c : a.connect()) {
      for (String host : c.hosts()) {
        jobs.add(() -> steps.connect(c, host));
      }
    }
    for (MessengerEndpoints.Fetch f : a.fetch()) {
      jobs.add(() -> steps.fetch(f));
    }
    List<DnsQuery> queries = new ArrayList<>();
    List<TcpConnect> tcp = new ArrayList<>();
    List<TlsHandshake> tls = new ArrayList<>();
    List<HttpTransaction> requests = new ArrayList<>();
    int id = 0;
    for (List<Op> ops : runAll(jobs)) {
      for (Op op : ops) {
        id++;
        if (op.query() != null) {
          queries.add(op.query().numbered(id, op.tags()));
        }
        if (op.tcp() != null) {
          tcp.add(op.tcp().numbered(id, op.tags()));
        }
        if (op.tls() != null) {
          tls.add(op.tls().numbered(id, op.tags()));
        }
        if (op.http() != null) {
          requests.add(op.http().numbered(op.tcp() == null ? null : id, op.tags()));
        }
      }
    }
    String start = MeasurementJson.ooniTime(clock.start());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("engine_name", Software.NAME);
    annotations.put("engine_version", Software.VERSION);
    annotations.put("x_endpoints_source", endpoints.source());
    annotations.put("x_endpoints_date", endpoints.date());
    Measurement observed = new Measurement(MeasurementIds.measurementUid(clock.start(), settings.probeCc()),
        reportId, app.testName(), start, start, settings.probeAsn(), settings.probeCc(),
        settings.network().probeNetworkName(), settings.network().resolverAsn(),
        settings.network().resolverNetworkName(), Software.NAME, Software.VERSION, app.testName(), TEST_VERSION,
        clock.now(), Measurement.DATA_FORMAT_VERSION, annotations,
        TestKeys.observations(queries, tcp, tls, requests, null),
        MeasurementJson.mapper().createObjectNode());
    Measurement scrubbed = new Scrubber(settings.probeAddresses().current()).scrub(observed);
    Measurement m = scrubbed.withTestKeys(MessengerAnalysis.analyze(app, scrubbed.testKeys()));
    listener.measurementEnd(m);
    return m;
  }

  private <T> List<T> runAll(List<Callable<T>> jobs) {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> j : jobs) {
      futures.add(pool.submit(j));
    }
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new IllegalStateException("interrupted while checking messengers", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    return out;
  }

  /** The steps of one measurement. */
  private final class Steps {
    final DnsStep dns;
    final TcpStep tcp;
    final TlsStep tls;
    final HttpStep http;

    Steps(StepClock clock, TrustRoots roots) {
      dns = new DnsStep(settings.dnsTimeout(), settings.injectionWindow(), settings.addressPolicy(), roots, base,
          clock, listener);
      tcp = new TcpStep(settings.connectTimeout(), clock, listener);
      tls = new TlsStep(settings.tlsTimeout(), roots, clock, listener);
      http = new HttpStep(mapped, settings.httpTimeout(), roots, settings.maxBodyBytes(), settings.userAgent(), clock,
          listener);
    }

    List<String> tags(String service, String endpoint) {
      return List.of(MessengerKeys.SERVICE + service, MessengerKeys.ENDPOINT + endpoint);
    }

    /** The host's addresses: itself when it is an IP, else the system resolver's public answers (recorded). */
    List<InetAddress> resolve(String host, List<String> tags, List<Op> ops) {
      if (IpLiterals.isLiteral(host)) {
        return List.of(IpLiterals.parse(host));
      }
      List<InetSocketAddress> system = settings.systemResolvers() != null ? settings.systemResolvers()
          : org.xbill.DNS.ResolverConfig.getCurrentConfig().servers();
      if (system.isEmpty()) {
        return List.of();
      }
      DnsQuery q = dns.udp("system", system.get(0), host, Type.A);
      ops.add(new Op(q, null, null, null, tags));
      List<InetAddress> out = new ArrayList<>();
      for (DnsAnswer answer : q.answers()) {
        if (answer.address() != null && !answer.xBogon()) {
          out.add(IpLiterals.parse(answer.address()));
        }
      }
      return out;
    }

    List<Op> connect(MessengerEndpoints.Connect c, String host) {
      List<String> tags = tags(c.service(), host);
      List<Op> ops = new ArrayList<>();
      List<InetAddress> addresses = resolve(host, tags, ops);
      if (addresses.isEmpty()) {
        return ops;
      }
      for (int port : c.ports()) {
        TcpStep.Result r = tcp.connect(map.apply(new InetSocketAddress(addresses.get(0), port)));
        HttpTransaction tx = null;
        if (r.socket() != null) {
          settings.probeAddresses().addLocal(r.socket().getLocalAddress());
          close(r.socket());
          if (c.http()) {
            HttpUrl url = new HttpUrl.Builder().scheme("http").host(host).port(port).build();
            tx = http.get(url, addresses.get(0), 0);
          }
        }
        ops.add(new Op(null, r.connect(), null, tx, tags));
      }
      return ops;
    }

    List<Op> fetch(MessengerEndpoints.Fetch f) {
      HttpUrl url = HttpUrl.get(f.url());
      List<String> tags = tags(f.service(), f.url());
      List<Op> ops = new ArrayList<>();
      List<InetAddress> addresses = resolve(url.host(), tags, ops);
      String failure = ops.isEmpty() ? Failures.unknown("no system resolver") : dnsFailure(ops.get(0).query());
      for (InetAddress a : addresses) {
        TcpStep.Result r = tcp.connect(map.apply(new InetSocketAddress(a, url.port())));
        if (r.socket() == null) {
          failure = r.connect().status().failure();
          ops.add(new Op(null, r.connect(), null, null, tags));
          continue;
        }
        settings.probeAddresses().addLocal(r.socket().getLocalAddress());
        TlsHandshake hs = url.isHttps() ? tls.handshake(r.socket(), url.host()) : null;
        if (hs == null) {
          close(r.socket());
        }
        if (hs != null && hs.failure() != null) {
          failure = hs.failure();
          ops.add(new Op(null, r.connect(), hs, null, tags));
          continue;
        }
        ops.add(new Op(null, r.connect(), hs, http.get(url, a, 0), tags));
        return ops;
      }
      // No endpoint worked: the request was never sent; it carries the failure that stopped it.
      ops.add(new Op(null, null, null, http.notSent(url, 0, failure), tags));
      return ops;
    }
  }

  private static String dnsFailure(DnsQuery q) {
    if (q.failure() != null) {
      return q.failure();
    }
    boolean onlyBogons = !q.answers().isEmpty() && q.answers().stream().allMatch(a -> a.address() == null
        || a.xBogon());
    return onlyBogons ? Failures.DNS_BOGON : Failures.DNS_NO_ANSWER;
  }

  private static void close(java.net.Socket s) {
    try {
      s.close();
    } catch (java.io.IOException ignored) {
      // nothing more is read from it
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
