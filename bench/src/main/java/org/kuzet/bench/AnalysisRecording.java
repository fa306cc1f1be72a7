package org.kuzet.bench;

import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTP;
import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTPS;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kuzet.backend.helper.TestHelperServer;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.world.Pages;
import org.kuzet.core.testing.world.ScenarioWorld;
import org.kuzet.core.testing.world.ScenarioWorld.Site;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;

/**
 * Real observations for the analysis benchmark, recorded once by running the web connectivity experiment in
 * kuzet-testing's {@link ScenarioWorld} (the world of the scenario table) with a real test helper as the control:
 * each censor (a lying resolver, an interceptor, a blockpage server, a resetter) sits on the probe's path only, at
 * the inside address of a censored site, while the helper reaches the real site.
 */
final class AnalysisRecording {
  /** A recorded measurement and what the engine concluded when it was taken. */
  record Scenario(String name, String description, Measurement measurement) {
    String verdict() {
      TestKeys k = measurement.testKeys();
      List<Signal> signals = k.xSignals() == null ? List.of() : k.xSignals();
      return k.xVerdict().wire() + (signals.isEmpty() ? "" : " (" + String.join(", ",
          signals.stream().map(Signal::wire).toList()) + ")");
    }
  }

  /** The scenario names, in the order they are recorded; {@link AnalysisBenchmark}'s parameter takes them. */
  static final List<String> NAMES = List.of("https-ok", "http-ok", "dns-nxdomain", "tls-intercepted",
      "http-blockpage", "tls-reset");

  private AnalysisRecording() {}

  static List<Scenario> record() throws IOException {
    List<Scenario> out = new ArrayList<>();
    try (ScenarioWorld world = new ScenarioWorld(AnalysisRecording::helper)) {
      String httpsOk = world.site("news.kz", HTTPS, Pages.news()).url();
      String httpOk = world.site("gazeta.kz", HTTP, Pages.news()).url();
      Site nxdomain = world.site("nxdomain.kz", HTTPS, Pages.news());
      world.probeDns.nxdomain("nxdomain.kz");
      Site intercepted = world.censoredSite("intercepted.kz", HTTPS, Pages.news());
      InterceptionCa qaznet = new InterceptionCa("C=KZ, CN=Qaznet Trust Network",
          InterceptionCa.DEFAULT_INTERMEDIATE_DN);
      world.serve(intercepted, qaznet.forge(intercepted.leaf().certificate()), Pages.news());
      Site blockpaged = world.censoredSite("blockpaged.kz", HTTP, Pages.news());
      world.serve(blockpaged, null, Pages.kazakhBlockpage());
      Site reset = world.censoredSite("reset.kz", HTTPS, Pages.news());
      world.fault(reset, FaultServer.Fault.RESET_ON_FIRST_BYTES);

      try (WebConnectivity wc = new WebConnectivity(settings(world.probeSide()))) {
        out.add(new Scenario("https-ok", "HTTPS page, valid certificate, control agrees",
            wc.measure(httpsOk, "bench")));
        out.add(new Scenario("http-ok", "plain HTTP page compared with the control's (body, headers, title)",
            wc.measure(httpOk, "bench")));
        out.add(new Scenario("dns-nxdomain", "NXDOMAIN from the probe's resolver, the control resolves",
            wc.measure(nxdomain.url(), "bench")));
        out.add(new Scenario("tls-intercepted", "chain under the Qaznet root (known interception root)",
            wc.measure(intercepted.url(), "bench")));
        out.add(new Scenario("http-blockpage", "Kazakh ISP blockpage over plain HTTP",
            wc.measure(blockpaged.url(), "bench")));
        out.add(new Scenario("tls-reset", "connection reset after the ClientHello (SNI filtering)",
            wc.measure(reset.url(), "bench")));
      }
    }
    return out;
  }

  /** The world's control: a real test helper resolving with the world's truthful resolver. */
  private static ScenarioWorld.Control helper(ScenarioWorld.ControlSide side) throws IOException {
    TestHelperServer helper = TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(side.address(), 0))
        .resolver(side.resolver())
        .trustRoots(TrustRoots.of(List.of(side.root())))
        .allowPrivate(true)
        .dnsTimeout(side.dnsTimeout())
        .connectTimeout(side.connectTimeout())
        .tlsTimeout(side.tlsTimeout())
        .httpTimeout(side.httpTimeout())
        .build());
    return ScenarioWorld.Control.of(helper.url(), helper::close);
  }

  /** The engine's settings for what the world gives the probe (127/8 counts as public there). */
  private static ProbeSettings settings(ScenarioWorld.ProbeSide p) {
    return ProbeSettings.builder()
        .systemResolvers(List.of(p.systemResolver()))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .trustRoots(TrustRoots.of(List.of(p.root())))
        .dnsTimeout(p.dnsTimeout())
        .connectTimeout(p.connectTimeout())
        .tlsTimeout(p.tlsTimeout())
        .httpTimeout(p.httpTimeout())
        .injectionWindow(Duration.ofMillis(50))
        .controlUrls(List.of(p.controlUrl()))
        .controlTimeout(p.controlTimeout())
        .build();
  }

  /** One line per scenario, {@code name TAB measurement-json}, what the forked benchmark JVM reads. */
  static void write(List<Scenario> scenarios, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Scenario s : scenarios) {
      lines.add(s.name() + "\t" + MeasurementJson.toLine(s.measurement()));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  static Map<String, TestKeys> read(Path file) throws IOException {
    Map<String, TestKeys> keys = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      keys.put(line.substring(0, tab), MeasurementJson.parse(line.substring(tab + 1)).testKeys());
    }
    return keys;
  }
}
