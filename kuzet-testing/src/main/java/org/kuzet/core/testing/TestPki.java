package org.kuzet.core.testing;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * The test world's legitimate web PKI: one root ("kuzet test root") that the probe under test is told to trust,
 * and server certificates issued by it, good and bad. Every call makes a fresh key (ECDSA P-256, fast), so
 * nothing is shared between tests. Interception certificates come from {@link InterceptionCa} instead, whose
 * root the probe does <em>not</em> trust.
 *
 * <p>Each {@code HandshakeCertificates} returned for a server carries leaf and root, ready for
 * {@code MockWebServer.useHttps(certs.sslSocketFactory())} or {@link FaultServer#startTls}.
 */
public final class TestPki {
  public static final String ROOT_NAME = "kuzet test root";
  /** Where {@link #wrongHost} certificates point: a name no test resolves (RFC 6761 .invalid). */
  public static final String WRONG_HOST = "wrong-host.kuzet.invalid";
  private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

  private final HeldCertificate root;

  public TestPki() {
    this.root = new HeldCertificate.Builder()
        .commonName(ROOT_NAME)
        .certificateAuthority(1)
        .duration(30, TimeUnit.DAYS)
        .build();
  }

  public HeldCertificate root() {
    return root;
  }

  /** The root to hand to the probe under test (e.g. {@code TrustRoots.of(List.of(pki.rootCertificate()))}). */
  public X509Certificate rootCertificate() {
    return root.certificate();
  }

  public String rootPem() {
    return root.certificatePem();
  }

  /** A valid leaf issued by the root for these hostnames and/or IP literals (all become SANs). */
  public HeldCertificate issue(String... hostnames) {
    return leaf(hostnames).signedBy(root).build();
  }

  /** A server presenting a valid certificate for {@code hostnames}. */
  public HandshakeCertificates serverCertificate(String... hostnames) {
    return serve(issue(hostnames));
  }

  /** Issued by the trusted root for the right names, but expired yesterday. */
  public HandshakeCertificates expired(String... hostnames) {
    long now = System.currentTimeMillis();
    return serve(leaf(hostnames).validityInterval(now - 2 * DAY_MILLIS, now - DAY_MILLIS).signedBy(root).build());
  }

  /**
   * Issued by the trusted root and in date, but for {@link #WRONG_HOST} instead of {@code hostnames}: chain
   * validation passes and only hostname verification fails, as with a blockpage server's own certificate.
   */
  public HandshakeCertificates wrongHost(String... hostnames) {
    for (String h : hostnames) {
      if (h.equalsIgnoreCase(WRONG_HOST)) {
        throw new IllegalArgumentException(WRONG_HOST + " is the name wrongHost certificates are issued for");
      }
    }
    return serverCertificate(WRONG_HOST);
  }

  /** For the right names and in date, but issued by a root nobody trusts ("kuzet untrusted root"). */
  public HandshakeCertificates untrusted(String... hostnames) {
    HeldCertificate unknownRoot = new HeldCertificate.Builder()
        .commonName("kuzet untrusted root")
        .certificateAuthority(0)
        .build();
    HeldCertificate leaf = leaf(hostnames).signedBy(unknownRoot).build();
    return new HandshakeCertificates.Builder().heldCertificate(leaf, unknownRoot.certificate()).build();
  }

  /** A self-signed certificate for the right names, as cheap middleboxes and misconfigured servers present. */
  public HandshakeCertificates selfSigned(String... hostnames) {
    return new HandshakeCertificates.Builder().heldCertificate(leaf(hostnames).build()).build();
  }

  /** Client side: trusts this root and nothing else (not even the platform's roots). */
  public HandshakeCertificates clientTrustingRoot() {
    return new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
  }

  /** Server side for a leaf this root issued: sends leaf then root, as many real servers do. */
  public HandshakeCertificates serve(HeldCertificate leaf) {
    return new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build();
  }

  private static HeldCertificate.Builder leaf(String... hostnames) {
    if (hostnames.length == 0) {
      throw new IllegalArgumentException("a server certificate needs at least one hostname or IP");
    }
    HeldCertificate.Builder b = new HeldCertificate.Builder().commonName(hostnames[0]).duration(1, TimeUnit.DAYS);
    for (String h : hostnames) {
      b.addSubjectAlternativeName(h); // okhttp-tls writes IP literals as iPAddress SANs, names as dNSName
    }
    return b;
  }
}
