package org.kuzet.core.analysis;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * One known TLS interception root (e.g. Kazakhstan's "Qaznet Trust Network").
 *
 * @param subject the root's subject DN, RFC 2253
 * @param certSha256 SHA-256 of the certificate DER, lower-case hex
 * @param spkiSha256 SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex
 * @param status {@link Status#COUNT}: a match is evidence of interception; {@link Status#WATCH}: reported only
 * @param source where the fact comes from (blocklists, bug numbers, papers)
 */
public record InterceptionRoot(
    String name, Status status, X500Principal subject, String certSha256, String spkiSha256, String source) {

  private static final Pattern HEX256 = Pattern.compile("[0-9a-f]{64}");

  public enum Status {
    COUNT, WATCH;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public InterceptionRoot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(source, "source");
    if (certSha256 == null || !HEX256.matcher(certSha256).matches()) {
      throw new IllegalArgumentException("cert_sha256 of " + name + " is not 64 lower-case hex digits");
    }
    if (spkiSha256 == null || !HEX256.matcher(spkiSha256).matches()) {
      throw new IllegalArgumentException("spki_sha256 of " + name + " is not 64 lower-case hex digits");
    }
  }

  public boolean counts() {
    return status == Status.COUNT;
  }
}
