package org.kuzet.backend.helper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.kuzet.core.tls.TrustRoots;

/** A server TLS context from PEM files: a certificate chain (leaf first) and an unencrypted PKCS#8 key. */
public final class PemKeys {
  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private PemKeys() {}

  /** Errors are IOExceptions naming the file and what to do about it. */
  public static SSLContext serverContext(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = TrustRoots.readPem(certFile);
    PrivateKey key = readKey(keyFile);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("helper", key, none, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException(keyFile + ": key does not go with " + certFile + " (" + e.getMessage() + ")", e);
    }
  }

  static PrivateKey readKey(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(file + ": not a PEM file", e);
    }
    if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
      throw new IOException(file + ": a PKCS#1/SEC1 key; convert it to PKCS#8 with "
          + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem'");
    }
    if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IOException(file + ": the key is encrypted; kuzet needs an unencrypted PKCS#8 key");
    }
    Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      throw new IOException(file + ": no '-----BEGIN PRIVATE KEY-----' block (PKCS#8 PEM) found");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": the private key block is not valid base64", e);
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(file + ": not an EC, RSA or Ed25519 PKCS#8 private key");
  }
}
