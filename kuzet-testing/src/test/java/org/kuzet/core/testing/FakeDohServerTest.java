package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class FakeDohServerTest {
  private static final MediaType DNS_MESSAGE = MediaType.get("application/dns-message");

  private final TestPki pki = new TestPki();
  private final DnsZone zone = new DnsZone();
  private final FakeDohServer doh = new FakeDohServer(zone, pki);
  private final OkHttpClient client = TestClients.okHttp(pki.clientTrustingRoot(), Map.of());

  @AfterEach
  void close() {
    TestClients.shutdown(client);
    doh.close();
    assertEquals(List.of(), Workers.liveThreads());
  }

  private Message post(OkHttpClient c, Message query) throws IOException {
    Request request = new Request.Builder().url(doh.url())
        .header("Accept", DNS_MESSAGE.toString())
        .post(RequestBody.create(query.toWire(), DNS_MESSAGE))
        .build();
    try (Response response = c.newCall(request).execute()) {
      assertEquals(200, response.code());
      assertEquals(DNS_MESSAGE.toString(), response.header("Content-Type"));
      return new Message(response.body().bytes());
    }
  }

  @Test
  void urlNamesTheServerByIp() {
    assertEquals("https://" + doh.address().getAddress().getHostAddress() + ":" + doh.port() + "/dns-query",
        doh.url());
  }

  @Test
  void answersPost() throws IOException {
    zone.answer("example.kz", "127.0.1.50");
    Message query = DnsWire.query("example.kz", Type.A);
    query.getHeader().setID(0); // RFC 8484 clients send ID 0
    Message reply = post(client, query);
    assertEquals(0, reply.getHeader().getID());
    assertEquals(Rcode.NOERROR, reply.getRcode());
    assertEquals("127.0.1.50", reply.getSection(Section.ANSWER).get(0).rdataToString());
    assertEquals(1, doh.queryCount("example.kz"));
  }

  @Test
  void answersGetWithBase64UrlWithoutPadding() throws IOException {
    zone.nxdomain("gone.kz");
    String dns = Base64.getUrlEncoder().withoutPadding().encodeToString(DnsWire.query("gone.kz", Type.A).toWire());
    Request request = new Request.Builder().url(doh.httpUrl().newBuilder().addQueryParameter("dns", dns).build())
        .header("Accept", DNS_MESSAGE.toString())
        .build();
    try (Response response = client.newCall(request).execute()) {
      assertEquals(200, response.code());
      assertEquals(Rcode.NXDOMAIN, new Message(response.body().bytes()).getRcode());
    }
  }

  @Test
  void sharesItsZoneWithAPlainResolverButNeverInjects() throws IOException {
    zone.answer("blocked.kz", "127.0.1.70").inject("blocked.kz", "10.10.34.35");
    try (FakeDnsServer plain = new FakeDnsServer(LoopbackAddresses.next(), zone)) {
      Message reply = post(client, DnsWire.query("blocked.kz", Type.A));
      assertEquals(List.of("127.0.1.70"),
          reply.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).toList());
      assertEquals(2, DnsWire.udpAll(plain.address(), DnsWire.query("blocked.kz", Type.A),
          Duration.ofSeconds(2)).size(), "both UDP replies are in within a generous window");
    }
  }

  @Test
  void silentNamesStallTheResponse() {
    zone.silent("quiet.kz");
    OkHttpClient impatient = client.newBuilder().readTimeout(Duration.ofMillis(300)).build();
    assertThrows(InterruptedIOException.class, () -> post(impatient, DnsWire.query("quiet.kz", Type.A)));
    assertEquals(1, doh.queryCount("quiet.kz"));
  }

  @Test
  void rejectsMalformedRequests() throws IOException {
    Request wrongType = new Request.Builder().url(doh.url())
        .post(RequestBody.create("hello", MediaType.get("text/plain"))).build();
    try (Response response = client.newCall(wrongType).execute()) {
      assertEquals(415, response.code());
    }
    Request noParam = new Request.Builder().url(doh.url()).build();
    try (Response response = client.newCall(noParam).execute()) {
      assertEquals(400, response.code());
    }
  }

  @Test
  void clientsThatDoNotTrustTheTestRootFail() {
    OkHttpClient stranger = TestClients.okHttp(new TestPki().clientTrustingRoot(), Map.of());
    try {
      // Same root name, different key: the JDK reports "signature check failed", which is still a PKIX failure
      // (JDK 25 puts the alert, "(bad_certificate) ", before the message).
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
          () -> post(stranger, DnsWire.query("example.kz", Type.A)));
      assertTrue(e.getMessage().contains("PKIX path"), e.getMessage());
    } finally {
      TestClients.shutdown(stranger);
    }
  }
}
