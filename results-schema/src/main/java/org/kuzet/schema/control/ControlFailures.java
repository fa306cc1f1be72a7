package org.kuzet.schema.control;

/** Values of {@code test_keys.control_failure} that are kuzet's own rather than a network failure. */
public final class ControlFailures {
  /** No control URL was configured, so no control request was made; {@code control} stays null. */
  public static final String NOT_CONFIGURED = "no_control_configured";

  private ControlFailures() {}
}
