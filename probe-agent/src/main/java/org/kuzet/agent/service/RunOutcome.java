package org.kuzet.agent.service;

/**
 * What a run did.
 *
 * @param measured measurements saved
 * @param failed targets that could not be measured (a bug or bad input, never the network)
 * @param stopped true when the run ended early because the service is stopping
 */
public record RunOutcome(int measured, int failed, boolean stopped) {
  public RunOutcome {
    if (measured < 0 || failed < 0) {
      throw new IllegalArgumentException("negative counts: " + measured + ", " + failed);
    }
  }
}
