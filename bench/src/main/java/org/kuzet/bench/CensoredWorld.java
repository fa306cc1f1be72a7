package org.kuzet.bench;

import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTP;

import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.world.Pages;
import org.kuzet.core.testing.world.ScenarioWorld;
import org.kuzet.core.testing.world.ScenarioWorld.Site;

/**
 * The layout the whole-run benchmarks measure, built in kuzet-testing's {@link ScenarioWorld} (the world the
 * scenario table uses, here without a control): N sites, every tenth site in the same place, so 30% are
 * blackholed (connect timeout), 10% reset the connection and 60% answer 200. Shared by the throughput benchmark
 * (in process) and the service footprint (the real launcher, pointed at the world's resolver by flags).
 */
final class CensoredWorld implements AutoCloseable {
  private final ScenarioWorld world = new ScenarioWorld();
  private final List<String> urls = new ArrayList<>();
  private final List<String> curlLines = new ArrayList<>();
  /** What each site, in order, does: the one record of the layout the waits and the count are read from. */
  private final List<Kind> kinds = new ArrayList<>();

  private enum Kind { BLACKHOLED, RESETS, ANSWERS }

  private CensoredWorld() {}

  /** Starts the servers and names {@code count} sites {@code site-N.bench.kz}. */
  static CensoredWorld start(int count) {
    CensoredWorld w = new CensoredWorld();
    try {
      Site ok = w.world.site("ok.bench.kz", HTTP,
          Pages.always(new MockResponse.Builder().body("<html><title>ok</title>fine</html>").build()));
      Site hole = w.world.deadSite("hole.bench.kz", HTTP);
      w.world.blackhole(hole);
      Site reset = w.world.deadSite("reset.bench.kz", HTTP);
      w.world.fault(reset, FaultServer.Fault.RESET_ON_ACCEPT);
      for (int i = 0; i < count; i++) {
        int bucket = i % 10; // 0-2 blackhole (30%), 3 reset (10%), 4-9 answer (60%)
        Kind kind = bucket < 3 ? Kind.BLACKHOLED : bucket == 3 ? Kind.RESETS : Kind.ANSWERS;
        Site site = w.world.alias("site-" + i + ".bench.kz", switch (kind) {
          case BLACKHOLED -> hole;
          case RESETS -> reset;
          case ANSWERS -> ok;
        });
        w.kinds.add(kind);
        w.urls.add(site.url());
        w.curlLines.add(site.host() + " " + site.port());
      }
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  FakeDnsServer dns() {
    return world.probeDns;
  }

  /** The resolver as {@code kuzet --system-resolver} takes it. */
  String resolver() {
    return dns().address().getAddress().getHostAddress() + ":" + dns().port();
  }

  /** One URL per site, in order. */
  List<String> urls() {
    return urls;
  }

  /** "host port" per site, the curl+dig baseline's input. */
  List<String> curlLines() {
    return curlLines;
  }

  /**
   * What each URL, in order, makes any tool wait whatever it does: a blackholed site the whole connect timeout, a
   * resetting one the server's {@link FaultServer#RESET_GRACE_MILLIS} before its reset, an answering one nothing.
   */
  List<Double> waits(double connectTimeoutSeconds) {
    return kinds.stream().map(k -> switch (k) {
      case BLACKHOLED -> connectTimeoutSeconds;
      case RESETS -> FaultServer.RESET_GRACE_MILLIS / 1000.0;
      case ANSWERS -> 0.0;
    }).toList();
  }

  /** How many sites cost a whole connect timeout. */
  int blackholed() {
    return (int) kinds.stream().filter(k -> k == Kind.BLACKHOLED).count();
  }

  @Override
  public void close() {
    world.close();
  }
}
