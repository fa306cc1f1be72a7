package org.kuzet.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.kuzet.core.testing.Blackhole;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;

/**
 * The loopback world the whole-run benchmarks measure: N sites behind one fake resolver, every tenth site in
 * the same place, so 30% are blackholed (connect timeout), 10% reset the connection and 60% answer 200. Shared by
 * the throughput benchmark (in process) and the service footprint (the real launcher, pointed at it by flags).
 */
final class CensoredWorld implements AutoCloseable {
  private final FakeDnsServer dns;
  private final MockWebServer site;
  private final Blackhole hole;
  private final FaultServer reset;
  private final List<String> urls = new ArrayList<>();
  private final List<String> curlLines = new ArrayList<>();
  private int blackholed;

  private CensoredWorld(FakeDnsServer dns, MockWebServer site, Blackhole hole, FaultServer reset) {
    this.dns = dns;
    this.site = site;
    this.hole = hole;
    this.reset = reset;
  }

  /** Starts the servers and names {@code count} sites {@code site-N.bench.kz}. */
  static CensoredWorld start(int count) throws IOException {
    InetAddress okIp = LoopbackAddresses.next();
    FakeDnsServer dns = new FakeDnsServer();
    MockWebServer site = new MockWebServer();
    Blackhole hole = Blackhole.open(LoopbackAddresses.next());
    FaultServer reset = new FaultServer(LoopbackAddresses.next());
    CensoredWorld world = new CensoredWorld(dns, site, hole, reset);
    try {
      site.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().body("<html><title>ok</title>fine</html>").build();
        }
      });
      site.start(okIp, 0);
      reset.start(FaultServer.Fault.RESET_ON_ACCEPT);
      for (int i = 0; i < count; i++) {
        String host = "site-" + i + ".bench.kz";
        InetSocketAddress target;
        int bucket = i % 10; // 0-2 blackhole (30%), 3 reset (10%), 4-9 answer (60%)
        if (bucket < 3) {
          target = hole.address();
          world.blackholed++;
        } else if (bucket == 3) {
          target = reset.address();
        } else {
          target = new InetSocketAddress(okIp, site.getPort());
        }
        dns.answer(host, target.getAddress().getHostAddress());
        world.urls.add("http://" + host + ":" + target.getPort() + "/");
        world.curlLines.add(host + " " + target.getPort());
      }
      return world;
    } catch (IOException | RuntimeException e) {
      world.close();
      throw e;
    }
  }

  FakeDnsServer dns() {
    return dns;
  }

  /** The resolver as {@code kuzet --system-resolver} takes it. */
  String resolver() {
    return dns.address().getAddress().getHostAddress() + ":" + dns.port();
  }

  /** One URL per site, in order. */
  List<String> urls() {
    return urls;
  }

  /** "host port" per site, the curl+dig baseline's input. */
  List<String> curlLines() {
    return curlLines;
  }

  /** How many sites cost a whole connect timeout. */
  int blackholed() {
    return blackholed;
  }

  @Override
  public void close() {
    reset.close();
    hole.close();
    site.close();
    dns.close();
  }
}
