package org.kuzet.agent.config;

import java.util.Locale;
import java.util.Map;

/**
 * Whether a run measures the throttling baseline (the bundled {@code control} list's sites, first) when neither
 * the command line ({@code --baseline}, {@code --no-baseline}) nor {@code [targets] baseline} in the config file
 * says: on. The environment variable {@code KUZET_BASELINE} ({@code on} or {@code off}) replaces that default; the
 * test suite runs with {@code off}, so no test measures the control list's real sites by omission.
 */
public final class BaselineDefaults {
  /** The environment variable that replaces the default. */
  public static final String ENV = "KUZET_BASELINE";

  private BaselineDefaults() {}

  /** The default under this process's environment. */
  public static boolean enabled() {
    return enabled(System.getenv());
  }

  /** The default under {@code env}: on, unless {@code KUZET_BASELINE} says off. A bad value names the variable. */
  public static boolean enabled(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      return true;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no", "none" -> false;
      default -> throw new ConfigException("environment", 0, ENV, "'" + value.strip() + "' is not on or off");
    };
  }
}
