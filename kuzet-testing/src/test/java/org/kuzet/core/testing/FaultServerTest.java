package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.FaultServer.Fault;

class FaultServerTest {
  // How long a test waits to see that nothing happens (the silence is the point, so short is fine); every wait for
  // something that must happen is GENEROUS, so a loaded machine never turns an answer into a timeout.
  private static final int PATIENCE_MILLIS = 300;
  private static final int GENEROUS_MILLIS = 20_000;
  private static final byte[] REQUEST =
      "GET / HTTP/1.1\r\nHost: blocked.kz\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final FaultServer server = new FaultServer();
  private final TestPki pki = new TestPki();
  private Socket client;

  @AfterEach
  void close() throws IOException {
    if (client != null) {
      client.close();
    }
    server.close();
    assertEquals(List.of(), Workers.liveThreads());
  }

  private InputStream connect(Fault fault) throws IOException {
    server.start(fault);
    client = new Socket();
    client.connect(server.address(), GENEROUS_MILLIS);
    client.setSoTimeout(GENEROUS_MILLIS);
    return client.getInputStream();
  }

  /** Nothing arrives for a while (the patience is the point, so it is short), then reads wait generously again. */
  private void assertSilent(InputStream in, String why) throws IOException {
    client.setSoTimeout(PATIENCE_MILLIS);
    assertThrows(SocketTimeoutException.class, () -> in.read(), why);
    client.setSoTimeout(GENEROUS_MILLIS);
  }

  private void send(byte[] bytes) throws IOException {
    OutputStream out = client.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  @Test
  void resetOnAccept() throws IOException {
    InputStream in = connect(Fault.RESET_ON_ACCEPT);
    client.setSoTimeout(GENEROUS_MILLIS);
    SocketException e = assertThrows(SocketException.class, () -> in.read());
    assertEquals("Connection reset", e.getMessage());
  }

  @Test
  void closeOnAccept() throws IOException {
    InputStream in = connect(Fault.CLOSE_ON_ACCEPT);
    client.setSoTimeout(GENEROUS_MILLIS);
    assertEquals(-1, in.read());
  }

  @Test
  void resetOnFirstBytesWaitsForTheClientThenResets() throws IOException {
    InputStream in = connect(Fault.RESET_ON_FIRST_BYTES);
    assertSilent(in, "nothing happens before the client speaks");
    send(REQUEST);
    client.setSoTimeout(GENEROUS_MILLIS);
    SocketException e = assertThrows(SocketException.class, () -> in.read());
    assertEquals("Connection reset", e.getMessage());
  }

  @Test
  void closeOnFirstBytesWaitsForTheClientThenCloses() throws IOException {
    InputStream in = connect(Fault.CLOSE_ON_FIRST_BYTES);
    assertSilent(in, "nothing happens before the client speaks");
    send(REQUEST);
    client.setSoTimeout(GENEROUS_MILLIS);
    assertEquals(-1, in.read());
  }

  @Test
  void stallAfterFirstBytesNeverAnswers() throws IOException {
    InputStream in = connect(Fault.STALL_AFTER_FIRST_BYTES);
    send(REQUEST);
    send(new byte[64 * 1024]); // the server keeps reading, so writes never block
    client.setSoTimeout(PATIENCE_MILLIS);
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> in.read());
    assertEquals("Read timed out", e.getMessage());
  }

  @Test
  void holdAcceptsAndDoesNothing() throws IOException {
    InputStream in = connect(Fault.HOLD);
    send(REQUEST);
    assertSilent(in, "a held connection never answers");
    assertEquals(1, server.acceptCount());
  }

  // A TLS client against raw faults: what SNI filtering looks like to the probe.

  private SSLSocket tlsClient(Fault fault) throws IOException {
    server.start(fault);
    client = new Socket();
    client.connect(server.address(), GENEROUS_MILLIS);
    client.setSoTimeout(fault == Fault.STALL_AFTER_FIRST_BYTES ? PATIENCE_MILLIS : GENEROUS_MILLIS);
    SSLSocket tls = (SSLSocket) pki.clientTrustingRoot().sslSocketFactory()
        .createSocket(client, "blocked.kz", server.port(), true);
    client = tls;
    return tls;
  }

  @Test
  void resetAfterClientHello() throws IOException {
    SSLSocket tls = tlsClient(Fault.RESET_ON_FIRST_BYTES);
    tls.setSoTimeout(2000);
    // The JDK does not wrap this one: startHandshake throws the plain SocketException.
    SocketException e = assertThrows(SocketException.class, tls::startHandshake);
    assertEquals("Connection reset", e.getMessage());
  }

  @Test
  void eofAfterClientHello() throws IOException {
    SSLSocket tls = tlsClient(Fault.CLOSE_ON_FIRST_BYTES);
    tls.setSoTimeout(2000);
    SSLHandshakeException e = assertThrows(SSLHandshakeException.class, tls::startHandshake);
    assertEquals("Remote host terminated the handshake", e.getMessage());
  }

  @Test
  void timeoutAfterClientHello() throws IOException {
    SSLSocket tls = tlsClient(Fault.STALL_AFTER_FIRST_BYTES);
    assertThrows(SocketTimeoutException.class, tls::startHandshake);
  }

  // Faults inside a completed TLS handshake: what an HTTP-level reset or stall looks like.

  private Response fetch(Fault fault) throws IOException {
    HandshakeCertificates certs = pki.serverCertificate("blocked.kz");
    server.startTls(certs, fault);
    InetAddress ip = server.address().getAddress();
    OkHttpClient http = TestClients.okHttp(pki.clientTrustingRoot(), Map.of("blocked.kz", ip)).newBuilder()
        .readTimeout(Duration.ofMillis(fault == Fault.STALL_AFTER_FIRST_BYTES ? PATIENCE_MILLIS : GENEROUS_MILLIS))
        .build();
    try {
      return http.newCall(new Request.Builder()
          .url("https://blocked.kz:" + server.port() + "/").build()).execute();
    } finally {
      TestClients.shutdown(http);
    }
  }

  @Test
  void tlsThenResetOnRequest() {
    IOException e = assertThrows(IOException.class, () -> fetch(Fault.RESET_ON_FIRST_BYTES).close());
    assertTrue(e.getMessage().contains("Connection reset") || e.getMessage().contains("unexpected end of stream"),
        e.toString());
  }

  @Test
  void tlsThenCloseOnRequest() {
    IOException e = assertThrows(IOException.class, () -> fetch(Fault.CLOSE_ON_FIRST_BYTES).close());
    assertTrue(e.getMessage().contains("unexpected end of stream"), e.toString());
  }

  @Test
  void tlsThenStall() {
    IOException e = assertThrows(IOException.class, () -> fetch(Fault.STALL_AFTER_FIRST_BYTES).close());
    assertTrue(e instanceof SocketTimeoutException || e.getMessage().contains("timeout"), e.toString());
  }

  @Test
  void closeReleasesHeldConnections() throws IOException {
    InputStream in = connect(Fault.HOLD);
    // Wait for the accept: closing a listener resets connections still in its queue, which is another story.
    for (long deadline = System.currentTimeMillis() + GENEROUS_MILLIS; server.acceptCount() == 0; ) {
      assertTrue(System.currentTimeMillis() < deadline, "never accepted");
      Thread.onSpinWait();
    }
    server.close();
    client.setSoTimeout(GENEROUS_MILLIS);
    assertEquals(-1, in.read(), "closing the server closes its connections");
    assertEquals(List.of(), Workers.liveThreads());
  }

  @Test
  void cannotStartTwice() {
    server.start(Fault.HOLD);
    assertThrows(IllegalStateException.class, () -> server.start(Fault.HOLD));
  }
}
