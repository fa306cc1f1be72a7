package org.kuzet.backend.helper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Bogons;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.step.DnsStep;
import org.kuzet.core.step.PageTitle;
import org.kuzet.core.step.StepClock;
import org.kuzet.core.step.TcpStep;
import org.kuzet.core.step.TlsStep;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.Failures;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.control.ControlResponse;
import org.kuzet.schema.control.ControlResponse.DnsResult;
import org.kuzet.schema.control.ControlResponse.HttpRequestResult;
import org.kuzet.schema.control.ControlResponse.IpInfo;
import org.kuzet.schema.control.ControlResponse.TcpConnectResult;
import org.kuzet.schema.control.ControlResponse.TlsHandshakeResult;
import org.kuzet.core.identity.IpDatabase;
import org.xbill.DNS.Type;

/**
 * The helper's measurement of one control request, following OONI's oohelperd: DNS for the URL's host, then TCP
 * (and TLS where it applies) to every address the probe or the helper resolved, and, alongside, an HTTP GET with
 * redirects followed and cookies kept. Built from probe-core's steps, so the helper sees the network exactly as
 * the probe would from an uncensored vantage point.
 */
final class ControlMeasurer {
  /** The title is looked for in the first bytes only; the rest of the body is hashed and counted. */
  private static final int TITLE_PREFIX_BYTES = 256 << 10;
  private static final List<String> FORWARDED_HEADERS = List.of("user-agent", "accept", "accept-language");
  /**
   * Addresses of each family (IPv4, IPv6) the helper connects to from its own DNS answer: a name with hundreds of
   * records must not turn one control request into hundreds of connections to addresses its owner chose.
   */
  static final int MAX_RESOLVED_PER_FAMILY = 4;
  /** Addresses of each family taken from the probe's tcp_connect list (after removing duplicates). */
  static final int MAX_PROBE_PER_FAMILY = 8;
  /** Endpoints (ip:port, duplicates removed) taken from the probe's tcp_connect list. */
  static final int MAX_PROBE_ENDPOINTS = 16;
  /*
   * So at most (2 × 8 + 2 × 4) addresses × 2 ports + 16 = 64 connections per request, and the threads doing them
   * come from one bounded pool for all requests (TestHelperServer.stepThreads).
   */

  private final TestHelperServer.Config config;
  private final ExecutorService pool;
  private final OkHttpClient base;
  private final SSLContext fetchTls;
  private final InetSocketAddress resolver;
  private final Supplier<IpDatabase> ipDatabase;

  ControlMeasurer(TestHelperServer.Config config, ExecutorService pool, OkHttpClient base,
      InetSocketAddress resolver, Supplier<IpDatabase> ipDatabase) {
    this.config = config;
    this.ipDatabase = ipDatabase;
    this.pool = pool;
    this.base = base;
    this.resolver = resolver;
    try {
      fetchTls = SSLContext.getInstance("TLS");
      fetchTls.init(null, new TrustManager[] {config.trustRoots().trustManager()}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot create a TLS context", e);
    }
  }

  /** One endpoint to measure: the address as written in the response, and whether to do TLS there. */
  private record Plan(InetSocketAddress address, String key, boolean tls) {}

  private record EndpointResult(Plan plan, TcpConnect tcp, TlsHandshake tls) {}

  /**
   * @param probe the request's tcp_connect endpoints, each with its IP as the probe wrote it (responses are keyed
   *     by the probe's own spelling, as OONI's helper does)
   */
  ControlResponse measure(HttpUrl url, Map<String, List<String>> requestHeaders, Map<InetSocketAddress, String> probe)
      throws InterruptedException {
    StepClock clock = new StepClock(Clock.systemUTC());
    DnsStep dns = new DnsStep(config.dnsTimeout(), java.time.Duration.ZERO, AddressPolicy.STANDARD,
        config.trustRoots(), base, clock, ProbeEventListener.NONE);
    String host = url.host();
    boolean literal = IpLiterals.isLiteral(host);
    List<InetAddress> helperAddrs = new ArrayList<>();
    DnsResult dnsResult = literal ? new DnsResult(null, List.of()) : lookup(dns, host, helperAddrs);

    // ip_info: every address either side resolved, keyed by the string the probe sent or the helper's own.
    Map<InetAddress, String> names = new LinkedHashMap<>();
    Map<InetAddress, Long> flags = new LinkedHashMap<>();
    for (Map.Entry<InetSocketAddress, String> p : probe.entrySet()) {
      InetSocketAddress e = p.getKey();
      names.putIfAbsent(e.getAddress(), p.getValue());
      flags.merge(e.getAddress(), IpInfo.FLAG_RESOLVED_BY_PROBE, (a, b) -> a | b);
    }
    for (InetAddress a : helperAddrs) {
      names.putIfAbsent(a, org.kuzet.core.net.IpLiterals.text(a));
      flags.merge(a, IpInfo.FLAG_RESOLVED_BY_TH, (x, y) -> x | y);
    }
    flags.replaceAll((a, f) -> Bogons.isBogon(a) ? f | IpInfo.FLAG_BOGON : f);

    List<Plan> plans = plan(url, names, flags, probe);
    List<Callable<EndpointResult>> jobs = new ArrayList<>();
    for (Plan p : plans) {
      jobs.add(() -> endpoint(p, host, clock));
    }
    Future<HttpRequestResult> http = pool.submit(() -> fetch(url, requestHeaders, dns, host, helperAddrs, clock));
    Map<String, TcpConnectResult> tcp = new LinkedHashMap<>();
    Map<String, TlsHandshakeResult> tls = new LinkedHashMap<>();
    for (EndpointResult r : runAll(jobs)) {
      tcp.put(r.plan().key(), tcpResult(r.tcp()));
      if (r.tls() != null) {
        TlsHandshakeResult t = tlsResult(r.tls(), host);
        tls.put(r.plan().key(), t);
        if (t.status()) {
          flags.merge(r.plan().address().getAddress(), IpInfo.FLAG_VALID_FOR_DOMAIN, (a, b) -> a | b);
        }
      }
    }
    HttpRequestResult httpResult = join(http);
    Map<String, IpInfo> ipInfo = new LinkedHashMap<>();
    flags.forEach((a, f) -> ipInfo.put(names.get(a), new IpInfo(asn(a), f)));
    return new ControlResponse(tcp, tls, httpResult, dnsResult, ipInfo);
  }

  /**
   * The address's AS number from the IP table, as OONI's helper fills {@code ip_info.asn} (so a probe can judge
   * DNS consistency by AS); 0 when unknown, or when the table cannot be read (a broken build: the rest of the
   * response still stands).
   */
  private long asn(InetAddress a) {
    try {
      return ipDatabase.get().lookup(a).asn();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  // --- DNS -------------------------------------------------------------------------------------------------

  private DnsResult lookup(DnsStep dns, String host, List<InetAddress> out) throws InterruptedException {
    List<Callable<DnsQuery>> jobs = List.of(
        () -> dns.udp("helper", resolver, host, Type.A),
        () -> dns.udp("helper", resolver, host, Type.AAAA));
    List<DnsQuery> results = runAll(jobs);
    for (DnsQuery q : results) {
      for (DnsAnswer a : q.answers()) {
        if (a.address() != null) {
          out.add(IpLiterals.parse(a.address()));
        }
      }
    }
    List<String> addrs = out.stream().map(InetAddress::getHostAddress).toList();
    if (!addrs.isEmpty()) {
      return new DnsResult(null, addrs);
    }
    return new DnsResult(legacyDnsFailure(results.get(0).failure()), List.of());
  }

  /** OONI's dnsMapFailure: the strings the legacy test helper used. */
  static String legacyDnsFailure(String failure) {
    if (failure == null || Failures.DNS_NO_ANSWER.equals(failure)) {
      return null; // "no answer" was an empty success for the legacy helper
    }
    return switch (failure) {
      case Failures.DNS_NXDOMAIN -> ControlResponse.DNS_NAME_ERROR;
      case Failures.DNS_SERVFAIL, Failures.DNS_REFUSED, Failures.DNS_SERVER_MISBEHAVING ->
          ControlResponse.DNS_SERVER_FAILURE;
      default -> ControlResponse.UNKNOWN_ERROR;
    };
  }

  // --- TCP and TLS -------------------------------------------------------------------------------------------

  /**
   * OONI's ipInfoToEndpoints: the URL's explicit port, else 443 for https and 80+443 for http (a TLS handshake
   * on 443 tells whether an address is valid for the domain). Plus the probe's own endpoints as sent (with TLS
   * for an https URL, whatever the port). Bogons
   * are never connected to unless the helper allows private addresses.
   */
  private List<Plan> plan(HttpUrl url, Map<InetAddress, String> names, Map<InetAddress, Long> flags,
      Map<InetSocketAddress, String> probe) {
    List<Integer> ports = url.port() != HttpUrl.defaultPort(url.scheme()) ? List.of(url.port())
        : url.isHttps() ? List.of(443) : List.of(80, 443);
    Set<InetAddress> kept = kept(names.keySet(), flags);
    Map<String, Plan> plans = new LinkedHashMap<>();
    for (Map.Entry<InetAddress, String> e : names.entrySet()) {
      if (kept.contains(e.getKey())) {
        for (int port : ports) {
          add(plans, new InetSocketAddress(e.getKey(), port), e.getValue(), url, false);
        }
      }
    }
    int probeEndpoints = 0;
    for (InetSocketAddress p : probe.keySet()) {
      if (kept.contains(p.getAddress()) && probeEndpoints++ < MAX_PROBE_ENDPOINTS) {
        add(plans, p, names.get(p.getAddress()), url, true);
      }
    }
    return new ArrayList<>(plans.values());
  }

  /**
   * The addresses connected to: the probe's first {@value #MAX_PROBE_PER_FAMILY} and the helper's first
   * {@value #MAX_RESOLVED_PER_FAMILY} of each family, in the order they came, never a bogon unless allowed. The
   * rest stay in {@code ip_info} and {@code dns} but get no {@code tcp_connect} entry.
   */
  private Set<InetAddress> kept(Set<InetAddress> addresses, Map<InetAddress, Long> flags) {
    Set<InetAddress> kept = new LinkedHashSet<>();
    Map<String, Integer> fromProbe = new HashMap<>();
    Map<String, Integer> fromHelper = new HashMap<>();
    for (InetAddress a : addresses) {
      long f = flags.get(a);
      if ((f & IpInfo.FLAG_BOGON) != 0 && !config.allowPrivate()) {
        continue;
      }
      String family = a instanceof Inet4Address ? "4" : "6";
      boolean byProbe = (f & IpInfo.FLAG_RESOLVED_BY_PROBE) != 0;
      Map<String, Integer> count = byProbe ? fromProbe : fromHelper;
      if (count.merge(family, 1, Integer::sum) <= (byProbe ? MAX_PROBE_PER_FAMILY : MAX_RESOLVED_PER_FAMILY)) {
        kept.add(a);
      }
    }
    return kept;
  }

  /** TLS on 443 (as OONI) and, for an https URL, on its port and wherever the probe itself did TLS. */
  private static void add(Map<String, Plan> plans, InetSocketAddress a, String name, HttpUrl url, boolean probes) {
    String key = Endpoints.format(name, a.getPort());
    boolean tls = a.getPort() == 443 || url.isHttps() && (a.getPort() == url.port() || probes);
    plans.putIfAbsent(key, new Plan(a, key, tls));
  }

  private EndpointResult endpoint(Plan p, String host, StepClock clock) throws IOException {
    TcpStep.Result r = new TcpStep(config.connectTimeout(), clock, ProbeEventListener.NONE).connect(p.address());
    if (r.socket() == null) {
      return new EndpointResult(p, r.connect(), null);
    }
    if (!p.tls()) {
      r.socket().close();
      return new EndpointResult(p, r.connect(), null);
    }
    TlsHandshake hs = new TlsStep(config.tlsTimeout(), config.trustRoots(), clock, ProbeEventListener.NONE)
        .handshake(r.socket(), host);
    return new EndpointResult(p, r.connect(), hs);
  }

  /** OONI's tcpMapFailure, with the df-007 string kept as x_failure. */
  static TcpConnectResult tcpResult(TcpConnect c) {
    String f = c.status().failure();
    if (f == null) {
      return new TcpConnectResult(true, null, null);
    }
    String legacy = switch (f) {
      case Failures.GENERIC_TIMEOUT -> ControlResponse.GENERIC_TIMEOUT_ERROR;
      case Failures.CONNECTION_REFUSED -> ControlResponse.CONNECTION_REFUSED_ERROR;
      default -> ControlResponse.CONNECT_ERROR;
    };
    return new TcpConnectResult(false, legacy, f);
  }

  static TlsHandshakeResult tlsResult(TlsHandshake hs, String serverName) {
    String spki = null;
    String issuer = null;
    if (!hs.peerCertificates().isEmpty()) {
      try {
        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(hs.peerCertificates().get(0).der()));
        spki = HexFormat.of().formatHex(sha256().digest(leaf.getPublicKey().getEncoded()));
        issuer = leaf.getIssuerX500Principal().getName();
      } catch (CertificateException e) {
        // The JDK parsed this certificate during the handshake; if it cannot now, leave the extras out.
      }
    }
    // A completed handshake has a protocol; only then was the chain validated (RecordingTrustManager RECORD mode).
    Boolean chainValid = hs.tlsVersion() == null ? null : hs.failure() == null;
    // How long the handshake took, the control's side of throttling by time (a completed handshake only).
    Double seconds = hs.tlsVersion() == null ? null : Math.max(0, hs.t() - hs.t0());
    return new TlsHandshakeResult(serverName, hs.failure() == null, hs.failure(), spki, issuer, chainValid, seconds);
  }

  // --- HTTP --------------------------------------------------------------------------------------------------

  private HttpRequestResult fetch(HttpUrl url, Map<String, List<String>> requestHeaders, DnsStep dns,
      String firstHost, List<InetAddress> firstAddrs, StepClock clock) {
    OkHttpClient client = base.newBuilder()
        .dns(name -> {
          if (name.equalsIgnoreCase(firstHost) && !firstAddrs.isEmpty()) {
            return firstAddrs;
          }
          List<InetAddress> found = new ArrayList<>();
          try {
            lookup(dns, name, found);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException("interrupted while resolving " + name);
          }
          if (found.isEmpty()) {
            throw new UnknownHostException(name + " did not resolve");
          }
          return found;
        })
        .socketFactory(config.allowPrivate() ? javax.net.SocketFactory.getDefault() : PrivateAddressGuard.INSTANCE)
        .sslSocketFactory(fetchTls.getSocketFactory(), config.trustRoots().trustManager())
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .cookieJar(new MemoryCookieJar())
        .followRedirects(true)
        .followSslRedirects(true)
        .retryOnConnectionFailure(false)
        .connectTimeout(config.connectTimeout())
        .readTimeout(config.httpTimeout())
        .callTimeout(config.httpTimeout())
        .build();
    Request.Builder rb = new Request.Builder().url(url);
    boolean userAgent = false;
    for (Map.Entry<String, List<String>> h : requestHeaders.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (FORWARDED_HEADERS.contains(name)) {
        for (String v : h.getValue()) {
          rb.addHeader(h.getKey(), v);
        }
        userAgent |= name.equals("user-agent") && !h.getValue().isEmpty();
      }
    }
    if (!userAgent) {
      rb.header("User-Agent", ProbeSettings.DEFAULT_USER_AGENT);
    }
    try (Response response = client.newCall(rb.build()).execute()) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (var pair : response.headers()) {
        headers.putIfAbsent(canonicalHeader(pair.getFirst()), pair.getSecond());
      }
      ResponseBody body = response.body();
      MessageDigest sha = sha256();
      ByteArrayOutputStream prefix = new ByteArrayOutputStream();
      long length = 0;
      String failure = null;
      String xFailure = null;
      double first = -1;
      double last = -1;
      try (InputStream in = body.byteStream()) {
        byte[] buf = new byte[8192];
        while (length < config.maxBodyBytes()) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, config.maxBodyBytes() - length));
          if (n < 0) {
            break;
          }
          if (n > 0) {
            last = clock.now();
            first = first < 0 ? last : first;
          }
          sha.update(buf, 0, n);
          if (prefix.size() < TITLE_PREFIX_BYTES) {
            prefix.write(buf, 0, Math.min(n, TITLE_PREFIX_BYTES - prefix.size()));
          }
          length += n;
        }
      } catch (IOException e) {
        // Like OONI's helper: a body cut short still reports what was read, with the failure.
        xFailure = FailureClassifier.classify(e);
        failure = legacyHttpFailure(e, xFailure);
      }
      Charset charset = body.contentType() == null ? StandardCharsets.UTF_8
          : body.contentType().charset(StandardCharsets.UTF_8);
      String title = PageTitle.of(prefix.toString(charset));
      return new HttpRequestResult(length, failure, title, headers, response.code(),
          HexFormat.of().formatHex(sha.digest()), xFailure, first < 0 ? null : Math.max(0, last - first));
    } catch (IOException e) {
      String df = PrivateAddressGuard.refusedIn(e) ? Failures.DNS_BOGON : FailureClassifier.classify(e);
      return HttpRequestResult.failed(legacyHttpFailure(e, df), df);
    }
  }

  /** OONI's httpMapFailure, plus {@link ControlResponse#BOGON_REFUSED} for kuzet's SSRF guard. */
  static String legacyHttpFailure(Throwable e, String df) {
    if (Failures.DNS_BOGON.equals(df)) {
      return ControlResponse.BOGON_REFUSED;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        return ControlResponse.DNS_LOOKUP_ERROR;
      }
    }
    return switch (df) {
      case Failures.GENERIC_TIMEOUT -> ControlResponse.GENERIC_TIMEOUT_ERROR;
      case Failures.CONNECTION_REFUSED -> ControlResponse.CONNECTION_REFUSED_ERROR;
      case Failures.DNS_NXDOMAIN, Failures.DNS_SERVFAIL, Failures.DNS_NO_ANSWER, Failures.DNS_REFUSED ->
          ControlResponse.DNS_LOOKUP_ERROR;
      default -> ControlResponse.UNKNOWN_ERROR;
    };
  }

  /** Go's CanonicalMIMEHeaderKey, as OONI's helper writes header names: "content-type" → "Content-Type". */
  static String canonicalHeader(String name) {
    StringBuilder b = new StringBuilder(name.length());
    boolean upper = true;
    for (char c : name.toCharArray()) {
      b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return b.toString();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Cookies kept for one control request's redirect chain only (OONI's helper needs a jar for some sites). */
  private static final class MemoryCookieJar implements CookieJar {
    private final List<Cookie> cookies = new ArrayList<>();

    @Override
    public synchronized void saveFromResponse(HttpUrl url, List<Cookie> received) {
      for (Cookie c : received) {
        cookies.removeIf(old -> old.name().equals(c.name()) && old.domain().equals(c.domain())
            && old.path().equals(c.path()));
        cookies.add(c);
      }
    }

    @Override
    public synchronized List<Cookie> loadForRequest(HttpUrl url) {
      return cookies.stream().filter(c -> c.matches(url)).toList();
    }
  }

  // --- plumbing ----------------------------------------------------------------------------------------------

  private <T> List<T> runAll(List<Callable<T>> jobs) throws InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> job : jobs) {
      futures.add(pool.submit(job));
    }
    List<T> out = new ArrayList<>();
    try {
      for (Future<T> f : futures) {
        out.add(join(f));
      }
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
    return out;
  }

  private static <T> T join(Future<T> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a control step failed unexpectedly", e.getCause());
    }
  }
}
