package org.kuzet.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The roots kuzet trusts: a pinned copy of the Mozilla root store shipped in the jar (see ca-bundle.SOURCE.md),
 * plus roots the operator adds with {@code --trust-roots}. The machine's own trust store is never consulted,
 * because a volunteer may have installed an interception root such as Kazakhstan's "national security
 * certificate", which would make an intercepted connection look valid.
 */
public final class TrustRoots {
  private static final String BUNDLE = "ca-bundle.pem";

  private final List<X509Certificate> roots;
  private final X509ExtendedTrustManager trustManager;

  private TrustRoots(List<X509Certificate> roots) {
    this.roots = List.copyOf(roots);
    this.trustManager = pkixTrustManager(this.roots);
  }

  /** The bundled roots only. */
  public static TrustRoots bundled() {
    return Bundled.INSTANCE;
  }

  /** Exactly these roots; for tests and for a probe told to trust a private PKI only. */
  public static TrustRoots of(Collection<X509Certificate> roots) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("a trust store needs at least one root");
    }
    return new TrustRoots(new ArrayList<>(roots));
  }

  /** These roots plus {@code extra}. */
  public TrustRoots plus(Collection<X509Certificate> extra) {
    List<X509Certificate> all = new ArrayList<>(roots);
    all.addAll(extra);
    return new TrustRoots(all);
  }

  /** The bundled roots plus every certificate in each PEM file; errors name the file. */
  public TrustRoots plusPemFiles(List<Path> files) throws IOException {
    List<X509Certificate> extra = new ArrayList<>();
    for (Path file : files) {
      extra.addAll(readPem(file));
    }
    return extra.isEmpty() ? this : plus(extra);
  }

  public static List<X509Certificate> readPem(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = parsePem(in);
      if (certs.isEmpty()) {
        throw new IOException(file + ": no PEM certificate found");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IOException(file + ": not a PEM certificate file (" + e.getMessage() + ")", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException(file + ": permission denied", e);
    }
  }

  static List<X509Certificate> parsePem(InputStream in) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  public List<X509Certificate> certificates() {
    return roots;
  }

  /** A PKIX trust manager over these roots (revocation not checked: OCSP would leak the site to the CA). */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  private static X509ExtendedTrustManager pkixTrustManager(List<X509Certificate> roots) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate root : roots) {
        ks.setCertificateEntry("root-" + i++, root);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (KeyStoreException | NoSuchAlgorithmException | IOException | CertificateException e) {
      throw new IllegalStateException("cannot build the trust store", e);
    }
  }

  /** Lazy holder: parse the 144-root bundle once, on first use. */
  private static final class Bundled {
    static final TrustRoots INSTANCE = load();

    private static TrustRoots load() {
      try (InputStream in = TrustRoots.class.getResourceAsStream(BUNDLE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + BUNDLE + " missing from the kuzet jar");
        }
        return new TrustRoots(parsePem(in));
      } catch (IOException | CertificateException e) {
        throw new IllegalStateException("bundled " + BUNDLE + " unreadable", e);
      }
    }
  }
}
