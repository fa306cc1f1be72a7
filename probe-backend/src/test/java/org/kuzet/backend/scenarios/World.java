package org.kuzet.backend.scenarios;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.kuzet.backend.helper.TestHelperServer;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.world.ScenarioWorld;
import org.kuzet.core.testing.world.TcpRelay;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TestKeys;

/**
 * kuzet-testing's {@link ScenarioWorld} with kuzet's own two ends: the real {@link TestHelperServer} as the control,
 * and the real engine ({@link WebConnectivity}) as the probe, measuring once per scenario. The sites, resolvers,
 * middleboxes and the control's NAT are the shared world's (bench measures the same world).
 */
final class World extends ScenarioWorld {
  private UnaryOperator<ProbeSettings.Builder> probeTweak = b -> b;

  World() {
    super(World::helper);
  }

  /** The real test helper, on the world's address, resolving with the world's truthful resolver. */
  static Control helper(ControlSide side) throws java.io.IOException {
    TestHelperServer helper = TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(side.address(), 0))
        .resolver(side.resolver())
        .trustRoots(TrustRoots.of(List.of(side.root())))
        .allowPrivate(true)
        .dnsTimeout(side.dnsTimeout())
        .connectTimeout(side.connectTimeout())
        .tlsTimeout(side.tlsTimeout())
        .httpTimeout(side.httpTimeout())
        .build());
    return Control.of(helper.url(), helper::close);
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
    ProbeSide p = probeSide();
    ProbeSettings.Builder b = ProbeSettings.builder()
        .systemResolvers(List.of(p.systemResolver()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .trustRoots(TrustRoots.of(List.of(p.root())))
        .dnsTimeout(p.dnsTimeout())
        .connectTimeout(p.connectTimeout())
        .tlsTimeout(p.tlsTimeout())
        .httpTimeout(p.httpTimeout())
        .injectionWindow(Duration.ofMillis(20))
        .controlTimeout(p.controlTimeout())
        .controlUrls(List.of(p.controlUrl()))
        .probeCc("KZ")
        .probeAsn("AS9198");
    if (!p.resolvers().isEmpty()) {
      b.resolvers(p.resolvers());
    }
    if (!p.dohUrls().isEmpty()) {
      b.dohUrls(p.dohUrls());
    }
    return probeTweak.apply(b).build();
  }

  // The scenario table chains these into probe(...): the same world, typed as this one.

  @Override
  public World truthfulResolvers() {
    super.truthfulResolvers();
    return this;
  }

  @Override
  public World truthfulResolver() {
    super.truthfulResolver();
    return this;
  }

  @Override
  public World truthfulDoh() {
    super.truthfulDoh();
    return this;
  }

  @Override
  public World lyingResolver(String host) {
    super.lyingResolver(host);
    return this;
  }

  @Override
  public World systemResolverOverTcpToo() {
    super.systemResolverOverTcpToo();
    return this;
  }

  @Override
  public World controlUnreachable() {
    super.controlUnreachable();
    return this;
  }
}
