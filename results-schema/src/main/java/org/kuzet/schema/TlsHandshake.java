package org.kuzet.schema;

import java.util.List;
import java.util.Objects;

/**
 * One TLS handshake (OONI df-006 tlshandshake).
 *
 * <p>{@code peerCertificates} is the chain exactly as the server sent it, leaf first, base64 DER, recorded even
 * when validation fails: an injected certificate is the evidence. {@code failure} is the handshake failure or,
 * when the handshake completed, the result of validating that chain against kuzet's own bundled roots
 * ({@code ssl_unknown_authority}, {@code ssl_invalid_hostname}, {@code ssl_invalid_certificate}).
 *
 * <p>{@code transactionId} is OONI's operation id of the TCP connection the handshake ran on (the same as its
 * {@code tcp_connect} entry's); {@code tags} as on {@link TcpConnect}. Both absent in older lines.
 */
public record TlsHandshake(
    String address,
    String serverName,
    String tlsVersion,
    String cipherSuite,
    String negotiatedProtocol,
    boolean noTlsVerify,
    List<PeerCertificate> peerCertificates,
    String failure,
    double t0,
    double t,
    Integer transactionId,
    List<String> tags) {

  /** One certificate of a chain; OONI's binary-data object. */
  public record PeerCertificate(String data, String format) {
    public PeerCertificate {
      Objects.requireNonNull(data, "data");
      if (!"base64".equals(format)) {
        throw new IllegalArgumentException("peer certificate format must be base64");
      }
    }

    public static PeerCertificate ofDer(byte[] der) {
      return new PeerCertificate(java.util.Base64.getEncoder().encodeToString(der), "base64");
    }

    public byte[] der() {
      return java.util.Base64.getDecoder().decode(data);
    }
  }

  public TlsHandshake {
    Objects.requireNonNull(address, "address");
    peerCertificates = peerCertificates == null ? List.of() : List.copyOf(peerCertificates);
    Failures.requireValid(failure, "TLS handshake with " + address);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A handshake not yet numbered (the measurement assigns the operation id and tags). */
  public TlsHandshake(String address, String serverName, String tlsVersion, String cipherSuite,
      String negotiatedProtocol, boolean noTlsVerify, List<PeerCertificate> peerCertificates, String failure,
      double t0, double t) {
    this(address, serverName, tlsVersion, cipherSuite, negotiatedProtocol, noTlsVerify, peerCertificates, failure, t0,
        t, null, List.of());
  }

  /** This handshake with its operation id and tags. */
  public TlsHandshake numbered(int id, List<String> tags) {
    return new TlsHandshake(address, serverName, tlsVersion, cipherSuite, negotiatedProtocol, noTlsVerify,
        peerCertificates, failure, t0, t, id, tags);
  }
}
