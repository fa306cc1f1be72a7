package org.kuzet.agent.store;

/**
 * A results-store problem a person can act on, with a message that names the file and says what to do: a
 * damaged or foreign file, a database from a newer kuzet, a database locked by another writer, a missing file.
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
