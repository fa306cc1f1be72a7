package org.kuzet.schema;

import java.util.Objects;

/** One TCP connect attempt (OONI df-005 tcpconnect). */
public record TcpConnect(String ip, int port, Status status, double t0, double t) {

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
  }

  public String endpoint() {
    return Endpoints.format(ip, port);
  }
}
