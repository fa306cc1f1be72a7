package org.kuzet.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import org.kuzet.backend.helper.TestHelperServer;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.WebConnectivity;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;

/**
 * Real observations for the analysis benchmark, recorded once by running the web connectivity experiment on
 * loopback with a control from a real test helper: the probe and the helper ask different fake resolvers, so the
 * censor (a lying resolver, an interceptor, a blockpage server, a resetter) sits on the probe's path only. Each
 * censor listens on the real site's port at an address of its own, so the URL is the same for both; the probe
 * reaches it through its own resolver's answer, so every censored scenario also shows {@code dns.inconsistent}
 * (on a real network interception and resets happen on the path to the right address).
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

  private static final String PAGE = "<html><head><title>Kazakhstan News Today</title></head><body>"
      + "<p>Today's news from Almaty and Astana.</p>".repeat(120) + "</body></html>";
  private static final String BLOCKPAGE = "<html><head><meta charset=utf-8><title>Доступ ограничен</title></head>"
      + "<body><h1>Страница заблокирована</h1></body></html>";

  private AnalysisRecording() {}

  static List<Scenario> record() throws IOException {
    TestPki pki = new TestPki();
    List<Scenario> out = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      FakeDnsServer probeDns = track(open, new FakeDnsServer());
      FakeDnsServer controlDns = track(open, new FakeDnsServer());
      HandshakeCertificates realCert = pki.serverCertificate("news.kz", "nxdomain.kz", "intercepted.kz", "reset.kz");
      InetAddress realHttpsIp = LoopbackAddresses.next();
      MockWebServer realHttps = track(open, server(realCert, page(PAGE, "nginx")));
      realHttps.start(realHttpsIp, 0);
      InetAddress realHttpIp = LoopbackAddresses.next();
      MockWebServer realHttp = track(open, server(null, page(PAGE, "nginx")));
      realHttp.start(realHttpIp, 0);
      int httpsPort = realHttps.getPort();
      int httpPort = realHttp.getPort();

      InetAddress interceptorIp = LoopbackAddresses.next();
      InterceptionCa qaznet = new InterceptionCa("C=KZ, CN=Qaznet Trust Network",
          InterceptionCa.DEFAULT_INTERMEDIATE_DN);
      MockWebServer interceptor = track(open, server(qaznet.forge(pki.issue("intercepted.kz").certificate()),
          page(PAGE, "nginx")));
      interceptor.start(interceptorIp, httpsPort);
      InetAddress blockpageIp = LoopbackAddresses.next();
      MockWebServer blockpage = track(open, server(null, page(BLOCKPAGE, null)));
      blockpage.start(blockpageIp, httpPort);
      InetAddress resetIp = LoopbackAddresses.next();
      FaultServer reset = track(open, new FaultServer(resetIp, httpsPort));
      reset.start(FaultServer.Fault.RESET_ON_FIRST_BYTES);

      both(probeDns, controlDns, "news.kz", realHttpsIp);
      both(probeDns, controlDns, "gazeta.kz", realHttpIp);
      probeDns.nxdomain("nxdomain.kz");
      controlDns.answer("nxdomain.kz", realHttpsIp.getHostAddress());
      probeDns.answer("intercepted.kz", interceptorIp.getHostAddress());
      controlDns.answer("intercepted.kz", realHttpsIp.getHostAddress());
      probeDns.answer("blockpaged.kz", blockpageIp.getHostAddress());
      controlDns.answer("blockpaged.kz", realHttpIp.getHostAddress());
      probeDns.answer("reset.kz", resetIp.getHostAddress());
      controlDns.answer("reset.kz", realHttpsIp.getHostAddress());

      TrustRoots roots = TrustRoots.of(List.of(pki.rootCertificate()));
      TestHelperServer helper = track(open, TestHelperServer.start(
          TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
              .resolver(controlDns.address())
              .trustRoots(roots)
              .allowPrivate(true)
              .build()));
      ProbeSettings settings = ProbeSettings.builder()
          .systemResolvers(List.of(probeDns.address()))
          .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
          .trustRoots(roots)
          .dnsTimeout(Duration.ofSeconds(2))
          .connectTimeout(Duration.ofSeconds(2))
          .tlsTimeout(Duration.ofSeconds(2))
          .httpTimeout(Duration.ofSeconds(5))
          .injectionWindow(Duration.ofMillis(50))
          .controlUrls(List.of(helper.url()))
          .controlTimeout(Duration.ofSeconds(20))
          .build();
      String https = ":" + httpsPort + "/";
      String http = ":" + httpPort + "/";
      try (WebConnectivity wc = new WebConnectivity(settings)) {
        out.add(new Scenario("https-ok", "HTTPS page, valid certificate, control agrees",
            wc.measure("https://news.kz" + https, "bench")));
        out.add(new Scenario("http-ok", "plain HTTP page compared with the control's (body, headers, title)",
            wc.measure("http://gazeta.kz" + http, "bench")));
        out.add(new Scenario("dns-nxdomain", "NXDOMAIN from the probe's resolver, the control resolves",
            wc.measure("https://nxdomain.kz" + https, "bench")));
        out.add(new Scenario("tls-intercepted", "chain under the Qaznet root (known interception root)",
            wc.measure("https://intercepted.kz" + https, "bench")));
        out.add(new Scenario("http-blockpage", "Kazakh ISP blockpage over plain HTTP",
            wc.measure("http://blockpaged.kz" + http, "bench")));
        out.add(new Scenario("tls-reset", "connection reset after the ClientHello (SNI filtering)",
            wc.measure("https://reset.kz" + https, "bench")));
      }
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception ignored) {
          // a loopback server that would not close costs nothing here
        }
      }
    }
    return out;
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

  private static void both(FakeDnsServer a, FakeDnsServer b, String host, InetAddress ip) {
    a.answer(host, ip.getHostAddress());
    b.answer(host, ip.getHostAddress());
  }

  private static MockResponse page(String body, String server) {
    MockResponse.Builder b = new MockResponse.Builder().setHeader("Content-Type", "text/html; charset=utf-8")
        .body(body);
    if (server != null) {
      b.setHeader("Server", server).setHeader("X-News-Edition", "kz");
    }
    return b.build();
  }

  /** A server answering every request with {@code response}; HTTPS when {@code tls} is given. */
  private static MockWebServer server(HandshakeCertificates tls, MockResponse response) {
    MockWebServer s = new MockWebServer();
    if (tls != null) {
      s.useHttps(tls.sslSocketFactory());
    }
    s.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return response;
      }
    });
    return s;
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> open, T resource) {
    open.add(resource);
    return resource;
  }
}
