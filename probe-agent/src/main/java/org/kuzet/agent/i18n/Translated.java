package org.kuzet.agent.i18n;

/**
 * An exception whose message a person reads, available in every language kuzet speaks; its
 * {@link Throwable#getMessage()} is the English one.
 */
public interface Translated {
  /** The message in {@code messages}' language. */
  String message(Messages messages);
}
