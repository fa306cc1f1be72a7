package org.kuzet.core.testing.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kuzet.core.testing.world.ScenarioWorld.Scheme.HTTP;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.DnsWire;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.world.ScenarioWorld.ControlSide;
import org.kuzet.core.testing.world.ScenarioWorld.ProbeSide;
import org.kuzet.core.testing.world.ScenarioWorld.Site;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ScenarioWorldTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static List<String> resolve(FakeDnsServer dns, String host) throws IOException {
    Message reply = DnsWire.udp(dns.address(), DnsWire.query(host, Type.A), TIMEOUT);
    return reply.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).toList();
  }

  private static String fetch(Site site, String url) throws IOException {
    OkHttpClient client = new OkHttpClient.Builder()
        .dns(host -> List.of(site.address()))
        .callTimeout(TIMEOUT)
        .build();
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  @Test
  void anAliasIsTheSameServerUnderAnotherNameForBothResolvers() throws IOException {
    try (ScenarioWorld world = new ScenarioWorld()) {
      Site site = world.site("news.kz", HTTP, Pages.always(new MockResponse.Builder().body("front page").build()));
      Site alias = world.alias("mirror.news.kz", site);
      String ip = site.address().getHostAddress();
      assertEquals(List.of(ip), resolve(world.probeDns, "mirror.news.kz"));
      assertEquals(List.of(ip), resolve(world.helperDns, "mirror.news.kz"));
      assertEquals(site.port(), alias.port());
      assertEquals("front page", fetch(alias, alias.url()));
    }
  }

  @Test
  void aWorldWithoutAControlGivesTheProbeAControlUrlWhereNothingListens() {
    try (ScenarioWorld world = new ScenarioWorld()) {
      ProbeSide probe = world.probeSide();
      URI control = URI.create(probe.controlUrl());
      assertThrows(ConnectException.class, () -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(control.getHost(), control.getPort()), (int) TIMEOUT.toMillis());
        }
      });
      assertEquals(world.probeDns.address(), probe.systemResolver());
      assertEquals(List.of(), probe.resolvers());
    }
  }

  @Test
  void theControlIsStartedWithTheTruthfulResolverAndReachedThroughTheNat() throws IOException {
    AtomicReference<ControlSide> given = new AtomicReference<>();
    try (mockwebserver3.MockWebServer control = new mockwebserver3.MockWebServer()) {
      control.enqueue(new MockResponse.Builder().body("{\"dns\":{\"addrs\":[]}}").build());
      control.start();
      try (ScenarioWorld world = new ScenarioWorld(side -> {
        given.set(side);
        return ScenarioWorld.Control.of(control.url("/").toString(), () -> { });
      })) {
        assertEquals(world.helperDns.address(), given.get().resolver());
        assertEquals(world.pki.rootCertificate(), given.get().root());
        ProbeSide probe = world.probeSide();
        OkHttpClient client = new OkHttpClient.Builder().callTimeout(TIMEOUT).build();
        Request post = new Request.Builder().url(probe.controlUrl())
            .post(okhttp3.RequestBody.create("{}", okhttp3.MediaType.get("application/json"))).build();
        try (Response r = client.newCall(post).execute()) {
          assertEquals(200, r.code());
          assertEquals("{\"dns\":{\"addrs\":[]}}", r.body().string());
        }
      }
    }
  }
}
