package org.kuzet.backend.collector;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kuzet.backend.collector.CollectorStore.NetworkDay;

/**
 * {@code kuzet collector report --html}: blocked measurements per network (ASN) per day, across all probes, with
 * the methods seen, as one self-contained page (no script, no external resource). Every value that came from an
 * upload is escaped: measurements are written by whoever holds a key, so they are attacker-controlled text.
 * Escaping is by hand ({@link #esc}): the page is one table, not worth a template engine.
 */
public final class NetworkReport {
  private NetworkReport() {}

  public static String html(List<NetworkDay> days, LocalDateTime from, LocalDateTime to, Instant generatedAt) {
    StringBuilder h = new StringBuilder(4096);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>kuzet collector: blocking per network per day</title>\n<style>")
        .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}")
        .append("th{background:#f3f3f3}td.n{text-align:right}tr.blocked td.b{background:#fdd;font-weight:bold}")
        .append("code{font-size:.9em}</style></head><body>\n")
        .append("<h1>Blocking per network per day</h1>\n<p>Measurements from all probes with a start time from ")
        .append(esc(FastpathRow.TIME.format(from))).append(" to ").append(esc(FastpathRow.TIME.format(to)))
        .append(" UTC. Generated ").append(esc(generatedAt.toString())).append(".</p>\n");
    long total = days.stream().mapToLong(NetworkDay::measurements).sum();
    long blocked = days.stream().mapToLong(NetworkDay::blocked).sum();
    h.append("<p>").append(total).append(" measurements, ").append(blocked).append(" blocked, in ")
        .append(days.stream().map(NetworkDay::probeAsn).distinct().count()).append(" networks.</p>\n");
    if (days.isEmpty()) {
      h.append("<p>No measurements in this period.</p>\n");
    } else {
      h.append(summary(days));
      h.append("<h2>Per day</h2>\n<table><thead><tr><th>Day (UTC)</th><th>Network</th><th>Measurements</th>")
          .append("<th>Blocked</th><th>Methods seen</th></tr></thead><tbody>\n");
      for (NetworkDay d : days) {
        h.append("<tr").append(d.blocked() > 0 ? " class=\"blocked\"" : "").append("><td>")
            .append(esc(d.day().toString())).append("</td><td>").append(esc(network(d.probeAsn())))
            .append("</td><td class=\"n\">").append(d.measurements()).append("</td><td class=\"n b\">")
            .append(d.blocked()).append("</td><td>").append(methods(d.methods())).append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    h.append("<p>Methods are kuzet's signals (docs: DESIGN.md, x_signals): dns.* a DNS answer, tcp.* a connection,")
        .append(" tls.* the TLS handshake, http.* the page.</p>\n</body></html>\n");
    return h.toString();
  }

  /** Per network over the whole period: days with blocking, blocked measurements, methods. */
  private static String summary(List<NetworkDay> days) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, TreeSet<String>> methods = new TreeMap<>();
    Map<String, TreeSet<LocalDate>> blockedDays = new TreeMap<>();
    for (NetworkDay d : days) {
      long[] c = counts.computeIfAbsent(d.probeAsn(), k -> new long[2]);
      c[0] += d.measurements();
      c[1] += d.blocked();
      methods.computeIfAbsent(d.probeAsn(), k -> new TreeSet<>()).addAll(d.methods());
      if (d.blocked() > 0) {
        blockedDays.computeIfAbsent(d.probeAsn(), k -> new TreeSet<>()).add(d.day());
      }
    }
    StringBuilder h = new StringBuilder("<h2>Per network</h2>\n<table><thead><tr><th>Network</th>"
        + "<th>Measurements</th><th>Blocked</th><th>Days with blocking</th><th>Methods seen</th></tr></thead>"
        + "<tbody>\n");
    counts.forEach((asn, c) -> h.append("<tr").append(c[1] > 0 ? " class=\"blocked\"" : "").append("><td>")
        .append(esc(network(asn))).append("</td><td class=\"n\">").append(c[0]).append("</td><td class=\"n b\">")
        .append(c[1]).append("</td><td class=\"n\">").append(blockedDays.getOrDefault(asn, new TreeSet<>()).size())
        .append("</td><td>").append(methods(methods.get(asn))).append("</td></tr>\n"));
    return h.append("</tbody></table>\n").toString();
  }

  private static String network(String asn) {
    return asn == null || asn.isEmpty() ? "(unknown)" : asn;
  }

  private static String methods(java.util.Set<String> methods) {
    if (methods.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String m : methods) {
      out.append(out.length() == 0 ? "" : " ").append("<code>").append(esc(m)).append("</code>");
    }
    return out.toString();
  }

  /** Escapes text for HTML content and attribute values; control characters become spaces. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }
}
