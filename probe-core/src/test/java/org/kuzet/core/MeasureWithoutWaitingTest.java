package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.Cidr;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A measurement never waits idle for evidence: it goes on at the first DNS reply, asks A and AAAA together, asks
 * the control while other resolvers are still busy, and still records the replies that come late. The fake
 * resolvers here hold their replies until an event (a request reaching a site, another query, the control being
 * asked), never for a time: a probe that waited would deadlock against them and fail the test.
 */
class MeasureWithoutWaitingTest {
  /** How long a scripted resolver holds a reply for its event before giving up (only reached when the probe waits). */
  private static final long PATIENCE_SECONDS = Latches.PATIENCE_SECONDS;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T track(T c) {
    closeables.add(c);
    return c;
  }

  private ProbeSettings.Builder settings(InetSocketAddress systemResolver) {
    return ProbeSettings.builder()
        .systemResolvers(List.of(systemResolver))
        .addressPolicy(AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))
        .dnsTimeout(Duration.ofSeconds(PATIENCE_SECONDS * 2))
        .connectTimeout(Duration.ofSeconds(10))
        .tlsTimeout(Duration.ofSeconds(10))
        .httpTimeout(Duration.ofSeconds(10))
        // Generous: the late reply is sent while the site answers, and must be heard before the window closes.
        .injectionWindow(Duration.ofSeconds(5))
        .clock(Clock.systemUTC());
  }

  private static Measurement measure(ProbeSettings settings, String url) {
    try (WebConnectivity wc = new WebConnectivity(settings)) {
      return wc.measure(url, "test");
    }
  }

  /** A site that counts down {@code asked} when a request reaches it. */
  private MockWebServer site(String body, CountDownLatch asked) {
    MockWebServer server = track(TlsSites.http());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        asked.countDown();
        return new MockResponse.Builder().body("<html><title>" + body + "</title></html>").build();
      }
    });
    return server;
  }

  private static String ip(MockWebServer s) {
    return s.getSocketAddress().getAddress().getHostAddress();
  }

  @Test
  void theFirstReplyIsUsedAtOnceAndTheLateOneIsRecorded() {
    CountDownLatch blockpageAsked = new CountDownLatch(1);
    MockWebServer blockpage = site("blocked", blockpageAsked);
    String truth = LoopbackAddresses.next().getHostAddress();
    // The injector's lie wins; the real answer is sent only once the probe has already fetched from the lie.
    ScriptedResolver dns = track(new ScriptedResolver((query, reply) -> {
      if (query.getQuestion().getType() != Type.A) {
        reply.send(ScriptedResolver.answer(query));
        return;
      }
      reply.send(ScriptedResolver.answer(query, ip(blockpage)));
      await(blockpageAsked);
      reply.send(ScriptedResolver.answer(query, truth));
    }));
    String url = "http://news.kz:" + blockpage.getPort() + "/";

    Measurement m = measure(settings(dns.address()).build(), url);

    DnsQuery a = m.testKeys().queries().stream().filter(q -> q.queryType().equals("A")).findFirst().orElseThrow();
    assertEquals(List.of(DnsAnswer.a(ip(blockpage), 300, false)), a.answers(), "the first reply is the answer");
    assertEquals(List.of(List.of(DnsAnswer.a(truth, 300, false))), a.xExtraReplies(), "the late reply is kept");
    HttpTransaction tx = m.testKeys().requests().get(0);
    assertEquals(ip(blockpage) + ":" + blockpage.getPort(), tx.xAddress(), "fetched from the first reply's address");
    assertTrue(a.xExtraRepliesT().get(0) >= tx.t0(),
        "the late reply arrived after the HTTP step began: the measurement did not wait for it");
    assertTrue(m.testKeys().xSignals().contains(org.kuzet.schema.Signal.DNS_INJECTED), "signals: " + m.testKeys().xSignals());
  }

  @Test
  void theRealAnswerFirstAndTheInjectedOneLateIsRecordedToo() {
    CountDownLatch siteAsked = new CountDownLatch(1);
    MockWebServer site = site("news", siteAsked);
    String lie = "10.10.34.35";
    ScriptedResolver dns = track(new ScriptedResolver((query, reply) -> {
      if (query.getQuestion().getType() != Type.A) {
        reply.send(ScriptedResolver.answer(query));
        return;
      }
      reply.send(ScriptedResolver.answer(query, ip(site)));
      await(siteAsked);
      reply.send(ScriptedResolver.answer(query, lie));
    }));

    Measurement m = measure(settings(dns.address()).build(), "http://news.kz:" + site.getPort() + "/");

    DnsQuery a = m.testKeys().queries().stream().filter(q -> q.queryType().equals("A")).findFirst().orElseThrow();
    assertEquals(List.of(DnsAnswer.a(ip(site), 300, false)), a.answers());
    assertEquals(List.of(List.of(DnsAnswer.a(lie, 300, true))), a.xExtraReplies());
    assertNull(m.testKeys().requests().get(0).failure(), "the page was fetched from the real address");
    assertTrue(m.testKeys().xSignals().contains(org.kuzet.schema.Signal.DNS_INJECTED), "signals: " + m.testKeys().xSignals());
  }

  @Test
  void aAndAaaaAreAskedTogether() {
    CountDownLatch siteAsked = new CountDownLatch(1);
    MockWebServer site = site("news", siteAsked);
    CountDownLatch aAsked = new CountDownLatch(1);
    CountDownLatch aaaaAsked = new CountDownLatch(1);
    // Each type is answered only once the other has been asked: a probe asking one after the other would wait.
    AtomicBoolean bothSeen = new AtomicBoolean(true);
    ScriptedResolver dns = track(new ScriptedResolver((query, reply) -> {
      boolean isA = query.getQuestion().getType() == Type.A;
      (isA ? aAsked : aaaaAsked).countDown();
      if (!await(isA ? aaaaAsked : aAsked)) {
        bothSeen.set(false);
      }
      reply.send(isA ? ScriptedResolver.answer(query, ip(site)) : ScriptedResolver.answer(query));
    }));

    Measurement m = measure(settings(dns.address()).build(), "http://news.kz:" + site.getPort() + "/");

    assertTrue(bothSeen.get(), "each query was in flight while the other was");
    for (DnsQuery q : m.testKeys().queries()) {
      assertTrue(q.rcode() != null, q.queryType() + " was answered");
    }
    assertNull(m.testKeys().requests().get(0).failure());
  }

  @Test
  void theControlIsAskedBeforeEveryResolverHasAnswered() {
    CountDownLatch siteAsked = new CountDownLatch(1);
    MockWebServer site = site("news", siteAsked);
    FakeDnsServer system = track(new FakeDnsServer()).answer("news.kz", ip(site));
    CountDownLatch controlAsked = new CountDownLatch(1);
    MockWebServer control = track(TlsSites.http());
    control.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        controlAsked.countDown();
        return new MockResponse.Builder().code(503).build(); // being asked is what this test is about
      }
    });
    // An extra resolver that answers only once the control has been asked.
    AtomicBoolean answeredAfterControl = new AtomicBoolean(true);
    ScriptedResolver slow = track(new ScriptedResolver((query, reply) -> {
      if (!await(controlAsked)) {
        answeredAfterControl.set(false);
      }
      reply.send(query.getQuestion().getType() == Type.A ? ScriptedResolver.answer(query, ip(site))
          : ScriptedResolver.answer(query));
    }));

    Measurement m = measure(settings(system.address())
        .resolvers(List.of(slow.address()))
        .controlUrls(List.of("http://" + ip(control) + ":" + control.getPort() + "/"))
        .build(), "http://news.kz:" + site.getPort() + "/");

    assertTrue(answeredAfterControl.get(), "the control was asked while the extra resolver was still busy");
    assertTrue(m.testKeys().queries().stream().filter(q -> q.engine().equals("udp")).allMatch(q -> q.rcode() != null),
        "the extra resolver's answers are recorded");
  }

  /**
   * A connect to a blackholed address only waits for its timer: no thread may sit in it. While a measurement's
   * connects to four blackholed addresses are all pending, no thread of the process is inside a socket connect
   * (the connects wait on one selector); each still ends as a timeout.
   */
  @Test
  void blackholedConnectsHoldNoThread() throws Exception {
    org.kuzet.core.testing.Blackhole first = track(org.kuzet.core.testing.Blackhole.open());
    List<String> ips = new ArrayList<>(List.of(first.address().getAddress().getHostAddress()));
    for (int i = 1; i < 4; i++) {
      ips.add(track(org.kuzet.core.testing.Blackhole.open(LoopbackAddresses.next(), first.port()))
          .address().getAddress().getHostAddress());
    }
    FakeDnsServer system = track(new FakeDnsServer()).answer("holes.kz", ips.toArray(String[]::new));
    CountDownLatch started = new CountDownLatch(ips.size());
    ProbeEventListener counting = new ProbeEventListener() {
      @Override
      public void tcpStart(String endpoint) {
        started.countDown();
      }
    };
    WebConnectivity wc = track(new WebConnectivity(settings(system.address())
        .connectTimeout(Duration.ofSeconds(2)) // blackholes: the timeout is the point
        .listener(counting).build()));
    java.util.concurrent.CompletableFuture<Measurement> measuring = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> wc.measure("http://holes.kz:" + first.port() + "/", "test"));

    assertTrue(await(started), "every address is being connected to");
    int mostInConnect = 0;
    while (!measuring.isDone()) { // sampled for as long as the connects wait
      mostInConnect = Math.max(mostInConnect, threadsInConnect());
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
    Measurement m = measuring.join();

    assertEquals(0, mostInConnect, "threads sitting in a connect");
    assertEquals(ips.size(), m.testKeys().tcpConnect().size());
    m.testKeys().tcpConnect().forEach(c -> assertEquals("generic_timeout_error", c.status().failure()));
  }

  /** Threads of this process now inside a blocking socket connect. */
  private static int threadsInConnect() {
    int n = 0;
    for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
      for (StackTraceElement frame : stack) {
        if (frame.getClassName().equals("java.net.Socket") && frame.getMethodName().equals("connect")) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  private static boolean await(CountDownLatch latch) {
    return Latches.await(latch);
  }

  /** A UDP resolver on its own loopback address whose replies a script sends, one thread per query. */
  static final class ScriptedResolver implements AutoCloseable {
    interface Script {
      void handle(Message query, Reply reply) throws IOException;
    }

    /** Sends replies to one query's client. */
    interface Reply {
      void send(Message reply) throws IOException;
    }

    private final DatagramSocket socket;
    private final Thread thread;

    ScriptedResolver(Script script) {
      try {
        socket = new DatagramSocket(new InetSocketAddress(LoopbackAddresses.next(), 0));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      thread = new Thread(() -> {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          try {
            socket.receive(p);
          } catch (IOException e) {
            return;
          }
          SocketAddress client = p.getSocketAddress();
          Message query;
          try {
            query = new Message(Arrays.copyOf(buf, p.getLength()));
          } catch (IOException e) {
            continue;
          }
          Thread worker = new Thread(() -> {
            try {
              script.handle(query, reply -> {
                byte[] wire = reply.toWire();
                socket.send(new DatagramPacket(wire, wire.length, client));
              });
            } catch (IOException e) {
              // the socket closed with the test
            }
          }, "scripted-dns-query");
          worker.setDaemon(true);
          worker.start();
        }
      }, "scripted-dns");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** A NOERROR reply to {@code query} with these IPv4 addresses (none: an empty answer). */
    static Message answer(Message query, String... ipv4) {
      Message reply = new Message(query.getHeader().getID());
      reply.getHeader().setFlag(Flags.QR);
      reply.getHeader().setFlag(Flags.RD);
      reply.getHeader().setFlag(Flags.RA);
      reply.addRecord(query.getQuestion(), Section.QUESTION);
      for (String ip : ipv4) {
        try {
          reply.addRecord(new ARecord(query.getQuestion().getName(), query.getQuestion().getDClass(), 300,
              InetAddress.getByName(ip)), Section.ANSWER);
        } catch (IOException e) {
          throw new IllegalArgumentException(ip, e);
        }
      }
      return reply;
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
