package org.kuzet.core;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.kuzet.core.analysis.Throttling;
import org.kuzet.core.identity.NetworkIdentity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.ProbeAddresses;
import org.kuzet.core.tls.TrustRoots;

/**
 * Everything a measurement needs to know, immutable. Build with {@link #builder()}; defaults are the
 * documented ones (DNS 4 s, connect 10 s, TLS 10 s, HTTP 10 s, control 30 s, parallelism 16, 10 redirects, no control).
 *
 * @param systemResolvers the machine's configured nameservers, queried directly so that NXDOMAIN, SERVFAIL,
 *     empty answers and silence are told apart; null means "read the OS configuration"
 * @param resolvers extra resolvers, each queried over UDP and TCP
 * @param dohUrls DNS-over-HTTPS endpoints (RFC 8484)
 * @param injectionWindow how long, at least, a UDP query keeps listening after its first reply for late ones (an
 *     on-path injector races the real resolver and wins, the real answer arrives later); it listens in the background
 *     until the measurement's last step is over and this window has passed, and no step waits for it
 * @param maxAddresses connect to at most this many resolved addresses per host
 * @param controlUrls web connectivity test helpers (OONI protocol), tried in order; empty means no control, and
 *     every measurement's control_failure is {@code no_control_configured}
 * @param network the probe's network (AS, country, AS name, resolver AS) every measurement records; unknown
 *     ({@code AS0}/{@code ZZ}) by default
 * @param controlTimeout the whole exchange with one control URL (the helper does its own DNS, TCP, TLS and
 *     HTTP inside it)
 * @param probeAddresses the volunteer's own addresses, scrubbed from every measurement ({@link Scrubber}); the
 *     network-identity lookup feeds the public one through {@link ProbeAddresses#addPublic}
 * @param throttling when a page that arrived whole counts as throttled ({@link Throttling})
 */
public record ProbeSettings(
    Duration dnsTimeout,
    Duration connectTimeout,
    Duration tlsTimeout,
    Duration httpTimeout,
    Duration injectionWindow,
    List<InetSocketAddress> systemResolvers,
    List<InetSocketAddress> resolvers,
    List<String> dohUrls,
    TrustRoots trustRoots,
    AddressPolicy addressPolicy,
    int parallelism,
    int maxRedirects,
    int maxBodyBytes,
    int maxAddresses,
    String userAgent,
    NetworkIdentity network,
    Clock clock,
    ProbeEventListener listener,
    List<String> controlUrls,
    Duration controlTimeout,
    ProbeAddresses probeAddresses,
    Throttling.Thresholds throttling) {

  public static final String DEFAULT_USER_AGENT =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

  public ProbeSettings {
    requirePositive(dnsTimeout, "DNS timeout");
    requirePositive(connectTimeout, "connect timeout");
    requirePositive(tlsTimeout, "TLS timeout");
    requirePositive(httpTimeout, "HTTP timeout");
    Objects.requireNonNull(injectionWindow, "injectionWindow");
    systemResolvers = systemResolvers == null ? null : List.copyOf(systemResolvers);
    resolvers = List.copyOf(resolvers);
    dohUrls = List.copyOf(dohUrls);
    Objects.requireNonNull(trustRoots, "trustRoots");
    Objects.requireNonNull(addressPolicy, "addressPolicy");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    if (maxRedirects < 0 || maxRedirects > 30) {
      throw new IllegalArgumentException("maxRedirects must be 0..30, got " + maxRedirects);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
    }
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses must be positive, got " + maxAddresses);
    }
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(listener, "listener");
    controlUrls = List.copyOf(controlUrls);
    requirePositive(controlTimeout, "control timeout");
    Objects.requireNonNull(probeAddresses, "probeAddresses");
    Objects.requireNonNull(throttling, "throttling");
  }

  private static void requirePositive(Duration d, String what) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }

  /** The probe's AS ({@code AS0} unknown), as every measurement records it. */
  public String probeAsn() {
    return network.probeAsn();
  }

  /** The probe's country ({@code ZZ} unknown). */
  public String probeCc() {
    return network.probeCc();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.dnsTimeout = dnsTimeout;
    b.connectTimeout = connectTimeout;
    b.tlsTimeout = tlsTimeout;
    b.httpTimeout = httpTimeout;
    b.injectionWindow = injectionWindow;
    b.systemResolvers = systemResolvers == null ? null : new ArrayList<>(systemResolvers);
    b.resolvers = new ArrayList<>(resolvers);
    b.dohUrls = new ArrayList<>(dohUrls);
    b.trustRoots = trustRoots;
    b.addressPolicy = addressPolicy;
    b.parallelism = parallelism;
    b.maxRedirects = maxRedirects;
    b.maxBodyBytes = maxBodyBytes;
    b.maxAddresses = maxAddresses;
    b.userAgent = userAgent;
    b.network = network;
    b.clock = clock;
    b.listener = listener;
    b.controlUrls = new ArrayList<>(controlUrls);
    b.controlTimeout = controlTimeout;
    b.probeAddresses = probeAddresses;
    b.throttling = throttling;
    return b;
  }

  public static final class Builder {
    private Duration dnsTimeout = Duration.ofSeconds(4);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration tlsTimeout = Duration.ofSeconds(10);
    private Duration httpTimeout = Duration.ofSeconds(10);
    private Duration injectionWindow = Duration.ofMillis(500);
    private List<InetSocketAddress> systemResolvers;
    private List<InetSocketAddress> resolvers = new ArrayList<>();
    private List<String> dohUrls = new ArrayList<>();
    private TrustRoots trustRoots;
    private AddressPolicy addressPolicy = AddressPolicy.STANDARD;
    private int parallelism = 16;
    private int maxRedirects = 10;
    private int maxBodyBytes = 1 << 20;
    private int maxAddresses = 8;
    private String userAgent = DEFAULT_USER_AGENT;
    private NetworkIdentity network = NetworkIdentity.UNKNOWN;
    private Clock clock = Clock.systemUTC();
    private ProbeEventListener listener = ProbeEventListener.NONE;
    private List<String> controlUrls = new ArrayList<>();
    private Duration controlTimeout = Duration.ofSeconds(30);
    private Throttling.Thresholds throttling = Throttling.Thresholds.DEFAULT;
    private ProbeAddresses probeAddresses;

    public Builder dnsTimeout(Duration d) { dnsTimeout = d; return this; }
    public Builder connectTimeout(Duration d) { connectTimeout = d; return this; }
    public Builder tlsTimeout(Duration d) { tlsTimeout = d; return this; }
    public Builder httpTimeout(Duration d) { httpTimeout = d; return this; }
    public Builder injectionWindow(Duration d) { injectionWindow = d; return this; }
    public Builder systemResolvers(List<InetSocketAddress> r) { systemResolvers = r; return this; }
    public Builder resolvers(List<InetSocketAddress> r) { resolvers = new ArrayList<>(r); return this; }
    public Builder dohUrls(List<String> u) { dohUrls = new ArrayList<>(u); return this; }
    public Builder trustRoots(TrustRoots t) { trustRoots = t; return this; }
    public Builder addressPolicy(AddressPolicy p) { addressPolicy = p; return this; }
    public Builder parallelism(int n) { parallelism = n; return this; }
    public Builder maxRedirects(int n) { maxRedirects = n; return this; }
    public Builder maxBodyBytes(int n) { maxBodyBytes = n; return this; }
    public Builder maxAddresses(int n) { maxAddresses = n; return this; }
    public Builder userAgent(String ua) { userAgent = ua; return this; }
    public Builder probeAsn(String asn) { network = network.withProbe(asn, network.probeCc(), ""); return this; }
    public Builder probeCc(String cc) {
      network = network.withProbe(network.probeAsn(), cc, network.probeNetworkName());
      return this;
    }
    /** The network every measurement records ({@link org.kuzet.core.identity.IdentityLookup}). */
    public Builder network(NetworkIdentity n) { network = n; return this; }
    public Builder clock(Clock c) { clock = c; return this; }
    public Builder listener(ProbeEventListener l) { listener = l; return this; }
    public Builder controlUrls(List<String> u) { controlUrls = new ArrayList<>(u); return this; }
    public Builder controlTimeout(Duration d) { controlTimeout = d; return this; }
    /** Default: {@link ProbeAddresses#system()}, a new one per build. */
    public Builder probeAddresses(ProbeAddresses a) { probeAddresses = a; return this; }
    public Builder throttling(Throttling.Thresholds t) { throttling = t; return this; }

    public ProbeSettings build() {
      return new ProbeSettings(dnsTimeout, connectTimeout, tlsTimeout, httpTimeout, injectionWindow,
          systemResolvers, resolvers, dohUrls, trustRoots == null ? TrustRoots.bundled() : trustRoots, addressPolicy,
          parallelism, maxRedirects, maxBodyBytes, maxAddresses, userAgent, network, clock, listener,
          controlUrls, controlTimeout, probeAddresses == null ? ProbeAddresses.system() : probeAddresses, throttling);
    }
  }
}
