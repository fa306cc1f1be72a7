package org.kuzet.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OONI's own keys of the messenger tests (ts-018 {@code whatsapp}, ts-020 {@code telegram}, ts-029 {@code signal}),
 * computed from a kuzet messenger measurement's observations. Every observation of such a measurement carries two
 * tags: {@code service=S} (the part of the app: {@code endpoints}, {@code registration}, {@code web}, {@code dc},
 * {@code backend}) and {@code endpoint=E} (the host, address or URL checked). Pure; used by the analysis (what is
 * blocked) and the OONI export (the keys themselves).
 */
public final class MessengerKeys {
  public static final String WHATSAPP = "whatsapp";
  public static final String TELEGRAM = "telegram";
  public static final String SIGNAL = "signal";
  /** The test names of the messenger measurements. */
  public static final Set<String> TEST_NAMES = Set.of(WHATSAPP, TELEGRAM, SIGNAL);

  public static final String SERVICE = "service=";
  public static final String ENDPOINT = "endpoint=";

  private MessengerKeys() {}

  /** The value of a {@code name=} tag, or null. */
  public static String tag(List<String> tags, String prefix) {
    for (String t : tags) {
      if (t.startsWith(prefix)) {
        return t.substring(prefix.length());
      }
    }
    return null;
  }

  /**
   * One service's outcome.
   *
   * @param failure OONI's failure of the service: the first failure met, null when it worked
   * @param blockedEndpoints endpoints none of whose connections worked (for connect services)
   * @param endpoints every endpoint checked, in order
   */
  public record Outcome(boolean blocked, String failure, List<String> blockedEndpoints, List<String> endpoints) {}

  /**
   * Whether the name looked up for this query's service and endpoint got a usable address from any of its queries
   * (A or AAAA): then neither query's failure is a failure of the endpoint (a name with no AAAA is no fault).
   */
  public static boolean resolved(TestKeys k, DnsQuery query) {
    String service = tag(query.tags(), SERVICE);
    String endpoint = tag(query.tags(), ENDPOINT);
    for (DnsQuery q : k.queries()) {
      if (java.util.Objects.equals(service, tag(q.tags(), SERVICE))
          && java.util.Objects.equals(endpoint, tag(q.tags(), ENDPOINT))
          && q.answers().stream().anyMatch(a -> a.address() != null && !a.xBogon())) {
        return true;
      }
    }
    return false;
  }

  /**
   * A connect service ({@code endpoints}, {@code dc}): blocked when no endpoint connected; each endpoint blocked
   * when none of its connections worked. The failure is the first met, a name's lookup failure only when none of
   * its queries gave an address.
   */
  public static Outcome connected(TestKeys k, String service) {
    Map<String, Boolean> ok = new LinkedHashMap<>();
    String failure = null;
    for (DnsQuery q : k.queries()) {
      if (service.equals(tag(q.tags(), SERVICE))) {
        ok.putIfAbsent(tag(q.tags(), ENDPOINT), false);
        if (!resolved(k, q)) {
          failure = failure == null ? q.failure() : failure;
        }
      }
    }
    for (TcpConnect c : k.tcpConnect()) {
      if (service.equals(tag(c.tags(), SERVICE))) {
        String e = tag(c.tags(), ENDPOINT);
        ok.merge(e, c.status().failure() == null, Boolean::logicalOr);
        failure = failure == null ? c.status().failure() : failure;
      }
    }
    List<String> blocked = ok.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    boolean all = !ok.isEmpty() && blocked.size() == ok.size();
    return new Outcome(all, all ? failure : null, blocked, List.copyOf(ok.keySet()));
  }

  /** An HTTP service: blocked when any of its requests got no response ({@code any}) or when none did. */
  public static Outcome fetched(TestKeys k, String service, boolean any) {
    List<String> endpoints = new ArrayList<>();
    Set<String> failed = new LinkedHashSet<>();
    String failure = null;
    boolean someResponse = false;
    for (HttpTransaction tx : k.requests()) {
      if (!service.equals(tag(tx.tags(), SERVICE))) {
        continue;
      }
      String e = tag(tx.tags(), ENDPOINT);
      endpoints.add(e);
      if (tx.failure() != null) {
        failed.add(e);
        failure = failure == null ? tx.failure() : failure;
      } else {
        someResponse = true;
      }
    }
    boolean blocked = !endpoints.isEmpty() && (any ? !failed.isEmpty() : !someResponse);
    return new Outcome(blocked, blocked ? failure : null, List.copyOf(failed), endpoints);
  }

  /** The services of an app and whether each is blocked, as OONI's keys judge them. */
  public static Map<String, Outcome> services(String testName, TestKeys k) {
    Map<String, Outcome> out = new LinkedHashMap<>();
    switch (testName) {
      case WHATSAPP -> {
        out.put("endpoints", connected(k, "endpoints"));
        out.put("registration", fetched(k, "registration", true));
        out.put("web", fetched(k, "web", true));
      }
      case TELEGRAM -> {
        Outcome dc = connected(k, "dc");
        Outcome http = fetched(k, "dc", false);
        out.put("dc", dc);
        // No request sent (no connection worked) is no HTTP answer either: blocked at HTTP too, as OONI writes it.
        out.put("dc_http", http.endpoints().isEmpty() && !dc.endpoints().isEmpty()
            ? new Outcome(true, dc.failure(), dc.blockedEndpoints(), dc.endpoints()) : http);
        out.put("web", fetched(k, "web", true));
      }
      case SIGNAL -> out.put("backend", fetched(k, "backend", true));
      default -> throw new IllegalArgumentException("not a messenger test: " + testName);
    }
    return out;
  }

  /** Writes OONI's keys of {@code testName} into {@code testKeys} (an OONI export's {@code test_keys}). */
  public static void write(String testName, TestKeys k, ObjectNode testKeys) {
    Map<String, Outcome> s = services(testName, k);
    switch (testName) {
      case WHATSAPP -> {
        Outcome endpoints = s.get("endpoints");
        testKeys.put("whatsapp_endpoints_status", endpoints.blocked() ? "blocked" : "ok");
        var list = testKeys.putArray("whatsapp_endpoints_blocked");
        endpoints.blockedEndpoints().forEach(list::add);
        testKeys.putArray("whatsapp_endpoints_dns_inconsistent");
        status(testKeys, "registration_server", s.get("registration"));
        status(testKeys, "whatsapp_web", s.get("web"));
      }
      case TELEGRAM -> {
        testKeys.put("telegram_tcp_blocking", s.get("dc").blocked());
        testKeys.put("telegram_http_blocking", s.get("dc_http").blocked());
        status(testKeys, "telegram_web", s.get("web"));
      }
      case SIGNAL -> status(testKeys, "signal_backend", s.get("backend"));
      default -> throw new IllegalArgumentException("not a messenger test: " + testName);
    }
  }

  private static void status(ObjectNode testKeys, String prefix, Outcome o) {
    testKeys.put(prefix + "_status", o.blocked() ? "blocked" : "ok");
    if (o.failure() == null) {
      testKeys.putNull(prefix + "_failure");
    } else {
      testKeys.put(prefix + "_failure", o.failure());
    }
  }
}
