package org.kuzet.core.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The known interception roots (bundled {@code interception-roots.tsv}, see SOURCE.md) and the matcher that finds
 * them in a recorded chain. Immutable and thread-safe.
 */
public final class InterceptionRoots {
  static final String RESOURCE = "interception-roots.tsv";
  private static final String HEADER = "name\tstatus\tsubject\tcert_sha256\tspki_sha256\tsource";

  /** How a chain certificate was tied to a known root: by its key, never by its name alone. */
  public enum MatchedBy {
    CERT_SHA256, SPKI_SHA256;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A known root found in a chain by hash.
   *
   * @param chainIndex the index (leaf = 0) of the certificate that matched
   */
  public record Match(InterceptionRoot root, MatchedBy matchedBy, int chainIndex) {}

  /**
   * A chain certificate that carries a known root's name (as its subject or its issuer) but none of the known
   * keys: a look-alike. Reported, never counted: anyone can write any name into a certificate.
   *
   * @param roots every known root with that subject, in list order (several ISCA roots share one subject, so
   *     the name alone cannot say which one; none is picked)
   * @param chainIndex the index (leaf = 0) of the certificate carrying the name
   */
  public record LookAlike(X500Principal subject, List<InterceptionRoot> roots, int chainIndex) {
    /** The wire value of {@code matched_by} for a look-alike. */
    public static final String MATCHED_BY = "name_only";
  }

  private final List<InterceptionRoot> roots;

  private InterceptionRoots(List<InterceptionRoot> roots) {
    this.roots = List.copyOf(roots);
  }

  public static InterceptionRoots of(List<InterceptionRoot> roots) {
    return new InterceptionRoots(roots);
  }

  /** The bundled list, parsed once. */
  public static InterceptionRoots bundled() {
    return Bundled.INSTANCE;
  }

  public List<InterceptionRoot> all() {
    return roots;
  }

  /**
   * Parses the TSV; {@code origin} names the source in errors, which carry the line number. Blank and {@code #}
   * lines are skipped; the first other line must be the header.
   */
  public static InterceptionRoots parse(String text, String origin) {
    List<InterceptionRoot> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean header = false;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int n = i + 1;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        if (!line.equals(HEADER)) {
          throw new IllegalArgumentException(origin + " line " + n + ": expected the header \"" + HEADER + "\"");
        }
        header = true;
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 6) {
        throw new IllegalArgumentException(origin + " line " + n + ": expected 6 tab-separated fields, got "
            + f.length);
      }
      try {
        InterceptionRoot.Status status = switch (f[1]) {
          case "count" -> InterceptionRoot.Status.COUNT;
          case "watch" -> InterceptionRoot.Status.WATCH;
          default -> throw new IllegalArgumentException("status must be count or watch, got \"" + f[1] + "\"");
        };
        if (!names.add(f[0])) {
          throw new IllegalArgumentException("duplicate name " + f[0]);
        }
        out.add(new InterceptionRoot(f[0], status, new X500Principal(f[2]), f[3], f[4], f[5]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(origin + " line " + n + ": " + e.getMessage(), e);
      }
    }
    if (!header) {
      throw new IllegalArgumentException(origin + ": no header line");
    }
    return new InterceptionRoots(out);
  }

  /**
   * The known root found in the chain by certificate SHA-256 or SPKI SHA-256 (the root, or a certificate with its
   * key, was sent). When several match, roots that count come before watched ones, a certificate hash before an
   * SPKI hash, then the certificate nearest the leaf: the choice is the same for the same chain, never arbitrary.
   */
  public Optional<Match> match(List<X509Certificate> chain) {
    Match best = null;
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String cert = Certificates.certSha256(c);
      String spki = Certificates.spkiSha256(c);
      for (InterceptionRoot r : roots) {
        MatchedBy by = r.certSha256().equals(cert) ? MatchedBy.CERT_SHA256
            : r.spkiSha256().equals(spki) ? MatchedBy.SPKI_SHA256 : null;
        if (by != null && (best == null || rank(r, by) < rank(best.root(), best.matchedBy()))) {
          best = new Match(r, by, i);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static int rank(InterceptionRoot r, MatchedBy by) {
    return (r.counts() ? 0 : 2) + (by == MatchedBy.SPKI_SHA256 ? 1 : 0);
  }

  /**
   * The first certificate of the chain (leaf first; its subject before its issuer) that names a known root while
   * the chain holds no known root's key; empty when a root matched by hash or no name matches.
   */
  public Optional<LookAlike> lookAlike(List<X509Certificate> chain) {
    if (match(chain).isPresent()) {
      return Optional.empty();
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      for (X500Principal name : List.of(c.getSubjectX500Principal(), c.getIssuerX500Principal())) {
        List<InterceptionRoot> named = roots.stream().filter(r -> r.subject().equals(name)).toList();
        if (!named.isEmpty()) {
          return Optional.of(new LookAlike(name, named, i));
        }
      }
    }
    return Optional.empty();
  }

  /** The roots among these certificates (by cert or SPKI hash only: a trust store holds roots themselves). */
  public List<InterceptionRoot> presentIn(List<X509Certificate> certificates) {
    Set<String> certs = new HashSet<>();
    Set<String> spkis = new HashSet<>();
    for (X509Certificate c : certificates) {
      certs.add(Certificates.certSha256(c));
      spkis.add(Certificates.spkiSha256(c));
    }
    return roots.stream().filter(r -> certs.contains(r.certSha256()) || spkis.contains(r.spkiSha256())).toList();
  }

  private static final class Bundled {
    static final InterceptionRoots INSTANCE = parse(Resources.read(RESOURCE), RESOURCE);
  }

  /** Reads a bundled resource of this package (class-path read at first use, not analysis-time I/O). */
  static final class Resources {
    private Resources() {}

    static String read(String name) {
      try (InputStream in = InterceptionRoots.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("resource " + name + " missing from the kuzet jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("bundled " + name + " unreadable", e);
      }
    }
  }
}
