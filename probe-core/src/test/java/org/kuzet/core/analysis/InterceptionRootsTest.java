package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.InterceptionCa;
import org.kuzet.core.testing.TestPki;

public class InterceptionRootsTest {
  private static final String PEM_DIR = "interception-roots/";

  @Test
  void everyShippedHashAndSubjectIsRecomputedFromItsCertificate() throws Exception {
    List<InterceptionRoot> roots = InterceptionRoots.bundled().all();
    assertEquals(11, roots.size(), "ten Kazakh roots and one watched state root");
    for (InterceptionRoot r : roots) {
      X509Certificate cert = pem(r.name() + ".pem");
      assertEquals(Certificates.certSha256(cert), r.certSha256(), r.name() + " cert_sha256");
      assertEquals(Certificates.spkiSha256(cert), r.spkiSha256(), r.name() + " spki_sha256");
      assertEquals(cert.getSubjectX500Principal(), r.subject(), r.name() + " subject");
      assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal(), r.name() + " is self-signed");
    }
  }

  @Test
  void onlyTheRussianStateRootIsWatched() {
    for (InterceptionRoot r : InterceptionRoots.bundled().all()) {
      assertEquals(!r.name().startsWith("russian-"), r.counts(), r.name());
    }
  }

  @Test
  void aChainCarryingTheRootItselfMatchesByCertificateHash() throws Exception {
    X509Certificate qaznet = pem("qaznet-trust-network-2016.pem");
    Optional<InterceptionRoots.Match> m = InterceptionRoots.bundled().match(List.of(new TestPki().issue("a.kz")
        .certificate(), qaznet));
    assertTrue(m.isPresent());
    assertEquals("qaznet-trust-network-2016", m.get().root().name());
    assertEquals(InterceptionRoots.MatchedBy.CERT_SHA256, m.get().matchedBy());
    assertEquals(1, m.get().chainIndex());
  }

  @Test
  void aRootSharingItsSubjectWithOthersIsNamedByItsHash() throws Exception {
    // Seven ISCA roots share one subject DN; the one sent must be named exactly, not by its (own) issuer DN.
    for (String name : List.of("isca-information-security-certification-authority-2020-0630",
        "isca-information-security-certification-authority-2020-0704-to2050")) {
      InterceptionRoots.Match m = InterceptionRoots.bundled().match(List.of(pem(name + ".pem"))).orElseThrow();
      assertEquals(name, m.root().name());
      assertEquals(InterceptionRoots.MatchedBy.CERT_SHA256, m.matchedBy());
    }
  }

  @Test
  void aForgedChainWithoutTheRootIsOnlyALookAlike() {
    // As on the wire in 2019: leaf and "C=KZ, CN=Security Certificate" intermediate, root not sent. The issuer's
    // name is the Qaznet root's, but no key in the chain is: a name is not a key (issue 16).
    InterceptionCa ca = new InterceptionCa("C=KZ, CN=Qaznet Trust Network", InterceptionCa.DEFAULT_INTERMEDIATE_DN);
    X509Certificate real = new TestPki().issue("news.kz").certificate();
    List<X509Certificate> chain = List.of(ca.forgeLeaf(real).certificate(), ca.intermediateCertificate());
    assertTrue(InterceptionRoots.bundled().match(chain).isEmpty(), "no known key in the chain");
    InterceptionRoots.LookAlike l = InterceptionRoots.bundled().lookAlike(chain).orElseThrow();
    assertEquals(List.of("qaznet-trust-network-2016"), l.roots().stream().map(InterceptionRoot::name).toList());
    assertEquals(1, l.chainIndex(), "the intermediate names the root as its issuer");
  }

  @Test
  void aLookAlikeOfTheIscaRootsNamesEveryRootOfThatNameAndPicksNone() throws Exception {
    X509Certificate isca = pem("isca-information-security-certification-authority-2020-0630.pem");
    InterceptionCa ca = new InterceptionCa(X500Name.getInstance(isca.getSubjectX500Principal().getEncoded())
        .toString(), InterceptionCa.DEFAULT_INTERMEDIATE_DN);
    X509Certificate real = new TestPki().issue("news.kz").certificate();
    List<X509Certificate> chain = List.of(ca.forgeLeaf(real).certificate(), ca.intermediateCertificate(),
        ca.rootCertificate());
    assertTrue(InterceptionRoots.bundled().match(chain).isEmpty(), "the same subject with another key is no match");
    InterceptionRoots.LookAlike l = InterceptionRoots.bundled().lookAlike(chain).orElseThrow();
    assertEquals(isca.getSubjectX500Principal(), l.subject());
    assertEquals(7, l.roots().size(), "the seven 2020 ISCA roots share that subject: " + l.roots());
    assertTrue(InterceptionRoots.bundled().lookAlike(List.of(ca.forgeLeaf(real).certificate(),
        ca.intermediateCertificate(), isca)).isEmpty(), "the real root sent: matched by hash, no look-alike");
    assertEquals(InterceptionRoots.MatchedBy.CERT_SHA256, InterceptionRoots.bundled().match(List.of(
        ca.forgeLeaf(real).certificate(), ca.intermediateCertificate(), isca)).orElseThrow().matchedBy());
  }

  @Test
  void aWatchedRootIsReturnedOnlyWhenNoCountedRootIsInTheChain() throws Exception {
    X509Certificate russian = pem("russian-trusted-root-ca-2022.pem");
    X509Certificate isca = pem("isca-information-security-certification-authority-2021-nursultan.pem");
    InterceptionRoots roots = InterceptionRoots.bundled();
    assertFalse(roots.match(List.of(russian)).orElseThrow().root().counts());
    assertEquals("isca-information-security-certification-authority-2021-nursultan",
        roots.match(List.of(russian, isca)).orElseThrow().root().name());
  }

  @Test
  void aLegitimateChainMatchesNothing() {
    TestPki pki = new TestPki();
    assertTrue(InterceptionRoots.bundled().match(List.of(pki.issue("a.kz").certificate(), pki.rootCertificate()))
        .isEmpty());
  }

  @Test
  void presentInFindsRootsByHashOnly() throws Exception {
    X509Certificate isca = pem("isca-information-security-certification-authority-ca-2020.pem");
    InterceptionCa lookalike = new InterceptionCa("C=KZ, CN=Qaznet Trust Network", "C=KZ, CN=x");
    List<InterceptionRoot> found = InterceptionRoots.bundled().presentIn(List.of(isca,
        lookalike.rootCertificate()));
    assertEquals(List.of("isca-information-security-certification-authority-ca-2020"),
        found.stream().map(InterceptionRoot::name).toList(), "a root with the same name but another key is not it");
  }

  @Test
  void parseErrorsNameTheLine() {
    String header = "name\tstatus\tsubject\tcert_sha256\tspki_sha256\tsource\n";
    String hex = "a".repeat(64);
    assertMessage("roots.tsv line 1: expected the header", () -> InterceptionRoots.parse("name\tstatus\n",
        "roots.tsv"));
    assertMessage("roots.tsv line 3: expected 6 tab-separated fields, got 2", () -> InterceptionRoots.parse(
        "# comment\n" + header + "x\tcount\n", "roots.tsv"));
    assertMessage("roots.tsv line 2: status must be count or watch, got \"maybe\"", () -> InterceptionRoots.parse(
        header + "x\tmaybe\tCN=x\t" + hex + "\t" + hex + "\ts\n", "roots.tsv"));
    assertMessage("roots.tsv line 2: cert_sha256 of x is not 64 lower-case hex digits", () -> InterceptionRoots
        .parse(header + "x\tcount\tCN=x\tABC\t" + hex + "\ts\n", "roots.tsv"));
    assertMessage("roots.tsv line 3: duplicate name x", () -> InterceptionRoots.parse(header
        + "x\tcount\tCN=x\t" + hex + "\t" + hex + "\ts\nx\tcount\tCN=x\t" + hex + "\t" + hex + "\ts\n",
        "roots.tsv"));
    assertMessage("roots.tsv: no header line", () -> InterceptionRoots.parse("# only a comment\n", "roots.tsv"));
  }

  private static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().startsWith(prefix), x.getMessage());
  }

  public static X509Certificate pem(String name) throws IOException, CertificateException {
    try (InputStream in = InterceptionRootsTest.class.getResourceAsStream(PEM_DIR + name)) {
      if (in == null) {
        throw new IOException("test resource " + PEM_DIR + name + " missing");
      }
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
