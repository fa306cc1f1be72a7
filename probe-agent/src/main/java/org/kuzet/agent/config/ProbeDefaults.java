package org.kuzet.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kuzet.core.identity.StunClient;

/**
 * The network lookup's defaults when neither the command line nor {@code [probe]} in the config file says: on,
 * with the public STUN servers OONI Probe uses. The environment variable {@code KUZET_STUN} replaces them: a
 * comma-separated list of {@code host:port}, or {@code none} to leave the lookup off unless STUN servers are named
 * in the config file or on the command line (the test suite runs with {@code none}, so no test can reach a real
 * STUN server, or ask the machine's resolver "whoami", by omission).
 */
public final class ProbeDefaults {
  /** The environment variable that replaces {@link StunClient#OONI_SERVERS}. */
  public static final String ENV = "KUZET_STUN";

  /** The value of {@code KUZET_STUN} that turns the lookup off by default. */
  public static final String NONE = "none";

  private ProbeDefaults() {}

  /** The default STUN servers under this process's environment; empty when the lookup is off by default. */
  public static List<String> stunServers() {
    return stunServers(System.getenv());
  }

  /**
   * The default STUN servers under {@code env}: {@code KUZET_STUN}'s when set (empty for {@code none}), else
   * OONI's. A bad entry is a {@link ConfigException} naming the variable and the value.
   */
  public static List<String> stunServers(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      return StunClient.OONI_SERVERS;
    }
    if (value.strip().equalsIgnoreCase(NONE)) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        try {
          StunClient.endpoint(item);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("environment", 0, ENV, e.getMessage() + " (or '" + NONE + "' for no lookup)");
        }
        items.add(item.strip());
      }
    }
    return List.copyOf(items);
  }
}
