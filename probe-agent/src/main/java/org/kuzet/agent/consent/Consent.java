package org.kuzet.agent.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * The volunteer's recorded agreement to run kuzet.
 *
 * @param givenAt when they agreed
 * @param upload whether they also agreed to upload (and so publish) their results; false unless they opted in
 * @param textVersion the {@link ConsentText#VERSION} they read; a consent to an older text must be given again
 */
public record Consent(Instant givenAt, boolean upload, int textVersion) {
  public Consent {
    Objects.requireNonNull(givenAt, "givenAt");
  }

  /** Whether this consent covers the explanation kuzet shows now. */
  public boolean isCurrent() {
    return textVersion >= ConsentText.VERSION;
  }
}
