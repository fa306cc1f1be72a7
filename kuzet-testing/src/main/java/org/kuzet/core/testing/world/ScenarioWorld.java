package org.kuzet.core.testing.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FakeDohServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;

/**
 * One small censored world on loopback, built by a scenario and measured once: the probe's resolver (the
 * volunteer's ISP, which may lie), the helper's resolver (truthful), the real sites with certificates from a test
 * PKI that both sides trust, middleboxes, and the probe's control (in kuzet's tests the real
 * {@code TestHelperServer}), reached through a {@link ControlNat}. Every server gets its own 127.0.x.y address;
 * 127/8 counts as public on both sides.
 *
 * <p>The world knows no engine and no helper (this module sits below both, whose tests use it): the control comes
 * from a {@link ControlFactory}, and {@link #probeSide()} says what the probe is given, which the caller turns into
 * its engine's settings (probe-backend's scenario {@code World}, bench's {@code LoopbackProbe}).
 *
 * <p>Two kinds of site: {@link #site} is the same for everyone (one address, given by both resolvers);
 * {@link #censoredSite} runs outside and is reached by the probe at an inside address, where the scenario puts
 * its middlebox ({@link #fault}, {@link #blackhole}, {@link #serve}) or leaves nothing listening (refused).
 */
public class ScenarioWorld implements AutoCloseable {
  public enum Scheme { HTTP, HTTPS }

  /** The probe's control, started for this world; closed with it. */
  public interface Control extends AutoCloseable {
    /** The URL the probe posts its control request to. */
    String url();

    @Override
    void close();

    /** A control at {@code url}, stopped by {@code stop}. */
    static Control of(String url, Runnable stop) {
      return new Control() {
        @Override
        public String url() {
          return url;
        }

        @Override
        public void close() {
          stop.run();
        }
      };
    }
  }

  /** Starts the control for a world (the helper outside the censored network). */
  @FunctionalInterface
  public interface ControlFactory {
    Control start(ControlSide side) throws IOException;
  }

  /**
   * What the control is given: its own address to listen on (any port), its resolver (the truth), the root it
   * trusts, and its step timeouts (the same as the probe's).
   */
  public record ControlSide(InetAddress address, InetSocketAddress resolver, X509Certificate root,
      Duration dnsTimeout, Duration connectTimeout, Duration tlsTimeout, Duration httpTimeout) {}

  /**
   * What the probe is given: the system resolver (the volunteer's ISP), other resolvers and DoH servers (empty:
   * none given), the root it trusts, its control URL, its step timeouts and how long it waits for its control.
   */
  public record ProbeSide(InetSocketAddress systemResolver, List<InetSocketAddress> resolvers,
      List<String> dohUrls, X509Certificate root, String controlUrl, Duration dnsTimeout, Duration connectTimeout,
      Duration tlsTimeout, Duration httpTimeout, Duration controlTimeout) {}

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
  public record Site(String host, Scheme scheme, InetAddress address, InetAddress outside, int port,
      HeldCertificate leaf, HandshakeCertificates certificates) {
    public String url() {
      return url("/");
    }

    public String url(String path) {
      return new HttpUrl.Builder().scheme(scheme == Scheme.HTTPS ? "https" : "http").host(host).port(port)
          .encodedPath(path).build().toString();
    }
  }

  // Every step that must succeed has to, also on a two-core machine busy with other builds (a cold TLS handshake
  // there took over a second): generous, at the price of a few seconds per scenario whose step times out. HTTP
  // stays under the 6.4 s the throttled article takes to trickle in, so that scenario still times out mid-body.
  public static final Duration DNS_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration TLS_TIMEOUT = Duration.ofSeconds(4);
  public static final Duration HTTP_TIMEOUT = Duration.ofSeconds(4);
  public static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(15);
  /** Long enough for both replies of an injection to arrive on a loaded machine. */
  public static final Duration INJECTION_WINDOW = Duration.ofSeconds(2);

  public final TestPki pki = new TestPki();
  /** The volunteer's resolver inside the censored network. */
  public final FakeDnsServer probeDns = new FakeDnsServer();
  /** The helper's resolver outside it: always the truth. */
  public final FakeDnsServer helperDns = new FakeDnsServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Control helper;
  private final ControlNat nat;
  private boolean controlReachable = true;
  private List<InetSocketAddress> resolvers = List.of();
  private List<String> dohUrls = List.of();

  /**
   * A world without a control (a run that measures without one, a benchmark): the probe is given a control URL
   * where nothing listens, as after {@link #controlUnreachable}.
   */
  public ScenarioWorld() {
    helper = null;
    nat = null;
    controlReachable = false;
  }

  /** A world whose control {@code control} starts (the helper, given the truthful resolver and the test root). */
  public ScenarioWorld(ControlFactory control) {
    try {
      // As the probe's: HTTP under the throttled article's 6.4 s, so "slow everywhere" times out at the control too.
      helper = control.start(new ControlSide(LoopbackAddresses.next(), helperDns.address(), pki.rootCertificate(),
          DNS_TIMEOUT, CONNECT_TIMEOUT, TLS_TIMEOUT, HTTP_TIMEOUT));
    } catch (IOException e) {
      probeDns.close();
      helperDns.close();
      throw new UncheckedIOException("cannot start the test helper", e);
    }
    nat = new ControlNat(helper.url());
  }

  // ---- sites -------------------------------------------------------------------------------------------------

  /** A site that is the same for everyone: one server, at the address both resolvers give for {@code host}. */
  public Site site(String host, Scheme scheme, Dispatcher pages) {
    return answered(start(host, scheme, LoopbackAddresses.next(), 0, pages));
  }

  /** {@link #site} over HTTPS with these certificates (expired, for another host, from an unknown CA...). */
  public Site site(String host, HandshakeCertificates certificates, Dispatcher pages) {
    return answered(start(host, Scheme.HTTPS, LoopbackAddresses.next(), 0, pages, null, certificates));
  }

  /** A site that does not answer at all: both resolvers give an address where nothing listens. */
  public Site deadSite(String host, Scheme scheme) {
    InetAddress ip = LoopbackAddresses.next();
    return answered(new Site(host, scheme, ip, ip, LoopbackAddresses.closedPort(ip), null, null));
  }

  /** Another name of {@code site}, answered with its address by both resolvers: many hosts, one server. */
  public Site alias(String host, Site site) {
    return answered(new Site(host, site.scheme(), site.address(), site.outside(), site.port(), site.leaf(),
        site.certificates()));
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
  public Site censoredSite(String host, Scheme scheme, Dispatcher pages) {
    Site real = start(host, scheme, LoopbackAddresses.next(), 0, pages);
    InetAddress inside = LoopbackAddresses.next();
    probeDns.answer(host, inside.getHostAddress());
    helperDns.answer(host, real.address().getHostAddress());
    if (nat != null) {
      nat.map(inside, real.address());
    }
    return new Site(host, scheme, inside, real.address(), real.port(), real.leaf(), real.certificates());
  }

  /** Another server of {@code site} at {@code ip} (same port, same certificate): a second address of a site. */
  public Site replica(Site site, InetAddress ip, Dispatcher pages) {
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
  public MockWebServer serve(InetAddress ip, int port, HandshakeCertificates certificates, Dispatcher pages) {
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
  public FaultServer fault(Site site, FaultServer.Fault fault) {
    return track(new FaultServer(site.address(), site.port()).start(fault));
  }

  /** A middlebox at the site's address that completes TLS with {@code certificates}, then does {@code fault}. */
  public FaultServer faultAfterTls(Site site, HandshakeCertificates certificates, FaultServer.Fault fault) {
    return track(new FaultServer(site.address(), site.port()).startTls(certificates, fault));
  }

  /** SYNs to the site's address are dropped. */
  public Blackhole blackhole(Site site) {
    return blackhole(site.address(), site.port());
  }

  public Blackhole blackhole(InetAddress ip, int port) {
    return track(Blackhole.open(ip, port));
  }

  /** A middlebox web server at the site's address (the real certificate, a forged one, or plain HTTP). */
  public MockWebServer serve(Site site, HandshakeCertificates certificates, Dispatcher pages) {
    return serve(site.address(), site.port(), certificates, pages);
  }

  /** A transparent proxy at {@code ip} (the site's port) to wherever {@code site} really is. */
  public TcpRelay relay(InetAddress ip, Site site) {
    return track(TcpRelay.start(ip, site.port(), new InetSocketAddress(site.outside(), site.port())));
  }

  /** The probe's resolver lies: {@code host} is at a fresh address, which is returned. */
  public InetAddress lie(String host) {
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
  public ScenarioWorld truthfulResolvers() {
    return truthfulResolver().truthfulDoh();
  }

  /** A {@code --resolver} (UDP and TCP) outside the censor's reach, answering from the helper's zone. */
  public ScenarioWorld truthfulResolver() {
    FakeDnsServer outside = track(new FakeDnsServer(LoopbackAddresses.next(), helperDns.zone()));
    resolvers = List.of(outside.address());
    return this;
  }

  /** A {@code --doh} server outside the censor's reach, answering from the helper's zone. */
  public ScenarioWorld truthfulDoh() {
    FakeDohServer doh = track(new FakeDohServer(helperDns.zone(), pki));
    dohUrls = List.of(doh.url());
    return this;
  }

  /** A {@code --resolver} that lies about {@code host} (a fresh address where nothing listens). */
  public ScenarioWorld lyingResolver(String host) {
    FakeDnsServer liar = track(new FakeDnsServer());
    liar.answer(host, LoopbackAddresses.next().getHostAddress());
    resolvers = List.of(liar.address());
    return this;
  }

  /**
   * The system resolver is also given as {@code --resolver}: its UDP answers (injected ones too) are asked again,
   * and its TCP answer, which no UDP injector can race, is the truth.
   */
  public ScenarioWorld systemResolverOverTcpToo() {
    resolvers = List.of(probeDns.address());
    return this;
  }

  /** The probe cannot reach its control at all (a closed port): it must judge on local evidence. */
  public ScenarioWorld controlUnreachable() {
    controlReachable = false;
    return this;
  }

  /** What the probe is given in this world, as the scenario has built it so far. */
  public ProbeSide probeSide() {
    String control = controlReachable ? nat.url() : null;
    if (!controlReachable) {
      InetAddress nowhere = LoopbackAddresses.next();
      control = "http://" + nowhere.getHostAddress() + ":" + LoopbackAddresses.closedPort(nowhere) + "/";
    }
    return new ProbeSide(probeDns.address(), resolvers, dohUrls, pki.rootCertificate(), control, DNS_TIMEOUT,
        CONNECT_TIMEOUT, TLS_TIMEOUT, HTTP_TIMEOUT, CONTROL_TIMEOUT);
  }

  /** Closes {@code closeable} with the world (a server the scenario started itself). */
  public <T extends AutoCloseable> T track(T closeable) {
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
    if (nat != null) {
      nat.close();
      helper.close();
    }
    probeDns.close();
    helperDns.close();
  }
}
