package org.kuzet.agent.i18n;

import java.io.IOException;

/** A file problem whose message a person reads in their language; English in getMessage(). */
public final class TranslatedIOException extends IOException implements Translated {
  private final Text text;

  public TranslatedIOException(Text text) {
    super(text.toString());
    this.text = text;
  }

  public TranslatedIOException(Text text, Throwable cause) {
    super(text.toString(), cause);
    this.text = text;
  }

  @Override
  public String message(Messages messages) {
    return text.in(messages);
  }
}
