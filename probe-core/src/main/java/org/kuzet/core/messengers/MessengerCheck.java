package org.kuzet.core.messengers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
 * The messenger tests (OONI's whatsapp, telegram, signal) with kuzet's own steps, doing what OONI Probe's do
 * (ooni/probe-cli {@code internal/experiment/{whatsapp,telegram,signal}}; the endpoints and where kuzet follows the
 * code over the spec are in {@link MessengerEndpoints}):
 * <ul>
 *   <li>a name is looked up through the system resolver, A and AAAA (OONI's getaddrinfo gives both), both queries
 *       recorded; a connection tries its addresses in turn (IPv4 first) until one connects, every attempt recorded,
 *       as OONI's dialer does;
 *   <li>connect endpoints (WhatsApp's e1…e16 on 443 and 5222, Telegram's data centres on 80 and 443): a TCP
 *       connect per port; Telegram's data centres then get an HTTP POST ({@code http://ip/}, {@code http://ip:443/},
 *       plain HTTP on both ports, as OONI sends it);
 *   <li>URLs (WhatsApp's registration server and Web, Telegram Web, Signal's backends): TCP, TLS on the connection
 *       that worked (SNI = the host, the bundled roots plus the app's own), then an HTTP GET; a failed handshake
 *       fails the fetch, as in OONI's HTTP transport;
 *   <li>names only looked up (Signal's uptime.signal.org): recorded, never judged.
 * </ul>
 * OONI's messenger tests have no control (ts-018, ts-020 and ts-029 ask no test helper): neither has kuzet here, so
 * a failure is judged without knowing whether the service failed for everyone ({@link MessengerAnalysis}).
 * Every observation is tagged with its service and endpoint ({@link MessengerKeys}), so OONI's keys and kuzet's
 * verdict are computed from the records alone. Network failures are data; only bugs throw. Thread-safe; one
 * instance serves a run.
 */
public final class MessengerCheck implements AutoCloseable {
  private static final String TEST_VERSION = "0.2.0";

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
    for (MessengerEndpoints.Lookup l : a.lookup()) {
      jobs.add(() -> steps.lookup(l));
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

    /**
     * The host's addresses: itself when it is an IP, else the system resolver's public answers, A then AAAA, as
     * OONI's system resolver (getaddrinfo) gives both; both queries recorded.
     */
    List<InetAddress> resolve(String host, List<String> tags, List<Op> ops) {
      if (IpLiterals.isLiteral(host)) {
        return List.of(IpLiterals.parse(host));
      }
      List<InetSocketAddress> system = settings.systemResolvers() != null ? settings.systemResolvers()
          : org.xbill.DNS.ResolverConfig.getCurrentConfig().servers();
      if (system.isEmpty()) {
        return List.of();
      }
      CompletableFuture<DnsQuery> aaaa =
          CompletableFuture.supplyAsync(() -> dns.udp("system", system.get(0), host, Type.AAAA), pool);
      DnsQuery a = dns.udp("system", system.get(0), host, Type.A);
      List<InetAddress> out = new ArrayList<>();
      for (DnsQuery q : List.of(a, aaaa.join())) {
        ops.add(new Op(q, null, null, null, tags));
        for (DnsAnswer answer : q.answers()) {
          if (answer.address() != null && !answer.xBogon()) {
            out.add(IpLiterals.parse(answer.address()));
          }
        }
      }
      return out;
    }

    /**
     * TCP to each address in turn until one connects, every attempt recorded: what OONI's dialer does with a
     * name's addresses. Returns the connected socket's address, or null when none connected.
     */
    Connected dial(List<InetAddress> addresses, int port, List<String> tags, List<Op> ops) {
      for (InetAddress address : addresses) {
        TcpStep.Result r = tcp.connect(map.apply(new InetSocketAddress(address, port)));
        if (r.socket() == null) {
          ops.add(new Op(null, r.connect(), null, null, tags));
          continue;
        }
        settings.probeAddresses().addLocal(r.socket().getLocalAddress());
        return new Connected(address, r);
      }
      return null;
    }

    /** A name only looked up: its queries, nothing more. */
    List<Op> lookup(MessengerEndpoints.Lookup l) {
      List<Op> ops = new ArrayList<>();
      resolve(l.host(), tags(l.service(), l.host()), ops);
      return ops;
    }

    List<Op> connect(MessengerEndpoints.Connect c, String host) {
      List<String> tags = tags(c.service(), host);
      List<Op> ops = new ArrayList<>();
      List<InetAddress> addresses = resolve(host, tags, ops);
      for (int port : c.ports()) {
        Connected conn = dial(addresses, port, tags, ops);
        if (conn == null) {
          continue;
        }
        close(conn.result().socket());
        HttpTransaction tx = null;
        if (c.httpMethod() != null) {
          // Plain HTTP whatever the port (Telegram's data centres speak no TLS on 443), as OONI's http://ip:443/.
          HttpUrl url = new HttpUrl.Builder().scheme("http").host(host).port(port).build();
          tx = http.send(c.httpMethod(), url, conn.address(), 0);
        }
        ops.add(new Op(null, conn.result().connect(), null, tx, tags));
      }
      return ops;
    }

    List<Op> fetch(MessengerEndpoints.Fetch f) {
      HttpUrl url = HttpUrl.get(f.url());
      List<String> tags = tags(f.service(), f.url());
      List<Op> ops = new ArrayList<>();
      List<InetAddress> addresses = resolve(url.host(), tags, ops);
      String failure = ops.isEmpty() ? Failures.unknown("no system resolver") : dnsFailure(ops.get(0).query());
      int attempts = ops.size();
      Connected conn = dial(addresses, url.port(), tags, ops);
      if (conn == null) {
        if (ops.size() > attempts) {
          failure = ops.get(ops.size() - 1).tcp().status().failure();
        }
        // No address connected: the request was never sent; it carries the failure that stopped it.
        ops.add(new Op(null, null, null, http.notSent(url, 0, failure), tags));
        return ops;
      }
      java.net.Socket socket = conn.result().socket();
      TlsHandshake hs = url.isHttps() ? tls.handshake(socket, url.host()) : null;
      if (hs == null) {
        close(socket);
      }
      if (hs != null && hs.failure() != null) {
        // As OONI's HTTP transport: the handshake failed on the connection the dialer gave; no other address.
        ops.add(new Op(null, conn.result().connect(), hs, null, tags));
        ops.add(new Op(null, null, null, http.notSent(url, 0, hs.failure()), tags));
        return ops;
      }
      ops.add(new Op(null, conn.result().connect(), hs, http.get(url, conn.address(), 0), tags));
      return ops;
    }
  }

  /** A TCP connection that worked, and the address (before the endpoint map) it went to. */
  private record Connected(InetAddress address, TcpStep.Result result) {}

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
