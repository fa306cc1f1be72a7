package org.kuzet.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.analysis.InterceptionRootsTest;
import org.kuzet.core.testing.TestPki;

class TrustStoreAuditTest {
  private static final String QAZNET = "qaznet-trust-network-2016";
  private static final String ISCA = "isca-information-security-certification-authority-2020-0630";
  private static final String RUSSIAN = "russian-trusted-root-ca-2022";

  @TempDir
  Path dir;

  @Test
  void findsARootAmongOrdinaryCertificatesInAPemDirectory() throws Exception {
    TestPki pki = new TestPki();
    Files.writeString(dir.resolve("ordinary.pem"), pki.rootPem());
    Files.writeString(dir.resolve("bundle.crt"), pki.rootPem() + pem(QAZNET));
    Files.writeString(dir.resolve("README"), "not a certificate\n");
    List<TrustStoreAudit.Finding> found = TrustStoreAudit.scan(dir);
    assertEquals(1, found.size(), found.toString());
    assertEquals(QAZNET, found.get(0).root().name());
    assertEquals("bundle.crt", found.get(0).source().getFileName().toString());
    assertEquals("#2", found.get(0).entry(), "the second certificate of the bundle");
  }

  @Test
  void aDerFileIsReadToo() throws Exception {
    Files.write(dir.resolve("root.der"), InterceptionRootsTest.pem(ISCA + ".pem").getEncoded());
    assertEquals(List.of(ISCA), names(TrustStoreAudit.scan(dir)));
  }

  @Test
  void aSymlinkedCertificateIsReportedOnce() throws Exception {
    Path real = Files.writeString(dir.resolve("qaznet.pem"), pem(QAZNET));
    Files.createSymbolicLink(dir.resolve("a1b2c3d4.0"), real); // the hash links of /etc/ssl/certs
    assertEquals(List.of(QAZNET), names(TrustStoreAudit.scan(dir)));
  }

  @Test
  void findsRootsInPkcs12AndJksKeystoresLikeTheJvmCacerts() throws Exception {
    Path p12 = keystore("PKCS12", "cacerts", "changeit", ISCA);
    Path jks = keystore("JKS", "old.jks", "changeit", RUSSIAN);
    List<TrustStoreAudit.Finding> found = TrustStoreAudit.scan(p12, jks);
    assertEquals(List.of(ISCA, RUSSIAN), names(found));
    assertEquals("alias-" + ISCA, found.get(0).entry());
    assertTrue(!found.get(1).root().counts(), "a watched root is reported and says so");
  }

  @Test
  void aKeystoreWithAnotherPasswordStillShowsItsCertificates() throws Exception {
    // JKS keeps trusted certificates readable without the password (only the integrity check needs it).
    assertEquals(List.of(QAZNET), names(TrustStoreAudit.scan(keystore("JKS", "store.jks", "s3cret", QAZNET))));
  }

  @Test
  void missingPathsAndCleanStoresGiveNoFindings() throws Exception {
    Files.writeString(dir.resolve("ok.pem"), new TestPki().rootPem());
    assertEquals(List.of(), TrustStoreAudit.scan(dir.resolve("no-such-file"), dir.resolve("no-such-dir/"), dir));
  }

  @Test
  void theDefaultPathsAreTheJvmCacertsAndTheSystemDirectory() {
    List<Path> paths = TrustStoreAudit.defaultPaths();
    assertEquals(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), paths.get(0));
    assertEquals(Path.of("/etc/ssl/certs"), paths.get(1));
  }

  private Path keystore(String type, String file, String password, String... roots) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    for (String r : roots) {
      ks.setCertificateEntry("alias-" + r, InterceptionRootsTest.pem(r + ".pem"));
    }
    Path p = dir.resolve(file);
    try (OutputStream out = Files.newOutputStream(p)) {
      ks.store(out, password.toCharArray());
    }
    return p;
  }

  private static String pem(String root) throws Exception {
    X509Certificate c = InterceptionRootsTest.pem(root + ".pem");
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static List<String> names(List<TrustStoreAudit.Finding> found) {
    return found.stream().map(f -> f.root().name()).toList();
  }
}
