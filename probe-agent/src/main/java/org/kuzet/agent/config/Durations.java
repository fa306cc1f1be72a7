package org.kuzet.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.i18n.TranslatedArgumentException;

/** Typed durations as people write them: {@code 500ms}, {@code 4s}, {@code 15m}, {@code 6h}, {@code 1d}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** Parses a positive duration; throws IllegalArgumentException with an example of the format. */
  public static Duration parse(String value) {
    Matcher m = FORMAT.matcher(value.trim());
    if (!m.matches()) {
      throw new TranslatedArgumentException(Text.of("config.notDuration", value));
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) {
      throw new TranslatedArgumentException(Text.of("config.zeroDuration", value));
    }
    return d;
  }

  /** Like {@link #parse} but {@code 0}, {@code 0s} etc. are allowed (a jitter may be off). */
  public static Duration parseOrZero(String value) {
    return value.trim().matches("0(ms|s|m|h|d)?") ? Duration.ZERO : parse(value);
  }

  /** The shortest exact form in the same notation ({@code 90m} → {@code 90m}, {@code 6h} → {@code 6h}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }
}
