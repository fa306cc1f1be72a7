package org.kuzet.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.kuzet.agent.store.ConnectivityRecord;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.schema.MeasurementJson;

/**
 * A self-contained HTML page about stored measurements: a per-target timeline of verdicts (inline SVG), the
 * blocking methods seen, interception details and connectivity gaps. No script, no external asset (it may be
 * opened offline or passed around); every piece of stored data is escaped, since a blockpage title or a URL
 * is attacker-controlled text.
 */
public final class HtmlReport {
  private static final int LABEL_WIDTH = 260;
  private static final int PLOT_WIDTH = 720;
  private static final int ROW = 18;
  private static final Map<String, String> COLOURS = Map.of(
      "accessible", "#2e7d32", "blocked", "#c62828", "down", "#757575", "inconclusive", "#f9a825",
      "offline", "#455a64");
  private static final String UNANALYSED = "#bdbdbd";

  private final Map<String, List<StoredMeasurement>> byTarget = new TreeMap<>();
  private final Map<String, Integer> perVerdict = new TreeMap<>();
  private final Map<String, Integer> perSignal = new TreeMap<>();
  private final Map<String, Integer> perBlocking = new TreeMap<>();
  private final Map<String, Interception> interceptions = new LinkedHashMap<>();
  private Instant first;
  private Instant last;
  private long count;

  private record Interception(String issuer, String spki, String knownRoot, List<String> urls, Instant firstSeen,
      Instant lastSeen) {}

  /** Adds one stored measurement (its JSON included); measurements arrive oldest first. */
  public void add(StoredMeasurement m) {
    count++;
    byTarget.computeIfAbsent(m.input(), k -> new ArrayList<>()).add(withoutJson(m));
    perVerdict.merge(m.verdict() == null ? "not analysed" : m.verdict(), 1, Integer::sum);
    m.signals().forEach(s -> perSignal.merge(s, 1, Integer::sum));
    if (m.blocking() != null && !"false".equals(m.blocking())) {
      perBlocking.merge(m.blocking(), 1, Integer::sum);
    }
    first = first == null || m.startTime().isBefore(first) ? m.startTime() : first;
    last = last == null || m.startTime().isAfter(last) ? m.startTime() : last;
    if (m.measurementJson() != null && m.measurementJson().contains("\"x_interception\":{")) {
      try {
        JsonNode x = MeasurementJson.mapper().readTree(m.measurementJson()).path("test_keys").path("x_interception");
        if (x.isObject()) {
          String issuer = x.path("issuer").asText("");
          String spki = x.path("spki_sha256").asText("");
          String root = x.path("known_root").asText("");
          String key = issuer + "\n" + spki + "\n" + root;
          Interception old = interceptions.get(key);
          List<String> urls = old == null ? new ArrayList<>() : old.urls();
          if (!urls.contains(m.input())) {
            urls.add(m.input());
          }
          interceptions.put(key, new Interception(issuer, spki, root, urls,
              old == null ? m.startTime() : old.firstSeen(), m.startTime()));
        }
      } catch (java.io.IOException e) {
        // A stored line is always JSON; if not, the report simply lacks its interception detail.
      }
    }
  }

  private static StoredMeasurement withoutJson(StoredMeasurement m) {
    return new StoredMeasurement(m.id(), m.uid(), m.runId(), m.input(), m.targetList(), m.categoryCode(),
        m.startTime(), m.runtime(), m.probeAsn(), m.probeCc(), m.verdict(), m.blocking(), m.accessible(),
        m.signals(), m.uploadState(), m.uploadAttempts(), m.uploadError(), null);
  }

  /**
   * The page. {@code since}/{@code until} bound the timeline (null: the first/last measurement); {@code events}
   * are the connectivity events over that range.
   */
  public String render(String title, Instant since, Instant until, List<ConnectivityRecord> events, Instant generated) {
    Instant from = since != null ? since : first != null ? first : generated;
    Instant to = until != null ? until : last != null ? last.plusSeconds(1) : generated.plusSeconds(1);
    if (!to.isAfter(from)) {
      to = from.plusSeconds(1);
    }
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>").append(esc(title))
        .append("</title>\n<style>\n")
        .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;")
        .append("text-align:left;vertical-align:top}th{background:#f3f3f3}code{font-size:12px}")
        .append(".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}")
        .append("\n</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append("<p>").append(count).append(" measurement(s) from ").append(esc(StoreTimes.format(from)))
        .append(" to ").append(esc(StoreTimes.format(to))).append(" UTC; generated ")
        .append(esc(StoreTimes.format(generated))).append(" UTC.</p>\n");

    h.append("<h2>Verdicts</h2>\n<table><tr><th>verdict</th><th>measurements</th></tr>\n");
    perVerdict.forEach((v, n) -> h.append("<tr><td>").append(esc(v)).append("</td><td>").append(n)
        .append("</td></tr>\n"));
    h.append("</table>\n");

    h.append("<h2>Timeline per target</h2>\n");
    legend(h);
    timeline(h, from, to, events);

    h.append("<h2>Blocking methods seen</h2>\n");
    if (perSignal.isEmpty() && perBlocking.isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append("<table><tr><th>signal (x_signals)</th><th>measurements</th></tr>\n");
      perSignal.forEach((s, n) -> h.append("<tr><td><code>").append(esc(s)).append("</code></td><td>").append(n)
          .append("</td></tr>\n"));
      h.append("</table>\n<table><tr><th>OONI blocking</th><th>measurements</th></tr>\n");
      perBlocking.forEach((s, n) -> h.append("<tr><td><code>").append(esc(s)).append("</code></td><td>").append(n)
          .append("</td></tr>\n"));
      h.append("</table>\n");
    }

    h.append("<h2>TLS interception</h2>\n");
    if (interceptions.isEmpty()) {
      h.append("<p>No injected certificate seen.</p>\n");
    } else {
      h.append("<table><tr><th>issuer</th><th>SPKI SHA-256</th><th>known root</th><th>URLs</th>")
          .append("<th>first seen</th><th>last seen</th></tr>\n");
      for (Interception i : interceptions.values()) {
        h.append("<tr><td>").append(esc(i.issuer())).append("</td><td><code>").append(esc(i.spki()))
            .append("</code></td><td>").append(esc(i.knownRoot())).append("</td><td>")
            .append(esc(String.join(" ", i.urls()))).append("</td><td>").append(esc(StoreTimes.format(i.firstSeen())))
            .append("</td><td>").append(esc(StoreTimes.format(i.lastSeen()))).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Connectivity gaps</h2>\n");
    List<ConnectivityRecord> gaps = events.stream().filter(e -> e.state() != NetworkState.ONLINE).toList();
    if (gaps.isEmpty()) {
      h.append("<p>No connectivity gap recorded in this period.</p>\n");
    } else {
      h.append("<table><tr><th>state</th><th>from (UTC)</th><th>until (UTC)</th><th>duration</th><th>detail</th></tr>\n");
      for (ConnectivityRecord e : gaps) {
        h.append("<tr><td>").append(esc(e.state().wire())).append("</td><td>")
            .append(esc(StoreTimes.format(e.startedAt()))).append("</td><td>")
            .append(e.endedAt() == null ? "ongoing" : esc(StoreTimes.format(e.endedAt()))).append("</td><td>")
            .append(e.endedAt() == null ? "" : esc(duration(Duration.between(e.startedAt(), e.endedAt()))))
            .append("</td><td><code>").append(esc(e.detailJson() == null ? "" : e.detailJson()))
            .append("</code></td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void legend(StringBuilder h) {
    h.append("<p class=\"legend\">");
    for (String v : List.of("accessible", "blocked", "down", "inconclusive", "offline")) {
      h.append("<span style=\"background:").append(COLOURS.get(v)).append("\"></span>").append(v);
    }
    h.append("<span style=\"background:").append(UNANALYSED).append("\"></span>not analysed")
        .append("<span style=\"background:#000;opacity:.15\"></span>connectivity gap</p>\n");
  }

  private void timeline(StringBuilder h, Instant from, Instant to, List<ConnectivityRecord> events) {
    int height = Math.max(1, byTarget.size()) * ROW + 24;
    int width = LABEL_WIDTH + PLOT_WIDTH + 10;
    double span = Duration.between(from, to).toMillis();
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"timeline of verdicts per target\" font-size=\"11\"")
        .append(" font-family=\"sans-serif\">\n");
    for (ConnectivityRecord e : events) {
      if (e.state() == NetworkState.ONLINE) {
        continue;
      }
      Instant end = e.endedAt() == null ? to : e.endedAt();
      double x0 = x(e.startedAt(), from, span);
      double x1 = x(end, from, span);
      h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#000\""
          + " fill-opacity=\"0.15\"><title>", x0, Math.max(1, x1 - x0), height - 20))
          .append(esc(e.state().wire() + " " + StoreTimes.format(e.startedAt()) + " to "
              + (e.endedAt() == null ? "now" : StoreTimes.format(e.endedAt()))))
          .append("</title></rect>\n");
    }
    int row = 0;
    for (Map.Entry<String, List<StoredMeasurement>> t : byTarget.entrySet()) {
      int y = row * ROW;
      h.append("<text x=\"0\" y=\"").append(y + 13).append("\">").append(esc(shorten(t.getKey()))).append("<title>")
          .append(esc(t.getKey())).append("</title></text>\n");
      for (StoredMeasurement m : t.getValue()) {
        String colour = m.verdict() == null ? UNANALYSED : COLOURS.getOrDefault(m.verdict(), UNANALYSED);
        h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"%s\"><title>",
                x(m.startTime(), from, span), y + 3, ROW - 6, colour))
            .append(esc(StoreTimes.format(m.startTime()) + " " + (m.verdict() == null ? "not analysed" : m.verdict())
                + (m.signals().isEmpty() ? "" : " " + String.join(",", m.signals())) + " " + m.uid()))
            .append("</title></rect>\n");
      }
      row++;
    }
    int axis = Math.max(1, byTarget.size()) * ROW + 14;
    h.append("<text x=\"").append(LABEL_WIDTH).append("\" y=\"").append(axis).append("\">")
        .append(esc(StoreTimes.format(from))).append("</text>\n");
    h.append("<text x=\"").append(LABEL_WIDTH + PLOT_WIDTH).append("\" y=\"").append(axis)
        .append("\" text-anchor=\"end\">").append(esc(StoreTimes.format(to))).append("</text>\n");
    h.append("</svg>\n");
  }

  private static double x(Instant t, Instant from, double spanMillis) {
    double f = Duration.between(from, t).toMillis() / spanMillis;
    return LABEL_WIDTH + Math.max(0, Math.min(1, f)) * (PLOT_WIDTH - 3);
  }

  private static String shorten(String url) {
    return url.length() <= 40 ? url : url.substring(0, 39) + "…";
  }

  private static String duration(Duration d) {
    long s = d.toSeconds();
    return s >= 86400 ? String.format(Locale.ROOT, "%dd %dh", s / 86400, s / 3600 % 24)
        : s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60)
        : String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
  }

  /** Escapes text for HTML and SVG content and attribute values. */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append(' '); // control characters are not allowed in XML (the SVG) at all
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
