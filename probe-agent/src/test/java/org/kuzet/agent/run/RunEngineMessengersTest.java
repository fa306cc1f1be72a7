package org.kuzet.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.config.ConfigLoader;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.analysis.OfflineVerdict;
import org.kuzet.core.messengers.Messenger;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.Verdict;
import org.kuzet.targets.Target;

/**
 * The messenger checks go through {@link RunEngine} like web targets: the run's report id, the caller's
 * {@code finish} (the offline rule), the observer; on loopback (names NXDOMAIN at a fake resolver, Telegram's
 * data centres mapped to a closed port).
 */
class RunEngineMessengersTest {
  @Test
  void aPlanOfAppsOnlyIsCheckedWithTheRunsReportIdAndFinish() throws Exception {
    try (FakeDnsServer dns = new FakeDnsServer()) {
      InetAddress closed = LoopbackAddresses.next();
      InetSocketAddress refusing = new InetSocketAddress(closed, LoopbackAddresses.closedPort(closed));
      ProbeSettings.Builder tuning = ProbeSettings.builder().systemResolvers(List.of(dns.address()))
          .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
          .dnsTimeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(3));
      RunPlan plan = RunPlans.plan(ConfigLoader.defaults(Path.of(".")), new RunPlans.Targets(List.of(), "messengers"),
          tuning, ProbeSettings.Builder::build, null).withMessengers(List.of(Messenger.TELEGRAM), a -> refusing);
      assertTrue(plan.targets().isEmpty(), "no web target, so no throttling baseline either");
      String[] reportId = new String[1];
      List<Measurement> apps = new ArrayList<>();
      List<String> web = new ArrayList<>();
      boolean stopped = new RunEngine(Clock.systemUTC(), new PrintWriter(new StringWriter()), "test").run(plan,
          OfflineVerdict::apply, () -> false, new RunEngine.Observer() {
            @Override
            public void started(String id, ProbeSettings settings) {
              reportId[0] = id;
            }

            @Override
            public void measured(Target target, Measurement m) {
              web.add(target.url());
            }

            @Override
            public void failed(Target target, RuntimeException error) {
              web.add(target.url());
            }

            @Override
            public void measured(Messenger app, Measurement m) {
              apps.add(m);
            }

            @Override
            public void failed(Messenger app, RuntimeException error) {
              throw new AssertionError(error);
            }
          });
      assertFalse(stopped);
      assertEquals(List.of(), web);
      assertEquals(1, apps.size());
      Measurement tg = apps.get(0);
      assertEquals("telegram", tg.testName());
      assertEquals(reportId[0], tg.reportId(), "the run's report id");
      assertEquals(Verdict.OFFLINE, tg.testKeys().xVerdict(), "the caller's finish (here: an outage) applied");
    }
  }
}
