package org.kuzet.agent.store;

import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.i18n.Translated;

/**
 * A results-store problem a person can act on, with a message that names the file and says what to do: a
 * damaged or foreign file, a database from a newer kuzet, a database locked by another writer, a missing file.
 * The message is English in {@link #getMessage()} (logs) and in the volunteer's language through
 * {@link #message(Messages)} when it was made from a {@link Text}.
 */
public final class StoreException extends RuntimeException implements Translated {
  private final Text text;

  public StoreException(String message) {
    super(message);
    this.text = null;
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
    this.text = null;
  }

  public StoreException(Text text) {
    super(text.toString());
    this.text = text;
  }

  public StoreException(Text text, Throwable cause) {
    super(text.toString(), cause);
    this.text = text;
  }

  @Override
  public String message(Messages messages) {
    return text == null ? getMessage() : text.in(messages);
  }
}
