package org.kuzet.schema;

import java.util.List;
import java.util.Objects;

/**
 * One low-level network event (OONI df-008 netevents): a connect, a read or write on a connection with its byte
 * count, the start and end of a TLS handshake or an HTTP transaction.
 *
 * @param operation df-008's operation: {@code connect}, {@code read}, {@code write}, {@code close},
 *     {@code tls_handshake_start}, {@code tls_handshake_done}, {@code http_transaction_start},
 *     {@code http_transaction_done}, …
 * @param address the remote endpoint ("ip:port", IPv6 in brackets); null when the event has none
 * @param proto "tcp" for connection events; null otherwise
 * @param numBytes bytes read or written; null for events that move no data
 * @param failure df-007 failure of the operation; null on success
 * @param t0 when the operation started (seconds from the measurement's start)
 * @param t when it ended
 * @param transactionId the operation id of the endpoint (the same as its {@code tcp_connect} entry's); null when
 *     the event belongs to no numbered endpoint
 * @param tags as on {@link TcpConnect}
 */
public record NetworkEvent(
    String operation,
    String address,
    String proto,
    Long numBytes,
    String failure,
    double t0,
    double t,
    Integer transactionId,
    List<String> tags) {

  public NetworkEvent {
    Objects.requireNonNull(operation, "operation");
    Failures.requireValid(failure, "network event " + operation);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** An event not yet numbered (the measurement assigns the operation id and tags). */
  public static NetworkEvent of(String operation, String address, String proto, Long numBytes, String failure,
      double t0, double t) {
    return new NetworkEvent(operation, address, proto, numBytes, failure, t0, t, null, List.of());
  }

  /** This event with its endpoint's operation id and tags. */
  public NetworkEvent numbered(Integer id, List<String> tags) {
    return new NetworkEvent(operation, address, proto, numBytes, failure, t0, t, id, tags);
  }
}
