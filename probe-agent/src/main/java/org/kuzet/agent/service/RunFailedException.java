package org.kuzet.agent.service;

import java.util.Objects;

/**
 * A run that failed for a reason a person can act on (its target list vanished, became unreadable or invalid); the
 * run is recorded as failed with this message. {@link #reason} is a label from a closed set, for metrics.
 */
public final class RunFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public RunFailedException(String message, String reason) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** {@code target_list_missing}, {@code target_list_unreadable}, {@code target_list_invalid}, {@code no_targets}. */
  public String reason() {
    return reason;
  }
}
