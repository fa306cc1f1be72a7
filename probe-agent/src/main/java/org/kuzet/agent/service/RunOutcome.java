package org.kuzet.agent.service;

/**
 * What a run did.
 *
 * @param measured measurements saved
 * @param failed targets that could not be measured (a bug or bad input, never the network)
 * @param stopped true when the run ended early because the service is stopping
 * @param failure why the run as a whole failed (e.g. its target list is missing), in words; null when it did not
 */
public record RunOutcome(int measured, int failed, boolean stopped, String failure) {
  public RunOutcome {
    if (measured < 0 || failed < 0) {
      throw new IllegalArgumentException("negative counts: " + measured + ", " + failed);
    }
  }

  public RunOutcome(int measured, int failed, boolean stopped) {
    this(measured, failed, stopped, null);
  }

  /** A run that could not be carried out at all. */
  public static RunOutcome cannotStart(String failure) {
    return new RunOutcome(0, 0, false, java.util.Objects.requireNonNull(failure, "failure"));
  }
}
