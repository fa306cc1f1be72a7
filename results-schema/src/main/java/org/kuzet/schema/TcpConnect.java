package org.kuzet.schema;

import java.util.List;
import java.util.Objects;

/**
 * One TCP connect attempt (OONI df-005 tcpconnect).
 *
 * @param transactionId OONI's operation id, shared by the TLS handshake and the HTTP request to this endpoint;
 *     null in lines written before kuzet numbered operations
 * @param tags OONI's tags: {@code depth=N} (the redirect hop), {@code fetch_body=true|false} (whether HTTP used this
 *     endpoint), {@code classic} when the address came from the system resolver
 */
public record TcpConnect(String ip, int port, Status status, double t0, double t, Integer transactionId,
    List<String> tags) {

  /** OONI's status object; {@code blocked} is filled by analysis, null in raw observations. */
  public record Status(boolean success, String failure, Boolean blocked) {
    public Status {
      Failures.requireValid(failure, "TCP connect");
      if (success && failure != null) {
        throw new IllegalArgumentException("a successful connect has no failure");
      }
    }
  }

  public TcpConnect {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(status, "status");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A connect not yet numbered (the measurement assigns the operation id and tags). */
  public TcpConnect(String ip, int port, Status status, double t0, double t) {
    this(ip, port, status, t0, t, null, List.of());
  }

  /** This connect with its operation id and tags. */
  public TcpConnect numbered(int id, List<String> tags) {
    return new TcpConnect(ip, port, status, t0, t, id, tags);
  }

  public String endpoint() {
    return Endpoints.format(ip, port);
  }
}
