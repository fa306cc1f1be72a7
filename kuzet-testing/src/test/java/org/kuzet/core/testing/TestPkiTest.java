package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.Certificates;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestPkiTest {
  private static final String HOST = "site.kz";

  private final TestPki pki = new TestPki();
  private final InetAddress ip = LoopbackAddresses.next();
  private final OkHttpClient client = TestClients.okHttp(pki.clientTrustingRoot(), Map.of(HOST, ip));
  private MockWebServer site;

  @AfterEach
  void close() {
    TestClients.shutdown(client);
    if (site != null) {
      site.close();
    }
  }

  private Response get(HandshakeCertificates certs) throws IOException {
    site = TlsSites.https(ip, certs);
    site.enqueue(new MockResponse.Builder().body("hello").build());
    return client.newCall(new Request.Builder().url(TlsSites.httpsUrl(site, HOST, "/")).build()).execute();
  }

  @Test
  void validCertificateIsAccepted() throws IOException {
    try (Response response = get(pki.serverCertificate(HOST))) {
      assertEquals("hello", response.body().string());
      assertEquals(pki.rootCertificate().getSubjectX500Principal(),
          ((X509Certificate) response.handshake().peerCertificates().get(0))
              .getIssuerX500Principal());
    }
  }

  @Test
  void ipLiteralsBecomeIpSans() throws IOException {
    site = TlsSites.https(ip, pki.serverCertificate(ip.getHostAddress()));
    site.enqueue(new MockResponse.Builder().body("by ip").build());
    try (Response response = client.newCall(new Request.Builder()
        .url(TlsSites.httpsUrl(site, ip.getHostAddress(), "/")).build()).execute()) {
      assertEquals("by ip", response.body().string());
    }
  }

  @Test
  void expiredCertificateIsRejected() {
    SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(pki.expired(HOST)));
    assertTrue(causes(e).stream().anyMatch(c -> c instanceof CertificateExpiredException), e.toString());
  }

  @Test
  void wrongHostPassesTheChainButFailsHostnameVerification() {
    SSLPeerUnverifiedException e = assertThrows(SSLPeerUnverifiedException.class, () -> get(pki.wrongHost(HOST)));
    assertTrue(e.getMessage().contains("Hostname " + HOST + " not verified"), e.getMessage());
    assertTrue(e.getMessage().contains(TestPki.WRONG_HOST), e.getMessage());
  }

  @Test
  void untrustedRootIsRejected() {
    SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(pki.untrusted(HOST)));
    assertTrue(e.getMessage().contains("unable to find valid certification path"), e.getMessage());
  }

  @Test
  void selfSignedIsRejected() {
    assertThrows(SSLHandshakeException.class, () -> get(pki.selfSigned(HOST)));
  }

  @Test
  void rootPemIsTheRoot() {
    assertEquals(pki.rootCertificate(), Certificates.decodeCertificatePem(pki.rootPem()));
    assertEquals("CN=" + TestPki.ROOT_NAME, pki.rootCertificate().getSubjectX500Principal().getName());
    assertTrue(pki.rootCertificate().getBasicConstraints() >= 0, "the root is a CA");
  }

  static List<Throwable> causes(Throwable t) {
    List<Throwable> out = new ArrayList<>();
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
  }
}
