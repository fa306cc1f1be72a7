package org.kuzet.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import mockwebserver3.MockWebServer;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.RecordingListener;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TickingClock;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.TlsHandshake;

/**
 * TLS handshakes with SNI = the URL's host, against loopback servers presenting good and bad chains or
 * misbehaving mid-handshake. The step completes handshakes with untrusted chains on purpose (the chain is the
 * evidence), so for certificate problems the protocol and cipher are recorded too.
 */
class TlsStepTest {
  private static final String HOST = "example.kz";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STALL = Duration.ofMillis(300);

  private final TestPki pki = new TestPki();
  private final TrustRoots testRoots = TrustRoots.bundled().plus(List.of(pki.rootCertificate()));
  private final RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  private InetSocketAddress site(HandshakeCertificates certs) {
    MockWebServer server = TlsSites.https(certs);
    servers.add(server);
    return server.getSocketAddress();
  }

  private InetSocketAddress fault(FaultServer.Fault fault) {
    FaultServer server = new FaultServer().start(fault);
    servers.add(server);
    return server.address();
  }

  /** The TCP connection the handshake runs over: a plain blocking socket here, the selector's in the subclass. */
  Socket connect(InetSocketAddress address) throws IOException {
    Socket tcp = new Socket();
    tcp.connect(address, 5000);
    return tcp;
  }

  private TlsHandshake handshake(InetSocketAddress address, String serverName, TrustRoots roots, Duration timeout)
      throws IOException {
    Socket tcp = connect(address);
    return new TlsStep(timeout, roots, new StepClock(new TickingClock()), events).handshake(tcp, serverName);
  }

  private TlsHandshake handshake(InetSocketAddress address, TrustRoots roots) throws IOException {
    return handshake(address, HOST, roots, TIMEOUT);
  }

  private static List<String> base64(X509Certificate... chain) throws Exception {
    List<String> out = new ArrayList<>();
    for (X509Certificate c : chain) {
      out.add(java.util.Base64.getEncoder().encodeToString(c.getEncoded()));
    }
    return out;
  }

  private static List<String> recorded(TlsHandshake hs) {
    return hs.peerCertificates().stream().map(TlsHandshake.PeerCertificate::data).toList();
  }

  private static X509Certificate parse(TlsHandshake.PeerCertificate c) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(c.der()));
  }

  @Test
  void validChainRecordsProtocolCipherAlpnAndChain() throws Exception {
    HeldCertificate leaf = pki.issue(HOST);
    InetSocketAddress address = site(pki.serve(leaf));
    TlsHandshake hs = handshake(address, testRoots);
    assertNull(hs.failure());
    assertEquals(address.getAddress().getHostAddress() + ":" + address.getPort(), hs.address());
    assertEquals(HOST, hs.serverName());
    assertEquals("TLSv1.3", hs.tlsVersion());
    assertTrue(hs.cipherSuite().startsWith("TLS_"), hs.cipherSuite());
    assertEquals("h2", hs.negotiatedProtocol(), "MockWebServer offers h2 first");
    assertEquals(base64(leaf.certificate(), pki.rootCertificate()), recorded(hs));
    assertEquals(false, hs.noTlsVerify());
    assertTrue(hs.t0() < hs.t());
  }

  @Test
  void alpnRecordsWhatTheServerChose() throws Exception {
    MockWebServer server = new MockWebServer();
    server.setProtocols(List.of(Protocol.HTTP_1_1));
    server.useHttps(pki.serverCertificate(HOST).sslSocketFactory());
    server.start(LoopbackAddresses.next(), 0);
    servers.add(server);
    assertEquals("http/1.1", handshake(server.getSocketAddress(), testRoots).negotiatedProtocol());
  }

  @Test
  void sendsTheUrlHostAsSni() throws Exception {
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(pki.serverCertificate(HOST))) {
      TlsHandshake hs = handshake(server.address(), testRoots);
      assertNull(hs.failure());
      assertEquals(List.of(new SNIHostName(HOST)), server.serverNames.get(5, TimeUnit.SECONDS));
      assertEquals("", hs.negotiatedProtocol(), "a server without ALPN negotiates nothing");
    }
  }

  @Test
  void ipLiteralHostSendsNoSniAndValidatesTheIpSan() throws Exception {
    var ip = LoopbackAddresses.next();
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(ip, pki.serverCertificate(ip.getHostAddress()))) {
      TlsHandshake hs = handshake(server.address(), ip.getHostAddress(), testRoots, TIMEOUT);
      assertNull(hs.failure());
      assertEquals(List.of(), server.serverNames.get(5, TimeUnit.SECONDS), "RFC 6066: no IP literals in SNI");
    }
  }

  @Test
  void extraRootsFromAPemFileAreTrusted(@TempDir Path dir) throws Exception {
    Path pem = dir.resolve("extra-roots.pem");
    Files.writeString(pem, pki.rootPem(), StandardCharsets.US_ASCII);
    TrustRoots roots = TrustRoots.bundled().plusPemFiles(List.of(pem));
    assertNull(handshake(site(pki.serverCertificate(HOST)), roots).failure());
  }

  @Test
  void bundledRootsAloneDoNotKnowThePrivateRoot() throws Exception {
    TlsHandshake hs = handshake(site(pki.serverCertificate(HOST)), TrustRoots.bundled());
    assertEquals("ssl_unknown_authority", hs.failure());
    assertEquals("TLSv1.3", hs.tlsVersion(), "the handshake completed; only validation failed");
    assertEquals(2, hs.peerCertificates().size());
  }

  @Test
  void expiredCertificateIsInvalidCertificate() throws Exception {
    TlsHandshake hs = handshake(site(pki.expired(HOST)), testRoots);
    assertEquals("ssl_invalid_certificate", hs.failure());
    assertNotNull(hs.tlsVersion());
    assertEquals(2, hs.peerCertificates().size());
  }

  @Test
  void certificateForAnotherHostIsInvalidHostname() throws Exception {
    TlsHandshake hs = handshake(site(pki.wrongHost(HOST)), testRoots);
    assertEquals("ssl_invalid_hostname", hs.failure());
    assertEquals(TestPki.WRONG_HOST, parse(hs.peerCertificates().get(0)).getSubjectAlternativeNames().iterator()
        .next().get(1));
  }

  @Test
  void sniDecidesTheHostnameCheck() throws Exception {
    InetSocketAddress address = site(pki.serverCertificate(HOST));
    assertNull(handshake(address, HOST, testRoots, TIMEOUT).failure());
    assertEquals("ssl_invalid_hostname", handshake(address, "blocked.kz", testRoots, TIMEOUT).failure());
  }

  @Test
  void untrustedIssuerIsUnknownAuthority() throws Exception {
    assertEquals("ssl_unknown_authority", handshake(site(pki.untrusted(HOST)), testRoots).failure());
  }

  @Test
  void selfSignedIsUnknownAuthority() throws Exception {
    TlsHandshake hs = handshake(site(pki.selfSigned(HOST)), testRoots);
    assertEquals("ssl_unknown_authority", hs.failure());
    assertEquals(1, hs.peerCertificates().size());
  }

  @Test
  void interceptedChainIsRecordedExactlyAsSent() throws Exception {
    InterceptionCa ca = new InterceptionCa();
    HeldCertificate realLeaf = pki.issue(HOST, "www." + HOST);
    HeldCertificate forged = ca.forgeLeaf(realLeaf.certificate());
    TlsHandshake hs = handshake(site(ca.serve(forged)), testRoots);
    assertEquals("ssl_unknown_authority", hs.failure());
    assertEquals(base64(forged.certificate(), ca.intermediateCertificate(), ca.rootCertificate()), recorded(hs));
    X509Certificate leaf = parse(hs.peerCertificates().get(0));
    assertEquals(realLeaf.certificate().getSubjectX500Principal(), leaf.getSubjectX500Principal(),
        "the forged leaf copies the real subject; only the issuer gives it away");
    assertEquals(ca.intermediateCertificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
  }

  /**
   * A volunteer who installed the interception root (Kazakhstan asked citizens to) has it in the JVM's trust
   * store; kuzet must still call the chain untrusted.
   */
  @Test
  void validationIgnoresTheJvmTrustStore(@TempDir Path dir) throws Exception {
    InterceptionCa ca = new InterceptionCa();
    Path store = dir.resolve("volunteer-cacerts.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("national-security-certificate", ca.rootCertificate());
    try (OutputStream out = Files.newOutputStream(store)) {
      ks.store(out, "changeit".toCharArray());
    }
    String[] keys = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};
    String[] saved = Arrays.stream(keys).map(System::getProperty).toArray(String[]::new);
    try {
      System.setProperty(keys[0], store.toString());
      System.setProperty(keys[1], "changeit");
      System.setProperty(keys[2], "PKCS12");
      TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jvm.init((KeyStore) null);
      Certificate[] jvmRoots = ((X509TrustManager) jvm.getTrustManagers()[0]).getAcceptedIssuers();
      assertEquals(List.of(ca.rootCertificate()), List.of(jvmRoots), "precondition: the JVM trusts the interceptor");

      TlsHandshake hs = handshake(site(ca.forge(pki.issue(HOST).certificate())), TrustRoots.bundled());
      assertEquals("ssl_unknown_authority", hs.failure());
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (saved[i] == null) {
          System.clearProperty(keys[i]);
        } else {
          System.setProperty(keys[i], saved[i]);
        }
      }
    }
  }

  @Test
  void resetAfterClientHelloIsConnectionReset() throws Exception {
    TlsHandshake hs = handshake(fault(FaultServer.Fault.RESET_ON_FIRST_BYTES), testRoots);
    assertEquals("connection_reset", hs.failure());
    assertNull(hs.tlsVersion());
    assertEquals(List.of(), hs.peerCertificates());
  }

  @Test
  void closeAfterClientHelloIsEof() throws Exception {
    TlsHandshake hs = handshake(fault(FaultServer.Fault.CLOSE_ON_FIRST_BYTES), testRoots);
    assertEquals("eof_error", hs.failure());
    assertNull(hs.tlsVersion());
  }

  @Test
  void closeRightAfterAcceptIsEof() throws Exception {
    assertEquals("eof_error", handshake(fault(FaultServer.Fault.CLOSE_ON_ACCEPT), testRoots).failure());
  }

  @Test
  void stallAfterClientHelloIsTimeout() throws Exception {
    TlsHandshake hs = handshake(fault(FaultServer.Fault.STALL_AFTER_FIRST_BYTES), HOST, testRoots, STALL);
    assertEquals("generic_timeout_error", hs.failure());
    assertNull(hs.tlsVersion());
  }

  @Test
  void serverThatNeverReadsIsTimeout() throws Exception {
    assertEquals("generic_timeout_error",
        handshake(fault(FaultServer.Fault.HOLD), HOST, testRoots, STALL).failure());
  }

  @Test
  void eachHandshakeIsOneStartAndOneEndEvent() throws Exception {
    InetSocketAddress address = site(pki.expired(HOST));
    handshake(address, testRoots);
    String endpoint = address.getAddress().getHostAddress() + ":" + address.getPort();
    assertEquals(List.of("tlsStart " + endpoint + " " + HOST, "tlsEnd " + endpoint + " ssl_invalid_certificate"),
        events.events());
  }

  /** Completes one TLS handshake without ALPN and reports the SNI names the client sent. */
  private static final class HandshakeOnlyServer implements AutoCloseable {
    final CompletableFuture<List<SNIServerName>> serverNames = new CompletableFuture<>();
    private final SSLServerSocket listener;

    HandshakeOnlyServer(HandshakeCertificates certs) throws IOException {
      this(LoopbackAddresses.next(), certs);
    }

    HandshakeOnlyServer(java.net.InetAddress ip, HandshakeCertificates certs) throws IOException {
      listener = (SSLServerSocket) certs.sslContext().getServerSocketFactory().createServerSocket();
      listener.bind(new InetSocketAddress(ip, 0));
      Thread t = new Thread(this::serveOne, "kuzet-test tls-server");
      t.setDaemon(true);
      t.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    private void serveOne() {
      try (SSLSocket s = (SSLSocket) listener.accept()) {
        s.startHandshake();
        serverNames.complete(((ExtendedSSLSession) s.getSession()).getRequestedServerNames());
        InputStream in = s.getInputStream();
        while (in.read() != -1) {
          // until the client closes
        }
      } catch (IOException e) {
        serverNames.completeExceptionally(e);
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
