package org.kuzet.backend.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.kuzet.core.tls.TrustRoots;

/**
 * A server's TLS identity from the two PEM files operators have ({@code --tls-cert}, {@code --tls-key}), e.g.
 * Let's Encrypt's {@code fullchain.pem} and {@code privkey.pem}.
 */
public final class ServerTls {
  private ServerTls() {}

  /**
   * An SSLContext presenting the chain in {@code certFile} (leaf first) with the key in {@code keyFile}
   * (unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC PEM).
   *
   * @throws IOException naming the file when either is unreadable, not PEM, encrypted, or when the key does not
   *     belong to the certificate
   */
  public static SSLContext fromPem(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = TrustRoots.readPem(certFile);
    PrivateKey key = readKey(keyFile);
    if (!belongTogether(key, chain.get(0))) {
      throw new IOException(keyFile + ": this key does not belong to the first certificate in " + certFile);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] password = new char[0];
      ks.setKeyEntry("server", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException(certFile + ", " + keyFile + ": cannot build a TLS server identity (" + e.getMessage()
          + ")", e);
    }
  }

  static PrivateKey readKey(Path keyFile) throws IOException {
    Object pem;
    try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
         PEMParser parser = new PEMParser(r)) {
      pem = parser.readObject();
    } catch (NoSuchFileException e) {
      throw new IOException(keyFile + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException(keyFile + ": permission denied", e);
    } catch (IOException | RuntimeException e) {
      throw new IOException(keyFile + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (pem instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (pem instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException e) {
      throw new IOException(keyFile + ": unusable private key (" + e.getMessage() + ")", e);
    }
    if (pem == null) {
      throw new IOException(keyFile + ": no PEM private key found");
    }
    String what = pem.getClass().getSimpleName();
    if (what.contains("Encrypted")) {
      throw new IOException(keyFile + ": the key is encrypted; give an unencrypted key (openssl pkey -in "
          + keyFile + " -out key.pem)");
    }
    throw new IOException(keyFile + ": holds " + (what.contains("Certificate") ? "a certificate" : "another PEM object")
        + ", not a private key (give the key's PEM file, '-----BEGIN PRIVATE KEY-----')");
  }

  /** Signs a probe message with the key and checks it with the certificate's public key. */
  private static boolean belongTogether(PrivateKey key, X509Certificate leaf) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null) {
      return true; // an algorithm we cannot check here; the TLS handshake will tell
    }
    try {
      byte[] probe = "kuzet collector key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      return verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA key with an EC certificate
    }
  }
}
