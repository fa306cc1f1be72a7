package org.kuzet.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.testing.TlsSites;

/**
 * The backstop under OkHttp: whatever host spelling OkHttp accepted and whatever address it decided on, a
 * connection to a non-public address is refused before a packet is sent, and recorded as the policy's refusal.
 */
class PolicySocketFactoryTest {
  @Test
  void okHttpCannotReachANonPublicAddressWhateverTheSpelling() throws IOException {
    try (ServerSocket trap = new ServerSocket()) {
      trap.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
      OkHttpClient client = new OkHttpClient.Builder().socketFactory(new PolicySocketFactory(AddressPolicy.STANDARD))
          .retryOnConnectionFailure(false).build();
      // OkHttp takes an all-digits host for an IP literal and connects to InetAddress.getByName's reading of it.
      for (String host : List.of("127.0.0.1", "2130706433", "127.1", "[::ffff:127.0.0.1]")) {
        IOException e = assertThrows(IOException.class, () -> client.newCall(new Request.Builder()
            .url("http://" + host + ":" + trap.getLocalPort() + "/").build()).execute().close(), host);
        assertEquals("unknown_failure: address_refused: 127.0.0.1 is not a public address; not connected to",
            FailureClassifier.classify(e), host);
      }
      trap.setSoTimeout(1);
      assertThrows(java.net.SocketTimeoutException.class, trap::accept, "no connection reached the trap");
    }
  }

  @Test
  void aPublicRangeOfTheTestWorldIsReachable() throws IOException {
    try (MockWebServer site = TlsSites.http()) {
      site.enqueue(new MockResponse.Builder().body("ok").build());
      OkHttpClient client = new OkHttpClient.Builder().socketFactory(new PolicySocketFactory(
          AddressPolicy.publicRanges(List.of(Cidr.parse("127.0.0.0/8"))))).build();
      try (Response r = client.newCall(new Request.Builder().url("http://"
          + site.getSocketAddress().getAddress().getHostAddress() + ":" + site.getPort() + "/").build()).execute()) {
        assertEquals("ok", r.body().string());
      }
    }
  }
}
