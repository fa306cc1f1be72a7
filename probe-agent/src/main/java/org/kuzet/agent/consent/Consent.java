package org.kuzet.agent.consent;

import java.time.Instant;
import java.util.Objects;
import org.kuzet.agent.i18n.Language;

/**
 * The volunteer's recorded agreement to run kuzet.
 *
 * @param givenAt when they agreed
 * @param upload whether they also agreed to upload (and so publish) their results; false unless they opted in
 * @param textVersion the {@link ConsentText#VERSION} they read; a consent to an older text must be given again
 * @param language the language of the explanation they read ({@code en}, {@code ru}, {@code kk}); records from before
 *     kuzet spoke more than English say {@code en}, the only language there was
 */
public record Consent(Instant givenAt, boolean upload, int textVersion, Language language) {
  public Consent {
    Objects.requireNonNull(givenAt, "givenAt");
    Objects.requireNonNull(language, "language");
  }

  /** A consent to the English explanation. */
  public Consent(Instant givenAt, boolean upload, int textVersion) {
    this(givenAt, upload, textVersion, Language.EN);
  }

  /** Whether this consent covers the explanation kuzet shows now. */
  public boolean isCurrent() {
    return textVersion >= ConsentText.VERSION;
  }
}
