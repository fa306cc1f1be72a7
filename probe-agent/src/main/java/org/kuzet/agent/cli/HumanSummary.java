package org.kuzet.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;

/** A few lines per measurement for a person at a terminal; the JSON line is the complete record. */
final class HumanSummary {
  private HumanSummary() {}

  static String format(Measurement m) {
    TestKeys k = m.testKeys();
    StringBuilder out = new StringBuilder();
    out.append(m.input()).append("  (").append(String.format(java.util.Locale.ROOT, "%.2fs", m.testRuntime()))
        .append(")\n");
    if (k.xVerdict() != null) {
      out.append("  verdict  ").append(k.xVerdict().wire());
      if (k.xSignals() != null && !k.xSignals().isEmpty()) {
        out.append("  ").append(k.xSignals().stream().map(s -> s.wire()).toList());
      }
      out.append('\n');
    }
    if (k.xBlockpage() != null && !k.xBlockpage().isEmpty()) {
      out.append("  blockpage ").append(String.join(", ", k.xBlockpage())).append('\n');
    }
    if (k.xInterception() != null) {
      for (JsonNode i : k.xInterception().isArray() ? k.xInterception() : List.of(k.xInterception())) {
        out.append("  intercept ").append(i.path("issuer").asText("?"));
        JsonNode root = i.path("known_root");
        if (!root.isMissingNode() && !root.isNull()) {
          out.append("  known root ").append(root.path("name").asText())
              .append(root.path("counted").asBoolean(true) ? "" : " (watched, not counted)");
        }
        String lookAlike = lookAlike(i);
        if (lookAlike != null) {
          out.append("  ").append(lookAlike);
        }
        out.append('\n');
      }
    }
    if (k.xFailedHop() != null && k.xFailedHop().path("hop").asInt(0) > 0) {
      out.append("  failed at redirect hop ").append(k.xFailedHop().path("hop").asInt()).append(' ')
          .append(k.xFailedHop().path("url").asText()).append('\n');
    }
    out.append("  dns      ").append(dns(k.queries())).append('\n');
    out.append("  tcp      ").append(tcp(k.tcpConnect())).append('\n');
    if (!k.tlsHandshakes().isEmpty()) {
      out.append("  tls      ").append(tls(k.tlsHandshakes())).append('\n');
    }
    for (HttpTransaction tx : k.requests()) {
      out.append("  http     ").append(http(tx)).append('\n');
    }
    return out.toString();
  }

  /**
   * "look-alike of NAME (name only, key differs)" for an {@code x_interception} whose chain only carries a known
   * root's name ({@code look_alike}, {@code matched_by: "name_only"}), else null. Several roots can share one
   * name; the first is named and the others counted, none is picked as "the" root.
   */
  static String lookAlike(JsonNode interception) {
    JsonNode l = interception == null ? null : interception.get("look_alike");
    if (l == null || !l.isObject()) {
      return null;
    }
    List<String> names = new java.util.ArrayList<>();
    l.path("names").forEach(n -> names.add(n.asText()));
    String name = names.isEmpty() ? l.path("subject").asText("?") : names.get(0);
    String more = names.size() > 1 ? " and " + (names.size() - 1) + " more root" + (names.size() > 2 ? "s" : "")
        + " of that name" : "";
    return "look-alike of " + name + more + " (name only, key differs)";
  }

  private static String dns(List<DnsQuery> queries) {
    if (queries.isEmpty()) {
      return "(IP address, no lookup)";
    }
    StringBuilder sb = new StringBuilder();
    for (DnsQuery q : queries) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(q.engine()).append(' ').append(q.queryType()).append(' ');
      if (q.failure() != null) {
        sb.append(q.failure());
      } else {
        Set<String> ips = new LinkedHashSet<>();
        for (DnsAnswer a : q.answers()) {
          if (a.address() != null) {
            ips.add(a.address() + (a.xBogon() ? " (bogon)" : ""));
          }
        }
        sb.append(String.join(",", ips));
      }
      if (!q.xExtraReplies().isEmpty()) {
        sb.append(" +").append(q.xExtraReplies().size()).append(" extra repl").append(
            q.xExtraReplies().size() == 1 ? "y" : "ies");
      }
    }
    return sb.toString();
  }

  private static String tcp(List<TcpConnect> connects) {
    if (connects.isEmpty()) {
      return "(no address to connect to)";
    }
    StringBuilder sb = new StringBuilder();
    for (TcpConnect c : connects) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(c.endpoint()).append(' ').append(c.status().success() ? "ok" : c.status().failure());
    }
    return sb.toString();
  }

  private static String tls(List<TlsHandshake> handshakes) {
    StringBuilder sb = new StringBuilder();
    for (TlsHandshake h : handshakes) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(h.address()).append(' ');
      sb.append(h.tlsVersion() == null ? "" : h.tlsVersion() + " ");
      sb.append(h.failure() == null ? "valid" : h.failure());
    }
    return sb.toString();
  }

  private static String http(HttpTransaction tx) {
    String url = tx.request().url();
    if (tx.failure() != null && tx.response().code() == null) {
      return url + " " + tx.failure();
    }
    HttpTransaction.Response r = tx.response();
    StringBuilder sb = new StringBuilder(url).append(' ').append(r.code());
    if (r.xTitle() != null) {
      sb.append(" \"").append(r.xTitle()).append('"');
    }
    sb.append(' ').append(r.xBodyLength()).append(" B");
    if (r.bodyIsTruncated()) {
      sb.append(" (truncated)");
    }
    String location = r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Location"))
        .map(e -> e.getValue()).findFirst().orElse(null);
    if (location != null && r.code() >= 300 && r.code() < 400) {
      sb.append(" -> ").append(location);
    }
    if (tx.failure() != null) {
      sb.append(' ').append(tx.failure());
    }
    return sb.toString();
  }
}
