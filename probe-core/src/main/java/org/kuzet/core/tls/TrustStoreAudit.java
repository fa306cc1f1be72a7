package org.kuzet.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.kuzet.core.analysis.InterceptionRoot;
import org.kuzet.core.analysis.InterceptionRoots;

/**
 * Looks for known interception roots in the machine's own trust stores. kuzet never trusts those stores, but a
 * volunteer whose machine does (Kazakhstan asked users to install its "national security certificate") is
 * exposed in every other program, and should be told. Returns findings only; the CLI decides how to warn.
 *
 * <p>Reads PEM or DER certificate files (several PEM blocks per file allowed), JKS and PKCS12 keystores (opened
 * without a password, or with the JDK's well-known {@code changeit}), and directories of those (one level,
 * as {@code /etc/ssl/certs}). Paths that do not exist and files that are none of these are skipped: a trust
 * store directory holds other files too, and an audit must not fail the probe's start-up.
 */
public final class TrustStoreAudit {
  private static final char[] JDK_DEFAULT_PASSWORD = "changeit".toCharArray();
  private static final long MAX_FILE_BYTES = 16L << 20;

  /**
   * A known root found in a trust store.
   *
   * @param source the file it was found in
   * @param entry the keystore alias, or {@code #n} for the n-th certificate of a PEM file (from 1)
   */
  public record Finding(Path source, String entry, InterceptionRoot root) {}

  private TrustStoreAudit() {}

  /** The JVM's cacerts and the system's certificate directory, the stores a volunteer's programs trust. */
  public static List<Path> defaultPaths() {
    return List.of(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), Path.of("/etc/ssl/certs"));
  }

  /** Scans these paths for the bundled known roots (watched roots included: the finding says which). */
  public static List<Finding> scan(Path... paths) {
    return scan(InterceptionRoots.bundled(), List.of(paths));
  }

  public static List<Finding> scan(InterceptionRoots roots, List<Path> paths) {
    List<Finding> out = new ArrayList<>();
    for (Path file : files(paths)) {
      for (Entry e : read(file)) {
        for (InterceptionRoot r : roots.presentIn(List.of(e.certificate()))) {
          out.add(new Finding(file, e.name(), r));
        }
      }
    }
    return out;
  }

  private record Entry(String name, X509Certificate certificate) {}

  /** Files to read: each path itself, or a directory's regular files; one entry per real file. */
  private static List<Path> files(List<Path> paths) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.sorted().filter(Files::isRegularFile).forEach(f -> out.add(real(f)));
        } catch (IOException e) {
          // unreadable directory: skipped (see class comment)
        }
      } else if (Files.isRegularFile(p)) {
        out.add(real(p));
      }
    }
    return new ArrayList<>(out);
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  private static List<Entry> read(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        return List.of();
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return List.of();
    }
    List<Entry> certs = certificates(bytes);
    return certs.isEmpty() ? keystore(bytes) : certs;
  }

  private static List<Entry> certificates(byte[] bytes) {
    try {
      List<Entry> out = new ArrayList<>();
      int i = 1;
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes))) {
        if (c instanceof X509Certificate x) {
          out.add(new Entry("#" + i, x));
        }
        i++;
      }
      return out;
    } catch (CertificateException | RuntimeException e) {
      return List.of(); // not a certificate file
    }
  }

  private static List<Entry> keystore(byte[] bytes) {
    for (String type : new String[] {"PKCS12", "JKS"}) {
      for (char[] password : new char[][] {null, JDK_DEFAULT_PASSWORD}) {
        List<Entry> entries = keystore(bytes, type, password);
        if (!entries.isEmpty()) {
          return entries;
        }
      }
    }
    return List.of();
  }

  private static List<Entry> keystore(byte[] bytes, String type, char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance(type);
      ks.load(new ByteArrayInputStream(bytes), password);
      List<Entry> out = new ArrayList<>();
      for (String alias : Collections.list(ks.aliases())) {
        Certificate c = ks.getCertificate(alias);
        if (c instanceof X509Certificate x) {
          out.add(new Entry(alias, x));
        }
      }
      return out;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      return List.of(); // not this type, or needs another password
    }
  }
}
