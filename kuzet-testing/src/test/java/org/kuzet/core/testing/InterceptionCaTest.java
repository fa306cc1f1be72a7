package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InterceptionCaTest {
  private static final String HOST = "www.example.kz";

  private final TestPki pki = new TestPki();
  private final InterceptionCa ca = new InterceptionCa();
  private final HeldCertificate realLeaf = pki.issue(HOST, "example.kz", "127.0.1.99");
  private MockWebServer interceptor;

  @AfterEach
  void close() {
    if (interceptor != null) {
      interceptor.close();
    }
  }

  @Test
  void authorityHasTheGivenNames() {
    assertEquals("CN=Qaznet Trust Network,O=Qaznet Trust Network,C=KZ",
        ca.rootCertificate().getSubjectX500Principal().getName());
    assertEquals("CN=Security Certificate,C=KZ", ca.intermediateCertificate().getSubjectX500Principal().getName());
    assertEquals(ca.rootCertificate().getSubjectX500Principal(),
        ca.intermediateCertificate().getIssuerX500Principal());
  }

  @Test
  void forgedLeafCopiesSubjectAndSansWithAFreshKey() throws Exception {
    X509Certificate forged = ca.forgeLeaf(realLeaf.certificate()).certificate();
    X509Certificate real = realLeaf.certificate();
    assertEquals(real.getSubjectX500Principal(), forged.getSubjectX500Principal());
    assertEquals(List.copyOf(real.getSubjectAlternativeNames()), List.copyOf(forged.getSubjectAlternativeNames()));
    assertNotEquals(real.getPublicKey(), forged.getPublicKey());
    assertEquals(ca.intermediateCertificate().getSubjectX500Principal(), forged.getIssuerX500Principal());
    assertEquals(-1, forged.getBasicConstraints(), "a leaf, not a CA");
  }

  @Test
  void forgedChainValidatesToTheInterceptionRootOnly() throws Exception {
    X509Certificate forged = ca.forgeLeaf(realLeaf.certificate()).certificate();
    var path = CertificateFactory.getInstance("X.509")
        .generateCertPath(List.of(forged, ca.intermediateCertificate()));
    CertPathValidator validator = CertPathValidator.getInstance("PKIX");

    PKIXParameters intercepted = new PKIXParameters(Set.of(new TrustAnchor(ca.rootCertificate(), null)));
    intercepted.setRevocationEnabled(false);
    validator.validate(path, intercepted); // throws if the chain is broken

    PKIXParameters honest = new PKIXParameters(Set.of(new TrustAnchor(pki.rootCertificate(), null)));
    honest.setRevocationEnabled(false);
    assertThrows(CertPathValidatorException.class, () -> validator.validate(path, honest));
  }

  private Response fetchThroughInterceptor(OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url(TlsSites.httpsUrl(interceptor, HOST, "/")).build()).execute();
  }

  @Test
  void servedChainIsRejectedByAnHonestClientAndAcceptedByOneTrustingTheInterceptor() throws IOException {
    InetAddress ip = LoopbackAddresses.next();
    interceptor = TlsSites.https(ip, ca.forge(realLeaf.certificate()));
    interceptor.enqueue(new MockResponse.Builder().body("intercepted").build());

    OkHttpClient honest = TestClients.okHttp(pki.clientTrustingRoot(), Map.of(HOST, ip));
    try {
      assertThrows(SSLHandshakeException.class, () -> fetchThroughInterceptor(honest).close());
    } finally {
      TestClients.shutdown(honest);
    }

    OkHttpClient victim = TestClients.okHttp(ca.clientTrustingRoot(), Map.of(HOST, ip));
    try (Response response = fetchThroughInterceptor(victim)) {
      assertEquals("intercepted", response.body().string());
      List<?> chain = response.handshake().peerCertificates();
      assertEquals(3, chain.size(), "leaf, intermediate and root are all sent");
      assertEquals(realLeaf.certificate().getSubjectX500Principal(),
          ((X509Certificate) chain.get(0)).getSubjectX500Principal());
    } finally {
      TestClients.shutdown(victim);
    }
  }
}
