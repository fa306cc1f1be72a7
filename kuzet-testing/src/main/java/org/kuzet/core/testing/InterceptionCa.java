package org.kuzet.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS-interception authority like the one behind Kazakhstan's "national security certificate": a root with a
 * chosen DN, an intermediate, and {@link #forge} which mints a leaf that copies a real site's subject DN and
 * subjectAltNames verbatim, with a fresh key. A client that does not trust this root sees a chain that looks
 * right except for its issuer, which is exactly what the probe must detect and record.
 *
 * <p>Test-only: every instance generates its own keys. Bouncy Castle is used only to build certificates (okhttp-tls
 * cannot set C/O in a DN or copy extensions); signing and parsing go through the JDK's providers, and no
 * provider is registered globally.
 */
public final class InterceptionCa {
  public static final String DEFAULT_ROOT_DN = "C=KZ, O=Qaznet Trust Network, CN=Qaznet Trust Network";
  public static final String DEFAULT_INTERMEDIATE_DN = "C=KZ, CN=Security Certificate";
  private static final Duration CA_LIFETIME = Duration.ofDays(365);
  private static final Duration LEAF_LIFETIME = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HeldCertificate root;
  private final HeldCertificate intermediate;

  public InterceptionCa() {
    this(DEFAULT_ROOT_DN, DEFAULT_INTERMEDIATE_DN);
  }

  public InterceptionCa(String rootDn, String intermediateDn) {
    KeyPair rootKeys = newKeyPair();
    X500Name rootName = new X500Name(rootDn);
    this.root = new HeldCertificate(rootKeys, sign(ca(rootName, rootName, rootKeys.getPublic(), null, -1),
        rootKeys.getPrivate()));
    KeyPair intermediateKeys = newKeyPair();
    this.intermediate = new HeldCertificate(intermediateKeys, sign(ca(rootName, new X500Name(intermediateDn),
        intermediateKeys.getPublic(), root.certificate(), 0), rootKeys.getPrivate()));
  }

  public X509Certificate rootCertificate() {
    return root.certificate();
  }

  public String rootPem() {
    return root.certificatePem();
  }

  public X509Certificate intermediateCertificate() {
    return intermediate.certificate();
  }

  /**
   * A leaf with {@code realLeaf}'s subject DN and SAN extension (copied byte for byte, same criticality) and a
   * fresh key, issued by the intermediate and valid from an hour ago for 30 days, as interception boxes mint them
   * on the fly.
   */
  public HeldCertificate forgeLeaf(X509Certificate realLeaf) {
    KeyPair keys = newKeyPair();
    Instant now = Instant.now();
    X500Name subject = X500Name.getInstance(realLeaf.getSubjectX500Principal().getEncoded());
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(intermediate.certificate().getSubjectX500Principal().getEncoded()), serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LEAF_LIFETIME)), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          utils.createAuthorityKeyIdentifier(intermediate.certificate()));
      byte[] san = realLeaf.getExtensionValue(Extension.subjectAlternativeName.getId());
      if (san != null) {
        boolean critical = realLeaf.getCriticalExtensionOIDs() != null
            && realLeaf.getCriticalExtensionOIDs().contains(Extension.subjectAlternativeName.getId());
        b.addExtension(Extension.subjectAlternativeName, critical,
            GeneralNames.getInstance(ASN1OctetString.getInstance(san).getOctets()));
      }
      return new HeldCertificate(keys, sign(b, intermediate.keyPair().getPrivate()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy extensions of " + realLeaf.getSubjectX500Principal(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Server side for a forged leaf: sends leaf, intermediate and root, so a client sees the whole forged chain. */
  public HandshakeCertificates forge(X509Certificate realLeaf) {
    return serve(forgeLeaf(realLeaf));
  }

  /** Server side for any leaf this CA forged. */
  public HandshakeCertificates serve(HeldCertificate forgedLeaf) {
    return new HandshakeCertificates.Builder()
        .heldCertificate(forgedLeaf, intermediate.certificate(), root.certificate())
        .build();
  }

  /** Client side: a client that trusts this root (a volunteer who installed it) and nothing else. */
  public HandshakeCertificates clientTrustingRoot() {
    return new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
  }

  private static X509v3CertificateBuilder ca(X500Name issuer, X500Name subject, PublicKey key,
      X509Certificate issuerCert, int pathLength) {
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_LIFETIME)), subject, key);
      b.addExtension(Extension.basicConstraints, true,
          pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCert));
      }
      return b;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign certificate", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE); // positive and non-zero, as RFC 5280 requires
  }
}
