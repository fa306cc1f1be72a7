package org.kuzet.agent.consent;

import org.kuzet.agent.i18n.Messages;

/**
 * What a volunteer is told before kuzet measures anything from their connection, in English, Russian and Kazakh
 * ({@code consent_<lang>.txt} beside {@link Messages}; the three say the same, section by section, and a test holds
 * them to it). Changing what it says about the risks means raising {@link #VERSION} (in every language), which asks
 * everyone to agree again.
 */
public final class ConsentText {
  /** 3: says that the network is looked up (STUN, resolver whoami) and the address discarded. */
  public static final int VERSION = 3;

  /** The English explanation (consent_en.txt); {@link Messages#consentExplanation()} gives it in each language. */
  public static final String EXPLANATION = Messages.english().consentExplanation();

  public static final String QUESTION_RUN = Messages.english().get("consent.question.run");

  public static final String QUESTION_UPLOAD = Messages.english().get("consent.question.upload");

  private ConsentText() {}
}
