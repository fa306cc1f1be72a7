package org.kuzet.core.analysis;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.kuzet.schema.TlsHandshake;

/** Hashes and parsing of recorded certificates. Pure: no I/O. */
public final class Certificates {
  private Certificates() {}

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** SHA-256 of the certificate's DER encoding (the "fingerprint" browsers show). */
  public static String certSha256(X509Certificate cert) {
    try {
      return sha256Hex(cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be re-encoded", e);
    }
  }

  /** SHA-256 of the DER SubjectPublicKeyInfo (what HPKP pins and Chromium's blocklist use). */
  public static String spkiSha256(X509Certificate cert) {
    return sha256Hex(cert.getPublicKey().getEncoded());
  }

  /**
   * The recorded chain, parsed, leaf first. A certificate that does not parse is skipped rather than failing the
   * analysis: the recorded bytes stay in the measurement for anyone to inspect.
   */
  public static List<X509Certificate> parse(List<TlsHandshake.PeerCertificate> chain) {
    List<X509Certificate> out = new ArrayList<>();
    for (TlsHandshake.PeerCertificate pc : chain) {
      try {
        out.add((X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pc.der())));
      } catch (CertificateException | IllegalArgumentException e) {
        // not a certificate: skip (see above)
      }
    }
    return out;
  }
}
