package org.kuzet.core.analysis;

import org.kuzet.schema.Failures;
import org.kuzet.schema.Signal;

/**
 * The signal a step's df-007 failure stands for, the same for web pages ({@link Analysis}) and the messenger apps'
 * endpoints; null for a failure that names no interference (or no failure).
 */
public final class FailureSignals {
  private FailureSignals() {}

  public static Signal tcp(String failure) {
    return failure == null ? null : switch (failure) {
      case Failures.GENERIC_TIMEOUT -> Signal.TCP_TIMEOUT;
      case Failures.CONNECTION_REFUSED -> Signal.TCP_REFUSED;
      case Failures.CONNECTION_RESET -> Signal.TCP_RESET;
      default -> null;
    };
  }

  public static Signal tls(String failure) {
    return failure == null ? null : switch (failure) {
      case Failures.GENERIC_TIMEOUT -> Signal.TLS_TIMEOUT;
      case Failures.CONNECTION_RESET -> Signal.TLS_RESET;
      case Failures.EOF -> Signal.TLS_EOF;
      default -> null;
    };
  }

  public static Signal http(String failure) {
    return failure == null ? null : switch (failure) {
      case Failures.GENERIC_TIMEOUT -> Signal.HTTP_TIMEOUT;
      case Failures.CONNECTION_RESET -> Signal.HTTP_RESET;
      case Failures.EOF -> Signal.HTTP_EOF;
      default -> null;
    };
  }
}
