package org.kuzet.core.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;

/**
 * OkHttp clients for the harness's own tests: no retries, names resolved from a map, generous timeouts (an answer
 * that must come may be slow on a loaded machine; a test that waits for a stall sets its own short timeout).
 */
final class TestClients {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private TestClients() {}

  /** Trusts only {@code trust}'s roots; resolves only the names in {@code hosts}; never touches real DNS. */
  static OkHttpClient okHttp(HandshakeCertificates trust, Map<String, InetAddress> hosts) {
    return new OkHttpClient.Builder()
        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .dns(host -> {
          InetAddress ip = hosts.get(host);
          if (ip == null) {
            throw new UnknownHostException(host + " is not in this test's world");
          }
          return List.of(ip);
        })
        .retryOnConnectionFailure(false)
        .connectTimeout(TIMEOUT)
        .readTimeout(TIMEOUT)
        .callTimeout(TIMEOUT.multipliedBy(2))
        .build();
  }

  /** Stops OkHttp's dispatcher threads and drops pooled connections, so servers can close promptly. */
  static void shutdown(OkHttpClient client) {
    client.dispatcher().executorService().shutdownNow();
    client.connectionPool().evictAll();
  }
}
