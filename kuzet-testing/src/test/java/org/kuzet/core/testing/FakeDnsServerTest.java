package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class FakeDnsServerTest {
  // A wait for a reply that must come is generous (a loaded machine is slow, not wrong); SILENCE only bounds a
  // wait for nothing; COLLECT is how long every reply to one query is gathered (all of them must be in by then).
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SILENCE = Duration.ofMillis(300);
  private static final Duration COLLECT = Duration.ofSeconds(2);

  enum Wire { UDP, TCP }

  private final FakeDnsServer dns = new FakeDnsServer();

  @AfterEach
  void close() {
    dns.close();
    assertEquals(List.of(), Workers.liveThreads());
  }

  private Message ask(Wire wire, String name, int type) throws IOException {
    Message query = DnsWire.query(name, type);
    Message reply = wire == Wire.UDP
        ? DnsWire.udp(dns.address(), query, TIMEOUT)
        : DnsWire.tcp(dns.address(), query, TIMEOUT);
    assertEquals(query.getHeader().getID(), reply.getHeader().getID());
    assertEquals(query.getQuestion(), reply.getQuestion());
    assertTrue(reply.getHeader().getFlag(Flags.QR));
    return reply;
  }

  private static List<String> data(Message reply) {
    return reply.getSection(Section.ANSWER).stream().map(r -> Type.string(r.getType()) + " " + r.rdataToString())
        .toList();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void answersAAndAaaaByLiteral(Wire wire) throws IOException {
    dns.answer("example.kz", "127.0.1.50", "2001:db8::1", "127.0.1.51");
    Message a = ask(wire, "example.kz", Type.A);
    assertEquals(Rcode.NOERROR, a.getRcode());
    assertEquals(List.of("A 127.0.1.50", "A 127.0.1.51"), data(a));
    assertEquals(List.of("AAAA 2001:db8:0:0:0:0:0:1"), data(ask(wire, "example.kz", Type.AAAA)));
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void namesAreCaseInsensitiveAndAbsolute(Wire wire) throws IOException {
    dns.answer("Example.KZ.", "127.0.1.50");
    Message reply = ask(wire, "eXample.kz", Type.A);
    assertEquals(List.of("A 127.0.1.50"), data(reply));
    assertEquals("eXample.kz.", reply.getQuestion().getName().toString(), "the question is echoed as asked");
    assertEquals(1, dns.queryCount("EXAMPLE.kz"));
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void ttlApplies(Wire wire) throws IOException {
    dns.ttl(42).answer("example.kz", "127.0.1.50");
    assertEquals(42, ask(wire, "example.kz", Type.A).getSection(Section.ANSWER).get(0).getTTL());
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void followsCnameInTheSameReply(Wire wire) throws IOException {
    dns.cname("www.example.kz", "cdn.example.net").answer("cdn.example.net", "127.0.1.60");
    Message reply = ask(wire, "www.example.kz", Type.A);
    assertEquals(Rcode.NOERROR, reply.getRcode());
    List<Record> answers = reply.getSection(Section.ANSWER);
    assertEquals(2, answers.size());
    assertEquals("cdn.example.net.", ((CNAMERecord) answers.get(0)).getTarget().toString());
    assertEquals("cdn.example.net.", answers.get(1).getName().toString());
    assertEquals("127.0.1.60", ((ARecord) answers.get(1)).getAddress().getHostAddress());
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void cnameToANonexistentNameIsNxdomainWithTheCname(Wire wire) throws IOException {
    dns.cname("www.example.kz", "gone.example.net");
    Message reply = ask(wire, "www.example.kz", Type.A);
    assertEquals(Rcode.NXDOMAIN, reply.getRcode());
    assertEquals(List.of("CNAME gone.example.net."), data(reply));
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void cnameLoopIsServfail(Wire wire) throws IOException {
    dns.cname("a.loop.kz", "b.loop.kz").cname("b.loop.kz", "a.loop.kz");
    assertEquals(Rcode.SERVFAIL, ask(wire, "a.loop.kz", Type.A).getRcode());
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void errorRcodes(Wire wire) throws IOException {
    dns.nxdomain("nx.kz").servfail("sf.kz").refused("rf.kz");
    assertEquals(Rcode.NXDOMAIN, ask(wire, "nx.kz", Type.A).getRcode());
    assertEquals(Rcode.SERVFAIL, ask(wire, "sf.kz", Type.A).getRcode());
    assertEquals(Rcode.REFUSED, ask(wire, "rf.kz", Type.A).getRcode());
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void noAnswerIsNoerrorAndEmpty(Wire wire) throws IOException {
    dns.noAnswer("empty.kz").answer("v4only.kz", "127.0.1.50");
    Message empty = ask(wire, "empty.kz", Type.A);
    assertEquals(Rcode.NOERROR, empty.getRcode());
    assertEquals(List.of(), data(empty));
    Message noAaaa = ask(wire, "v4only.kz", Type.AAAA);
    assertEquals(Rcode.NOERROR, noAaaa.getRcode());
    assertEquals(List.of(), data(noAaaa), "a name with only A records has no AAAA");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void unknownNamesAreNxdomainByDefaultAndConfigurable(Wire wire) throws IOException {
    assertEquals(Rcode.NXDOMAIN, ask(wire, "unknown.kz", Type.A).getRcode());
    dns.unknownNames(DnsZone.Behaviour.REFUSED);
    assertEquals(Rcode.REFUSED, ask(wire, "unknown.kz", Type.A).getRcode());
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void silentNeverReplies(Wire wire) {
    dns.silent("quiet.kz");
    Message query = DnsWire.query("quiet.kz", Type.A);
    assertThrows(SocketTimeoutException.class, () -> {
      if (wire == Wire.UDP) {
        DnsWire.udp(dns.address(), query, SILENCE);
      } else {
        DnsWire.tcp(dns.address(), query, SILENCE);
      }
    });
    assertEquals(1, dns.queryCount("quiet.kz"));
  }

  @Test
  void injectionSendsTheLieThenTheTruthWithTheSameId() throws IOException {
    dns.answer("blocked.kz", "127.0.1.70").inject("blocked.kz", "10.10.34.35");
    Message query = DnsWire.query("blocked.kz", Type.A);
    List<Message> replies = DnsWire.udpAll(dns.address(), query, COLLECT);
    assertEquals(2, replies.size(), "two UDP replies");
    for (Message reply : replies) {
      assertEquals(query.getHeader().getID(), reply.getHeader().getID());
    }
    assertEquals(List.of("A 10.10.34.35"), data(replies.get(0)), "the lie arrives first");
    assertEquals(List.of("A 127.0.1.70"), data(replies.get(1)));
  }

  @Test
  void injectionWithoutATruthIsFollowedByNxdomain() throws IOException {
    dns.inject("blocked.kz", "10.10.34.35");
    List<Message> replies = DnsWire.udpAll(dns.address(), DnsWire.query("blocked.kz", Type.A), COLLECT);
    assertEquals(2, replies.size());
    assertEquals(Rcode.NOERROR, replies.get(0).getRcode());
    assertEquals(Rcode.NXDOMAIN, replies.get(1).getRcode());
  }

  @Test
  void injectionIsUdpOnlyAndPerFamily() throws IOException {
    dns.answer("blocked.kz", "127.0.1.70").inject("blocked.kz", "10.10.34.35");
    assertEquals(List.of("A 127.0.1.70"), data(ask(Wire.TCP, "blocked.kz", Type.A)), "TCP gets the truth only");
    List<Message> aaaa = DnsWire.udpAll(dns.address(), DnsWire.query("blocked.kz", Type.AAAA), COLLECT);
    assertEquals(1, aaaa.size(), "no IPv6 lie configured, so no AAAA injection");
  }

  @Test
  void normalNamesGetExactlyOneUdpReply() throws IOException {
    dns.answer("example.kz", "127.0.1.50");
    assertEquals(1, DnsWire.udpAll(dns.address(), DnsWire.query("example.kz", Type.A), COLLECT).size());
  }

  @Test
  void udpAndTcpShareThePortAndCountsCoverBoth() throws IOException {
    dns.answer("example.kz", "127.0.1.50");
    ask(Wire.UDP, "example.kz", Type.A);
    ask(Wire.TCP, "example.kz", Type.AAAA);
    assertEquals(2, dns.queryCount("example.kz"));
    assertEquals(0, dns.queryCount("other.kz"));
    assertEquals(dns.port(), dns.address().getPort());
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void worksWithDnsjavasOwnResolver(Wire wire) throws IOException {
    dns.answer("example.kz", "127.0.1.50");
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(dns.address().getAddress(), dns.port()));
    resolver.setTCP(wire == Wire.TCP);
    resolver.setTimeout(TIMEOUT);
    Message reply = resolver.send(DnsWire.query("example.kz", Type.A));
    assertEquals(List.of("A 127.0.1.50"), data(reply));
  }

  @Test
  void changesApplyWhileRunning() throws IOException {
    dns.answer("flip.kz", "127.0.1.50");
    assertEquals(Rcode.NOERROR, ask(Wire.UDP, "flip.kz", Type.A).getRcode());
    dns.servfail("flip.kz");
    assertEquals(Rcode.SERVFAIL, ask(Wire.UDP, "flip.kz", Type.A).getRcode());
    dns.zone().remove("flip.kz");
    assertEquals(Rcode.NXDOMAIN, ask(Wire.UDP, "flip.kz", Type.A).getRcode());
  }

  @Test
  void rejectsNonLiteralAddresses() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dns.answer("example.kz", "example.org"));
    assertTrue(e.getMessage().contains("example.org"), e.getMessage());
  }

  @Test
  void closeStopsAnsweringAndLeavesNoThreads() throws IOException {
    dns.answer("example.kz", "127.0.1.50");
    ask(Wire.TCP, "example.kz", Type.A); // leaves a TCP handler behind until close
    dns.close();
    assertEquals(List.of(), Workers.liveThreads());
    assertThrows(IOException.class, () -> DnsWire.tcp(dns.address(), DnsWire.query("example.kz", Type.A), SILENCE));
  }
}
