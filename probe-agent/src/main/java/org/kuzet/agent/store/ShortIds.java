package org.kuzet.agent.store;

/**
 * Short measurement ids, as {@code ooniprobe list} shows short ones: the first {@value #LENGTH} characters of the
 * UID's random part (after its last {@code _}; the whole UID when it has none, e.g. imported lines). {@code kuzet
 * results} prints them; {@code kuzet show} takes them, any longer prefix of that part, or the full UID.
 */
public final class ShortIds {
  public static final int LENGTH = 8;

  /** The shortest prefix {@code kuzet show} accepts, so that a typo does not pick some measurement. */
  public static final int MIN_PREFIX = 4;

  private ShortIds() {}

  public static String of(String uid) {
    String tail = uid.substring(uid.lastIndexOf('_') + 1);
    return tail.length() <= LENGTH ? tail : tail.substring(0, LENGTH);
  }
}
