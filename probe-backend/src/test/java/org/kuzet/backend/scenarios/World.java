package org.kuzet.backend.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.kuzet.backend.helper.TestHelperServer;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FakeDohServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TestKeys;

/**
 * One small censored world on loopback, built by a scenario and measured once: the probe's resolver (the
 * volunteer's ISP, which may lie), the helper's resolver (truthful), the real sites with certificates from a test
 * PKI that both sides trust, middleboxes, and the real {@link TestHelperServer} as the probe's control, reached
 * through a {@link ControlNat}. Every server gets its own 127.0.x.y address; 127/8 counts as public on both sides.
 *
 * <p>Two kinds of site: {@link #site} is the same for everyone (one address, given by both resolvers);
 * {@link #censoredSite} runs outside and is reached by the probe at an inside address, where the scenario puts
 * its middlebox ({@link #fault}, {@link #blackhole}, {@link #serve}) or leaves nothing listening (refused).
 */
final class World implements AutoCloseable {
  enum Scheme { HTTP, HTTPS }

  /**
   * A site as the probe is asked to fetch it.
   *
   * @param address where the probe's resolver points: the real server for {@link #site}, the inside address for
   *     {@link #censoredSite}
   * @param outside where the real server runs (the same as {@code address} for {@link #site})
   * @param port the one port of the site, its middleboxes and the URL
   * @param leaf the site's real certificate (null for plain HTTP)
   * @param certificates the server side of {@code leaf}, for a middlebox that is the real server too
   */
  record Site(String host, Scheme scheme, InetAddress address, InetAddress outside, int port, HeldCertificate leaf,
      HandshakeCertificates certificates) {
    String url() {
      return url("/");
    }

    String url(String path) {
      return new HttpUrl.Builder().scheme(scheme == Scheme.HTTPS ? "https" : "http").host(host).port(port)
          .encodedPath(path).build().toString();
    }
  }

  // Every step that must succeed has to, also on a two-core machine busy with other builds (a cold TLS handshake
  // there took over a second): generous, at the price of a few seconds per scenario whose step times out. HTTP
  // stays under the 6.4 s the throttled article takes to trickle in, so that scenario still times out mid-body.
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration TLS_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(4);
  /** Long enough for both replies of an injection to arrive on a loaded machine. */
  static final Duration INJECTION_WINDOW = Duration.ofSeconds(2);

  final TestPki pki = new TestPki();
  /** The volunteer's resolver inside the censored network. */
  final FakeDnsServer probeDns = new FakeDnsServer();
  /** The helper's resolver outside it: always the truth. */
  final FakeDnsServer helperDns = new FakeDnsServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final TestHelperServer helper;
  private final ControlNat nat;
  private boolean controlReachable = true;
  private UnaryOperator<ProbeSettings.Builder> probeTweak = b -> b;

  World() {
    try {
      helper = TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
          .resolver(helperDns.address())
          .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
          .allowPrivate(true)
          .dnsTimeout(DNS_TIMEOUT)
          .connectTimeout(CONNECT_TIMEOUT)
          .tlsTimeout(TLS_TIMEOUT)
          // As the probe's: under the throttled article's 6.4 s, so "slow everywhere" times out at the control too.
          .httpTimeout(HTTP_TIMEOUT)
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test helper", e);
    }
    nat = new ControlNat(helper.url());
  }

  // ---- sites -------------------------------------------------------------------------------------------------

  /** A site that is the same for everyone: one server, at the address both resolvers give for {@code host}. */
  Site site(String host, Scheme scheme, Dispatcher pages) {
    return answered(start(host, scheme, LoopbackAddresses.next(), 0, pages));
  }

  /** {@link #site} over HTTPS with these certificates (expired, for another host, from an unknown CA...). */
  Site site(String host, HandshakeCertificates certificates, Dispatcher pages) {
    return answered(start(host, Scheme.HTTPS, LoopbackAddresses.next(), 0, pages, null, certificates));
  }

  /** A site that does not answer at all: both resolvers give an address where nothing listens. */
  Site deadSite(String host, Scheme scheme) {
    InetAddress ip = LoopbackAddresses.next();
    return answered(new Site(host, scheme, ip, ip, LoopbackAddresses.closedPort(ip), null, null));
  }

  private Site answered(Site site) {
    String ip = site.address().getHostAddress();
    probeDns.answer(site.host(), ip);
    helperDns.answer(site.host(), ip);
    return site;
  }

  /**
   * A site behind the censor: the real server runs at an outside address that the helper's resolver gives; the
   * probe's resolver gives a fresh inside address with the same port, which the helper's NAT maps to the outside
   * one. Nothing listens at the inside address until the scenario puts a middlebox there.
   */
  Site censoredSite(String host, Scheme scheme, Dispatcher pages) {
    Site real = start(host, scheme, LoopbackAddresses.next(), 0, pages);
    InetAddress inside = LoopbackAddresses.next();
    probeDns.answer(host, inside.getHostAddress());
    helperDns.answer(host, real.address().getHostAddress());
    nat.map(inside, real.address());
    return new Site(host, scheme, inside, real.address(), real.port(), real.leaf(), real.certificates());
  }

  /** Another server of {@code site} at {@code ip} (same port, same certificate): a second address of a site. */
  Site replica(Site site, InetAddress ip, Dispatcher pages) {
    return start(site.host(), site.scheme(), ip, site.port(), pages, site.leaf(), site.certificates());
  }

  private Site start(String host, Scheme scheme, InetAddress ip, int port, Dispatcher pages) {
    HeldCertificate leaf = scheme == Scheme.HTTPS ? pki.issue(host) : null;
    return start(host, scheme, ip, port, pages, leaf, leaf == null ? null : pki.serve(leaf));
  }

  private Site start(String host, Scheme scheme, InetAddress ip, int port, Dispatcher pages, HeldCertificate leaf,
      HandshakeCertificates certificates) {
    MockWebServer server = serve(ip, port, certificates, pages);
    return new Site(host, scheme, ip, ip, server.getPort(), leaf, certificates);
  }

  // ---- middleboxes and other servers ---------------------------------------------------------------------------

  /** A web server at {@code ip:port}: HTTPS with {@code certificates}, or plain HTTP when they are null. */
  MockWebServer serve(InetAddress ip, int port, HandshakeCertificates certificates, Dispatcher pages) {
    MockWebServer server = new MockWebServer();
    if (certificates != null) {
      server.useHttps(certificates.sslSocketFactory());
    }
    server.setDispatcher(pages);
    try {
      server.start(ip, port);
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException("cannot start a web server on " + ip.getHostAddress() + ":" + port, e);
    }
    return track(server);
  }

  /** A middlebox at the site's (inside) address doing {@code fault} to the raw TCP stream. */
  FaultServer fault(Site site, FaultServer.Fault fault) {
    return track(new FaultServer(site.address(), site.port()).start(fault));
  }

  /** A middlebox at the site's address that completes TLS with {@code certificates}, then does {@code fault}. */
  FaultServer faultAfterTls(Site site, HandshakeCertificates certificates, FaultServer.Fault fault) {
    return track(new FaultServer(site.address(), site.port()).startTls(certificates, fault));
  }

  /** SYNs to the site's address are dropped. */
  Blackhole blackhole(Site site) {
    return blackhole(site.address(), site.port());
  }

  Blackhole blackhole(InetAddress ip, int port) {
    return track(Blackhole.open(ip, port));
  }

  /** A middlebox web server at the site's address (the real certificate, a forged one, or plain HTTP). */
  MockWebServer serve(Site site, HandshakeCertificates certificates, Dispatcher pages) {
    return serve(site.address(), site.port(), certificates, pages);
  }

  /** A transparent proxy at {@code ip} (the site's port) to wherever {@code site} really is. */
  TcpRelay relay(InetAddress ip, Site site) {
    return track(TcpRelay.start(ip, site.port(), new InetSocketAddress(site.outside(), site.port())));
  }

  /**
   * A throttler at the site's (inside) address that passes everything through to the real server but holds the
   * server's first reply (the ServerHello) for {@code delay} when the ClientHello names {@code sni}; with an empty
   * {@code sni}, for every connection (a slow uplink).
   */
  TcpRelay slowServerHello(Site site, String sni, Duration delay) {
    return track(TcpRelay.start(site.address(), site.port(), new InetSocketAddress(site.outside(), site.port()), sni,
        delay));
  }

  /** The probe's resolver lies: {@code host} is at a fresh address, which is returned. */
  InetAddress lie(String host) {
    InetAddress lie = LoopbackAddresses.next();
    probeDns.answer(host, lie.getHostAddress());
    return lie;
  }

  // ---- the probe --------------------------------------------------------------------------------------------

  /**
   * Other resolvers the probe is given, outside the censor's reach: a {@code --resolver} (UDP and TCP) and a
   * {@code --doh} server, both answering from the helper's zone (the truth). The volunteer's browser still uses
   * only the system resolver ({@link #probeDns}).
   */
  World truthfulResolvers() {
    return truthfulResolver().truthfulDoh();
  }

  /** A {@code --resolver} (UDP and TCP) outside the censor's reach, answering from the helper's zone. */
  World truthfulResolver() {
    FakeDnsServer outside = track(new FakeDnsServer(LoopbackAddresses.next(), helperDns.zone()));
    return probe(b -> b.resolvers(List.of(outside.address())));
  }

  /** A {@code --doh} server outside the censor's reach, answering from the helper's zone. */
  World truthfulDoh() {
    FakeDohServer doh = track(new FakeDohServer(helperDns.zone(), pki));
    return probe(b -> b.dohUrls(List.of(doh.url())));
  }

  /** A {@code --resolver} that lies about {@code host} (a fresh address where nothing listens). */
  World lyingResolver(String host) {
    FakeDnsServer liar = track(new FakeDnsServer());
    liar.answer(host, LoopbackAddresses.next().getHostAddress());
    return probe(b -> b.resolvers(List.of(liar.address())));
  }

  /**
   * The system resolver is also given as {@code --resolver}: its UDP answers (injected ones too) are asked again,
   * and its TCP answer, which no UDP injector can race, is the truth.
   */
  World systemResolverOverTcpToo() {
    return probe(b -> b.resolvers(List.of(probeDns.address())));
  }

  /** The probe cannot reach its control at all (a closed port): it must judge on local evidence. */
  World controlUnreachable() {
    controlReachable = false;
    return this;
  }

  /** Adjusts the probe's settings for this scenario (applied over the defaults). */
  World probe(UnaryOperator<ProbeSettings.Builder> tweak) {
    UnaryOperator<ProbeSettings.Builder> before = probeTweak;
    probeTweak = b -> tweak.apply(before.apply(b));
    return this;
  }

  /** One web connectivity measurement of {@code url}: observations, control, verdict. */
  TestKeys measure(String url) {
    return measurement(url).testKeys();
  }

  /**
   * One run of the probe over {@code baseline} (the {@code control} list's sites, measured first) and
   * {@code targets}, as {@code kuzet run} does it: each measurement judged for throttling against the run's
   * baseline. The test keys by input.
   */
  java.util.Map<String, TestKeys> measureRun(List<String> baseline, List<String> targets) {
    List<String> inputs = new ArrayList<>(baseline);
    inputs.addAll(targets);
    java.util.Map<String, TestKeys> out = new java.util.concurrent.ConcurrentHashMap<>();
    try (WebConnectivity wc = new WebConnectivity(settings())) {
      new org.kuzet.core.MeasurementRunner(wc, 4).run(inputs, java.util.Set.copyOf(baseline), "scenario",
          new org.kuzet.core.MeasurementRunner.Sink() {
            @Override
            public void measured(Measurement m) {
              out.put(m.input(), m.testKeys());
            }

            @Override
            public void failed(String input, RuntimeException error) {
              throw new AssertionError("could not measure " + input, error);
            }
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return out;
  }

  /** {@link #measure} with the whole measurement record (for the golden files). */
  Measurement measurement(String url) {
    try (WebConnectivity wc = new WebConnectivity(settings())) {
      return wc.measure(url, "scenario");
    }
  }

  private ProbeSettings settings() {
    String control = nat.url();
    if (!controlReachable) {
      InetAddress nowhere = LoopbackAddresses.next();
      control = "http://" + nowhere.getHostAddress() + ":" + LoopbackAddresses.closedPort(nowhere) + "/";
    }
    ProbeSettings settings = probeTweak.apply(ProbeSettings.builder()
        .systemResolvers(List.of(probeDns.address()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
        .dnsTimeout(DNS_TIMEOUT)
        .connectTimeout(CONNECT_TIMEOUT)
        .tlsTimeout(TLS_TIMEOUT)
        .httpTimeout(HTTP_TIMEOUT)
        .injectionWindow(Duration.ofMillis(20))
        .controlTimeout(Duration.ofSeconds(15))
        .controlUrls(List.of(control))
        .probeCc("KZ")
        .probeAsn("AS9198"))
        .build();
    return settings;
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // keep closing the rest
      }
    }
    nat.close();
    helper.close();
    probeDns.close();
    helperDns.close();
  }
}
