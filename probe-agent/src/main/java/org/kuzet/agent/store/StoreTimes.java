package org.kuzet.agent.store;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The store's one time format: UTC {@code YYYY-MM-DD hh:mm:ss}, OONI's and SQLite's own (date() works on it). */
public final class StoreTimes {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private StoreTimes() {}

  public static String format(Instant t) {
    return t == null ? null : FORMAT.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  /** Rounded up to the next whole second: a retry stored as "not before" never becomes due early. */
  public static String formatCeiling(Instant t) {
    if (t == null) {
      return null;
    }
    Instant whole = t.getNano() == 0 ? t : t.plusSeconds(1).minusNanos(t.getNano());
    return format(whole);
  }

  public static Instant parse(String s) {
    return s == null ? null : LocalDateTime.parse(s, FORMAT).toInstant(ZoneOffset.UTC);
  }
}
