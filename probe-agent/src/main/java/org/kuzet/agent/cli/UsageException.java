package org.kuzet.agent.cli;

/**
 * Bad input from the person running kuzet (a malformed URL, an unreadable file, a bad flag value): printed as
 * one line naming what was wrong and where, exit code 2, no stack trace.
 */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
