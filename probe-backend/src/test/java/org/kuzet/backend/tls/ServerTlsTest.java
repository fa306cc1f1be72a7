package org.kuzet.backend.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TestUploads;

class ServerTlsTest {
  @TempDir Path dir;
  private final TestPki pki = new TestPki();

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void collectorServesHttpsFromPemFiles() throws Exception {
    HeldCertificate leaf = pki.issue("127.0.0.1");
    Path cert = write("fullchain.pem", leaf.certificatePem() + pki.rootPem());
    Path key = write("privkey.pem", leaf.privateKeyPkcs8Pem());

    try (SqliteCollectorStore store = SqliteCollectorStore.open(dir.resolve("c.db"));
         CollectorServer server = CollectorServer.builder(store).tls(ServerTls.fromPem(cert, key)).start()) {
      assertTrue(server.uploadUri().toString().startsWith("https://127.0.0.1:"));
      HttpClient client = HttpClient.newBuilder().sslContext(pki.clientTrustingRoot().sslContext()).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uploadUri())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(TestUploads.batch(TestUploads.signed("tls"))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(1, store.count());
    }
  }

  /** Over TLS a client that offers h2 gets HTTP/2 (uploads work the same); one that does not, HTTP/1.1. */
  @Test
  void speaksHttp2OverTlsToClientsThatAskForIt() throws Exception {
    HeldCertificate leaf = pki.issue("127.0.0.1");
    Path cert = write("fullchain.pem", leaf.certificatePem() + pki.rootPem());
    Path key = write("privkey.pem", leaf.privateKeyPkcs8Pem());
    try (SqliteCollectorStore store = SqliteCollectorStore.open(dir.resolve("c.db"));
         CollectorServer server = CollectorServer.builder(store).tls(ServerTls.fromPem(cert, key)).start()) {
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient client = HttpClient.newBuilder().version(version)
            .sslContext(pki.clientTrustingRoot().sslContext()).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uploadUri())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestUploads.batch(TestUploads.signed(
                "h-" + version)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(version, r.version());
      }
      assertEquals(HttpClient.Version.values().length, store.count());
    }
  }

  /**
   * Modern defaults: TLS 1.3 when the client has it, TLS 1.2 with AEAD ciphers and forward secrecy, and nothing
   * weaker (here: a CBC suite with a SHA-1 MAC, which a TLS 1.2 client still offers, is refused).
   */
  @Test
  void speaksOnlyModernTls() throws Exception {
    HeldCertificate leaf = pki.issue("127.0.0.1");
    Path cert = write("fullchain.pem", leaf.certificatePem() + pki.rootPem());
    Path key = write("privkey.pem", leaf.privateKeyPkcs8Pem());
    try (SqliteCollectorStore store = SqliteCollectorStore.open(dir.resolve("c.db"));
         CollectorServer server = CollectorServer.builder(store).tls(ServerTls.fromPem(cert, key)).start()) {
      javax.net.ssl.SSLSocketFactory client = pki.clientTrustingRoot().sslSocketFactory();
      assertEquals("TLSv1.3", handshake(client, server, null, null));
      assertEquals("TLSv1.2", handshake(client, server, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
      assertThrows(javax.net.ssl.SSLException.class,
          () -> handshake(client, server, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
    }
  }

  private static String handshake(javax.net.ssl.SSLSocketFactory factory, CollectorServer server, String protocol,
      String cipher) throws IOException {
    try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) factory.createSocket(
        server.address().getAddress(), server.address().getPort())) {
      s.setSoTimeout(30_000);
      if (protocol != null) {
        s.setEnabledProtocols(new String[] {protocol});
        s.setEnabledCipherSuites(new String[] {cipher});
      }
      s.startHandshake();
      return s.getSession().getProtocol();
    }
  }

  @Test
  void readsTraditionalRsaKeys() throws Exception {
    HeldCertificate leaf = new HeldCertificate.Builder().rsa2048().commonName("c")
        .addSubjectAlternativeName("127.0.0.1").signedBy(pki.root()).build();
    SSLContext ctx = ServerTls.fromPem(write("cert.pem", leaf.certificatePem()),
        write("key.pem", leaf.privateKeyPkcs1Pem()));
    assertEquals("TLS", ctx.getProtocol());
  }

  @Test
  void clearErrors() throws Exception {
    HeldCertificate leaf = pki.issue("127.0.0.1");
    HeldCertificate other = pki.issue("127.0.0.1");
    Path cert = write("cert.pem", leaf.certificatePem());

    assertMessage(() -> ServerTls.fromPem(cert, write("other.pem", other.privateKeyPkcs8Pem())),
        "does not belong to the first certificate");
    assertMessage(() -> ServerTls.fromPem(cert, dir.resolve("missing.pem")), "no such file");
    assertMessage(() -> ServerTls.fromPem(cert, write("empty.pem", "hello\n")),
        "no PEM private key");
    assertMessage(() -> ServerTls.fromPem(cert, cert), "not a private key");
    assertMessage(() -> ServerTls.fromPem(write("k.pem", leaf.privateKeyPkcs8Pem()),
        write("k2.pem", leaf.privateKeyPkcs8Pem())), "not a PEM certificate");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    IOException e = assertThrows(IOException.class, call);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
