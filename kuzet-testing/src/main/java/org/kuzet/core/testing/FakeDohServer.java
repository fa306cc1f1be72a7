package org.kuzet.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.Buffer;
import org.xbill.DNS.Message;

/**
 * A DNS-over-HTTPS resolver (RFC 8484) on a loopback address: POST with an {@code application/dns-message}
 * body, or GET with {@code ?dns=} base64url, answered from a {@link DnsZone}, usually the same one a
 * {@link FakeDnsServer} uses so both resolvers agree unless a test wants them not to. The certificate is issued by
 * a {@link TestPki} for the server's IP (and any extra hostnames); {@link #url()} names the server by IP so no
 * DNS is needed to reach it. A silent name stalls the HTTP response.
 */
public final class FakeDohServer implements AutoCloseable {
  public static final String PATH = "/dns-query";
  private static final String DNS_MESSAGE = "application/dns-message";

  private final DnsZone zone;
  private final QueryCounts counts = new QueryCounts();
  private final MockWebServer server;

  /** On the next free loopback address, with a fresh zone. */
  public FakeDohServer(TestPki pki) {
    this(LoopbackAddresses.next(), new DnsZone(), pki);
  }

  public FakeDohServer(DnsZone zone, TestPki pki, String... hostnames) {
    this(LoopbackAddresses.next(), zone, pki, hostnames);
  }

  /** {@code hostnames} are extra SANs, for tests that reach the server by name (e.g. "dns.kuzet.test"). */
  public FakeDohServer(InetAddress address, DnsZone zone, TestPki pki, String... hostnames) {
    this.zone = zone;
    String[] names = new String[hostnames.length + 1];
    names[0] = address.getHostAddress();
    System.arraycopy(hostnames, 0, names, 1, hostnames.length);
    this.server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(request);
      }
    });
    server.useHttps(pki.serverCertificate(names).sslSocketFactory());
    try {
      server.start(address, 0);
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException("cannot start DoH server on " + address.getHostAddress(), e);
    }
  }

  public DnsZone zone() {
    return zone;
  }

  /** {@code https://<ip>:<port>/dns-query}. */
  public String url() {
    return TlsSites.httpsUrl(server, server.getSocketAddress().getAddress().getHostAddress(), PATH).toString();
  }

  /** {@link #url()} as an HttpUrl, e.g. to add a {@code ?dns=} parameter. */
  public HttpUrl httpUrl() {
    return HttpUrl.get(url());
  }

  public InetSocketAddress address() {
    return server.getSocketAddress();
  }

  public int port() {
    return server.getPort();
  }

  /** DoH queries received for {@code name}, answered or not. */
  public int queryCount(String name) {
    return counts.get(name);
  }

  private MockResponse answer(RecordedRequest request) {
    if (!PATH.equals(request.getUrl().encodedPath())) {
      return status(404);
    }
    byte[] wire;
    if ("POST".equals(request.getMethod())) {
      String type = request.getHeaders().get("Content-Type");
      if (type == null || !type.startsWith(DNS_MESSAGE) || request.getBody() == null) {
        return status(415);
      }
      wire = request.getBody().toByteArray();
    } else if ("GET".equals(request.getMethod())) {
      String dns = request.getUrl().queryParameter("dns");
      if (dns == null) {
        return status(400);
      }
      try {
        wire = Base64.getUrlDecoder().decode(dns); // RFC 8484 §4.1: base64url, padding omitted
      } catch (IllegalArgumentException e) {
        return status(400);
      }
    } else {
      return status(405);
    }
    Message query = FakeDnsServer.parse(wire);
    if (query == null) {
      return status(400);
    }
    counts.record(query);
    List<Message> replies = zone.respond(query, DnsZone.Transport.DOH);
    if (replies.isEmpty()) {
      // Headers delayed "forever": MockWebServer sleeps only while the socket is open, so close() still ends it.
      return new MockResponse.Builder().headersDelay(1, TimeUnit.HOURS).build();
    }
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", DNS_MESSAGE)
        .setHeader("Cache-Control", "max-age=0")
        .body(new Buffer().write(replies.get(replies.size() - 1).toWire()))
        .build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
