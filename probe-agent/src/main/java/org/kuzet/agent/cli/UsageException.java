package org.kuzet.agent.cli;

import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.i18n.Translated;

/**
 * Bad input from the person running kuzet (a malformed URL, an unreadable file, a bad flag value): printed as
 * one line naming what was wrong and where, exit code 2, no stack trace. In the volunteer's language when made from
 * a {@link Text}, or when it passes on the message of a {@link Translated} cause (a config or store error).
 */
public final class UsageException extends RuntimeException implements Translated {
  private final Text text;

  public UsageException(String message) {
    super(message);
    this.text = null;
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
    this.text = null;
  }

  public UsageException(Text text) {
    super(text.toString());
    this.text = text;
  }

  @Override
  public String message(Messages messages) {
    if (text != null) {
      return text.in(messages);
    }
    if (getCause() instanceof Translated t && getMessage() != null && getMessage().equals(getCause().getMessage())) {
      return t.message(messages);
    }
    return getMessage();
  }
}
