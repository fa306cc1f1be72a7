package org.kuzet.core.analysis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.kuzet.schema.Failures;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.control.ControlResponse;

/**
 * The certificate half of the analysis: for one handshake whose chain did not validate against kuzet's bundled
 * roots, was it intercepted?
 *
 * <ul>
 *   <li>The chain contains a known interception root that counts, found by certificate or SPKI hash: intercepted,
 *       whatever the control says. A certificate that only carries a known root's name (a look-alike) proves
 *       nothing by itself; it is reported and the handshake is judged by the rules below.
 *   <li>The helper saw the same leaf key (x_leaf_spki_sha256) for that endpoint: the genuine server, since an
 *       interceptor cannot hold the site's private key. If the helper found it valid, only our roots disagree; if
 *       not, the site's certificate is broken everywhere (expired, wrong host, private CA): a shared failure.
 *   <li>The helper validated that endpoint, or saw a different leaf key: intercepted.
 *   <li>The helper failed the handshake with a certificate error of its own and sent no key: shared.
 *   <li>No helper data for the endpoint: intercepted when the helper fetched the URL over validated HTTPS,
 *       otherwise unknown.
 * </ul>
 * A watched root (e.g. the Russian Trusted Root, which issues real site certificates) is reported but decides
 * nothing: the handshake is judged by the other rules.
 */
final class TlsAnalysis {
  private static final Set<String> CERTIFICATE_FAILURES = Set.of(Failures.SSL_UNKNOWN_AUTHORITY,
      Failures.SSL_INVALID_HOSTNAME, Failures.SSL_INVALID_CERTIFICATE);

  enum Kind { KNOWN_ROOT, INTERCEPTED, GENUINE, SHARED, UNKNOWN }

  /**
   * @param root the known root in the chain (counted or watched) found by hash, if any
   * @param lookAlike a certificate named like a known root without its key, if any (and no root by hash)
   * @param control the helper's view of the same endpoint, null when it sent none
   */
  record Finding(TlsHandshake handshake, Kind kind, Optional<InterceptionRoots.Match> root,
      Optional<InterceptionRoots.LookAlike> lookAlike, String leafIssuer, String leafSpkiSha256, ControlResponse.TlsHandshakeResult control) {

    boolean intercepted() {
      return kind == Kind.KNOWN_ROOT || kind == Kind.INTERCEPTED;
    }

    /** Worth an {@code x_interception} entry: intercepted, or a known (even watched) root or a look-alike seen. */
    boolean reportable() {
      return intercepted() || root.isPresent() || lookAlike.isPresent();
    }
  }

  private TlsAnalysis() {}

  static boolean certificateFailure(String failure) {
    return failure != null && CERTIFICATE_FAILURES.contains(failure);
  }

  /**
   * Judges one handshake that failed chain validation.
   *
   * @param control the usable control, or null
   */
  static Finding examine(TlsHandshake h, Control control, InterceptionRoots roots) {
    List<X509Certificate> chain = Certificates.parse(h.peerCertificates());
    Optional<InterceptionRoots.Match> root = roots.match(chain);
    Optional<InterceptionRoots.LookAlike> lookAlike = roots.lookAlike(chain);
    X509Certificate leaf = chain.isEmpty() ? null : chain.get(0);
    String issuer = leaf == null ? null : leaf.getIssuerX500Principal().getName();
    String spki = leaf == null ? null : Certificates.spkiSha256(leaf);
    ControlResponse.TlsHandshakeResult ct = control == null ? null : control.tls().get(Control.normalizeEndpoint(h.address()));
    Kind kind;
    if (root.isPresent() && root.get().root().counts()) {
      kind = Kind.KNOWN_ROOT;
    } else if (ct != null && spki != null && spki.equals(ct.xLeafSpkiSha256())) {
      kind = ct.valid() ? Kind.GENUINE : Kind.SHARED;
    } else if (ct != null && (ct.valid() || ct.xLeafSpkiSha256() != null)) {
      kind = Kind.INTERCEPTED;
    } else if (ct != null) {
      kind = certificateFailure(ct.failure()) ? Kind.SHARED : Kind.UNKNOWN;
    } else {
      kind = control != null && control.httpSucceeded() ? Kind.INTERCEPTED : Kind.UNKNOWN;
    }
    return new Finding(h, kind, root, lookAlike, issuer, spki, ct);
  }

  /**
   * The {@code x_interception} object: where, the injected leaf's issuer and SPKI SHA-256, the helper's SPKI when
   * it sent one, the known root matched by hash ({@code known_root}, {@code counted} false for a watched root),
   * or a certificate named like known roots without their key ({@code look_alike}, {@code matched_by:
   * "name_only"}, every root of that name listed).
   */
  static ObjectNode describe(Finding f, int hop) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("address", f.handshake().address());
    o.put("server_name", f.handshake().serverName());
    o.put("hop", hop);
    o.put("failure", f.handshake().failure());
    o.put("issuer", f.leafIssuer());
    o.put("spki_sha256", f.leafSpkiSha256());
    o.put("intercepted", f.intercepted());
    if (f.control() != null && f.control().xLeafSpkiSha256() != null) {
      o.put("control_spki_sha256", f.control().xLeafSpkiSha256());
    }
    f.root().ifPresent(m -> {
      ObjectNode r = o.putObject("known_root");
      r.put("name", m.root().name());
      r.put("status", m.root().status().wire());
      r.put("counted", m.root().counts());
      r.put("matched_by", m.matchedBy().wire());
      r.put("chain_index", m.chainIndex());
      r.put("subject", m.root().subject().getName());
    });
    f.lookAlike().ifPresent(l -> {
      ObjectNode r = o.putObject("look_alike");
      r.put("matched_by", InterceptionRoots.LookAlike.MATCHED_BY);
      r.put("subject", l.subject().getName());
      r.put("chain_index", l.chainIndex());
      r.put("counted", false);
      var names = r.putArray("names");
      l.roots().forEach(x -> names.add(x.name()));
    });
    return o;
  }
}
