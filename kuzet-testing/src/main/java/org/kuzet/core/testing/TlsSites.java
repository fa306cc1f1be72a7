package org.kuzet.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.tls.HandshakeCertificates;

/**
 * Starts MockWebServers as the sites of a test world: each on its own loopback address, plain or HTTPS with a
 * given certificate (from {@link TestPki} for the real site, {@link InterceptionCa} for an interceptor).
 * The caller owns and closes the server.
 */
public final class TlsSites {
  private TlsSites() {}

  /** An HTTPS server on the next free loopback address. */
  public static MockWebServer https(HandshakeCertificates certificates) {
    return https(LoopbackAddresses.next(), certificates);
  }

  public static MockWebServer https(InetAddress address, HandshakeCertificates certificates) {
    MockWebServer server = new MockWebServer();
    server.useHttps(certificates.sslSocketFactory());
    return start(server, address);
  }

  /** A plain-HTTP server on the next free loopback address. */
  public static MockWebServer http() {
    return http(LoopbackAddresses.next());
  }

  public static MockWebServer http(InetAddress address) {
    return start(new MockWebServer(), address);
  }

  /**
   * {@code https://host:port/path} for a server, naming it by the hostname the probe will be asked to fetch
   * rather than by IP. (MockWebServer's own {@code url()} uses the address's reverse-DNS name, which on Debian
   * maps 127.0.1.1 to the machine's hostname.)
   */
  public static HttpUrl httpsUrl(MockWebServer server, String host, String path) {
    return url("https", server, host, path);
  }

  public static HttpUrl httpUrl(MockWebServer server, String host, String path) {
    return url("http", server, host, path);
  }

  private static HttpUrl url(String scheme, MockWebServer server, String host, String path) {
    return new HttpUrl.Builder()
        .scheme(scheme)
        .host(host)
        .port(server.getPort())
        .encodedPath(path.startsWith("/") ? path : "/" + path)
        .build();
  }

  private static MockWebServer start(MockWebServer server, InetAddress address) {
    try {
      server.start(address, 0);
      return server;
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException("cannot start MockWebServer on " + address.getHostAddress(), e);
    }
  }
}
