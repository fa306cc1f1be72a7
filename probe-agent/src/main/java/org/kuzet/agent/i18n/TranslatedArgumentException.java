package org.kuzet.agent.i18n;

/** A bad value (a duration, an address) whose message a person reads in their language; English in getMessage(). */
public final class TranslatedArgumentException extends IllegalArgumentException implements Translated {
  private final Text text;

  public TranslatedArgumentException(Text text) {
    super(text.toString());
    this.text = text;
  }

  @Override
  public String message(Messages messages) {
    return text.in(messages);
  }
}
