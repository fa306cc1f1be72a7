package org.kuzet.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The test helpers (controls) a measurement is compared with when neither the command line ({@code --control},
 * {@code --no-control}) nor the config file ({@code [control] urls}) names any.
 *
 * <p>By default these are OONI's public web connectivity helpers, as OONI Probe uses them: without a control
 * nearly every verdict would be {@code inconclusive}. The environment variable {@code KUZET_CONTROL} replaces
 * them: a comma-separated list of URLs, or {@code none} for no control at all (the test suite runs with
 * {@code none}, so no test can reach OONI by omission).
 */
public final class ControlDefaults {
  /** The environment variable that replaces {@link #OONI_HELPERS}. */
  public static final String ENV = "KUZET_CONTROL";

  /** The value of {@code KUZET_CONTROL} or {@code [control] urls} that means "no control". */
  public static final String NONE = "none";

  /**
   * OONI's public helpers, tried in this order (the last one is reached through a CDN, for networks that
   * block the others). OONI rotates its numbered helpers; a retired one fails fast and the next is tried.
   */
  public static final List<String> OONI_HELPERS = List.of(
      "https://5.th.ooni.org/", "https://6.th.ooni.org/", "https://d33d1gs9kpq1c5.cloudfront.net/");

  private ControlDefaults() {}

  /** The default controls under this process's environment. */
  public static List<String> urls() {
    return urls(System.getenv());
  }

  /**
   * The default controls under {@code env}: {@code KUZET_CONTROL} when set (each URL checked), else OONI's
   * helpers. A bad value is a {@link ConfigException} naming the variable and the value.
   */
  public static List<String> urls(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      return OONI_HELPERS;
    }
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    try {
      return parse(items);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("environment", 0, ENV, e.getMessage() + " (or '" + NONE + "' for no control)");
    }
  }

  /**
   * A list of control URLs as written in {@code KUZET_CONTROL} or {@code [control] urls}: http(s) URLs, or
   * {@code none} alone for no control. Throws IllegalArgumentException naming the bad item.
   */
  static List<String> parse(List<String> items) {
    if (items.stream().anyMatch(v -> v.equalsIgnoreCase(NONE))) {
      if (items.size() > 1) {
        throw new IllegalArgumentException("'" + NONE + "' cannot be combined with URLs");
      }
      return List.of();
    }
    return items.stream().map(ConfigLoader::url).toList();
  }
}
