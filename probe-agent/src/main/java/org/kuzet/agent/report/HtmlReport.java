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
import org.kuzet.agent.store.RunRecord;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.schema.MeasurementJson;

/**
 * A self-contained HTML page about stored measurements: the targets blocked now, a per-target timeline of
 * verdicts (inline SVG, a lettered mark per measurement), the blocking methods seen, interception details and
 * connectivity gaps (recorded events, and runs whose own check found the network down). No script, no external asset (it may be
 * opened offline or passed around); every piece of stored data is escaped, since a blockpage title or a URL
 * is attacker-controlled text.
 */
public final class HtmlReport {
  private static final int LABEL_WIDTH = 260;
  private static final int PLOT_WIDTH = 720;
  private static final int ROW = 18;
  private static final int MARK = 9;
  // Okabe–Ito colours, told apart with colour-vision deficiencies; each mark also carries its verdict's letter,
  // so the timeline never depends on colour alone.
  private static final Map<String, String> COLOURS = Map.of(
      "accessible", "#009E73", "blocked", "#D55E00", "down", "#0072B2", "inconclusive", "#E69F00",
      "offline", "#000000");
  private static final Map<String, String> LETTERS = Map.of(
      "accessible", "A", "blocked", "B", "down", "D", "inconclusive", "I", "offline", "O");
  private static final String UNANALYSED = "#bdbdbd";

  private final Map<String, List<StoredMeasurement>> byTarget = new TreeMap<>();
  private final Map<String, Integer> perVerdict = new TreeMap<>();
  private final Map<String, Integer> perSignal = new TreeMap<>();
  private final Map<String, Integer> perBlocking = new TreeMap<>();
  private final Map<String, Interception> interceptions = new LinkedHashMap<>();
  private final Map<Long, RunRecord> runs = new TreeMap<>();
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

  /** The runs the added measurements belong to (to look up with {@link #addRun}). */
  public java.util.Set<Long> runIds() {
    java.util.Set<Long> ids = new java.util.TreeSet<>();
    byTarget.values().forEach(l -> l.forEach(m -> {
      if (m.runId() != null) {
        ids.add(m.runId());
      }
    }));
    return ids;
  }

  /**
   * Adds a run of the report's measurements: a run whose own connectivity check found the network not online (e.g.
   * {@code run --once} during a shutdown) is a gap even when no service recorded a connectivity event.
   */
  public void addRun(RunRecord run) {
    runs.put(run.id(), run);
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
        .append(".legend span{display:inline-block;width:14px;height:14px;margin:0 4px 0 12px;vertical-align:middle;font:bold 10px/14px sans-serif;text-align:center}")
        .append("\n</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append("<p>").append(count).append(" measurement(s) from ").append(esc(StoreTimes.format(from)))
        .append(" to ").append(esc(StoreTimes.format(to))).append(" UTC; generated ")
        .append(esc(StoreTimes.format(generated))).append(" UTC.</p>\n");

    h.append("<h2>Verdicts</h2>\n<table><tr><th>verdict</th><th>measurements</th></tr>\n");
    perVerdict.forEach((v, n) -> h.append("<tr><td>").append(esc(v)).append("</td><td>").append(n)
        .append("</td></tr>\n"));
    h.append("</table>\n");

    blockedNow(h);

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
    List<Gap> gaps = gaps(events);
    if (gaps.isEmpty()) {
      h.append("<p>No connectivity gap recorded in this period.</p>\n");
    } else {
      h.append("<table><tr><th>state</th><th>from (UTC)</th><th>until (UTC)</th><th>duration</th><th>detail</th></tr>\n");
      for (Gap g : gaps) {
        h.append("<tr><td>").append(esc(g.state().wire())).append("</td><td>")
            .append(esc(StoreTimes.format(g.from()))).append("</td><td>")
            .append(g.until() == null ? "ongoing" : esc(StoreTimes.format(g.until()))).append("</td><td>")
            .append(g.until() == null ? "" : esc(duration(Duration.between(g.from(), g.until()))))
            .append("</td><td>").append(esc(g.detail())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void legend(StringBuilder h) {
    h.append("<p class=\"legend\">");
    for (String v : List.of("accessible", "blocked", "down", "inconclusive", "offline")) {
      h.append("<span style=\"background:").append(COLOURS.get(v)).append(";color:")
          .append("inconclusive".equals(v) ? "#000" : "#fff").append("\">").append(LETTERS.get(v)).append("</span>")
          .append(v);
    }
    h.append("<span style=\"background:").append(UNANALYSED).append("\">?</span>not analysed")
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
    for (Gap g : gaps(events)) {
      Instant end = g.until() == null ? to : g.until();
      double x0 = x(g.from(), from, span);
      double x1 = x(end, from, span);
      h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#000\""
          + " fill-opacity=\"0.15\"><title>", x0, Math.max(MARK, x1 - x0), height - 20))
          .append(esc(g.state().wire() + " " + StoreTimes.format(g.from()) + " to "
              + (g.until() == null ? "now" : StoreTimes.format(g.until()))))
          .append("</title></rect>\n");
    }
    int row = 0;
    for (Map.Entry<String, List<StoredMeasurement>> t : byTarget.entrySet()) {
      int y = row * ROW;
      h.append("<text x=\"0\" y=\"").append(y + 13).append("\">").append(esc(shorten(t.getKey()))).append("<title>")
          .append(esc(t.getKey())).append("</title></text>\n");
      for (StoredMeasurement m : t.getValue()) {
        String colour = m.verdict() == null ? UNANALYSED : COLOURS.getOrDefault(m.verdict(), UNANALYSED);
        double mx = x(m.startTime(), from, span);
        h.append(String.format(Locale.ROOT, "<g><rect x=\"%.1f\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                mx, y + 2, MARK, ROW - 4, colour))
            .append(letter(mx, y + 2, m.verdict())).append("<title>")
            .append(esc(StoreTimes.format(m.startTime()) + " " + (m.verdict() == null ? "not analysed" : m.verdict())
                + (m.signals().isEmpty() ? "" : " " + String.join(",", m.signals())) + " " + m.uid()))
            .append("</title></g>\n");
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
    return LABEL_WIDTH + Math.max(0, Math.min(1, f)) * (PLOT_WIDTH - MARK);
  }

  /** The verdict's letter inside its mark (white on the dark colours, black on the light ones). */
  private static String letter(double x, int y, String verdict) {
    String l = verdict == null ? "?" : LETTERS.getOrDefault(verdict, "?");
    String ink = verdict == null || "inconclusive".equals(verdict) ? "#000" : "#fff";
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"9\""
        + " font-weight=\"bold\" fill=\"%s\">%s</text>", x + MARK / 2.0, y + ROW - 8, ink, l);
  }

  /** A time the network was not online: a recorded connectivity event, or a run whose own check said so. */
  private record Gap(NetworkState state, Instant from, Instant until, String detail) {}

  private List<Gap> gaps(List<ConnectivityRecord> events) {
    List<Gap> out = new ArrayList<>();
    for (ConnectivityRecord e : events) {
      if (e.state() != NetworkState.ONLINE) {
        out.add(new Gap(e.state(), e.startedAt(), e.endedAt(), detail(e.detailJson())));
      }
    }
    for (RunRecord r : runs.values()) {
      if (r.connectivity() == null || r.connectivity() == NetworkState.ONLINE) {
        continue;
      }
      boolean recorded = events.stream().anyMatch(e -> e.state() == r.connectivity()
          && !e.startedAt().isAfter(r.startedAt()) && (e.endedAt() == null || e.endedAt().isAfter(r.startedAt())));
      if (!recorded) {
        out.add(new Gap(r.connectivity(), r.startedAt(), r.endedAt() == null ? r.startedAt() : r.endedAt(),
            "run #" + r.id() + ": its connectivity check found the network " + r.connectivity().wire()
                + "; its " + r.measurementCount() + " measurement(s) are offline, no site blamed"));
      }
    }
    out.sort(java.util.Comparator.comparing(Gap::from));
    return out;
  }

  /**
   * What a connectivity check saw, in words: "local link up; domestic anchors: 1 of 2 failed (…); foreign
   * anchors: all 2 failed (…)". Unknown members are listed as they are.
   */
  static String detail(String json) {
    if (json == null || json.isBlank()) {
      return "";
    }
    JsonNode d;
    try {
      d = MeasurementJson.mapper().readTree(json);
    } catch (java.io.IOException e) {
      return json;
    }
    if (d == null || !d.isObject()) {
      return json;
    }
    List<String> parts = new ArrayList<>();
    d.fields().forEachRemaining(f -> {
      JsonNode v = f.getValue();
      if (f.getKey().equals("link_up") && v.isBoolean()) {
        parts.add(v.asBoolean() ? "local link up" : "local link down");
      } else if (v.isArray()) {
        parts.add(f.getKey() + " anchors: " + anchors(v));
      } else {
        parts.add(f.getKey() + ": " + (v.isValueNode() ? v.asText() : v.toString()));
      }
    });
    return String.join("; ", parts);
  }

  private static String anchors(JsonNode list) {
    List<String> failed = new ArrayList<>();
    for (JsonNode a : list) {
      if (!a.path("failure").isNull() && !a.path("failure").isMissingNode()) {
        failed.add(a.path("anchor").asText("?") + ": " + a.path("failure").asText());
      }
    }
    if (list.isEmpty()) {
      return "none checked";
    }
    String counted = failed.isEmpty() ? "all " + list.size() + " answered"
        : (failed.size() == list.size() ? "all " + list.size() : failed.size() + " of " + list.size()) + " failed";
    return failed.isEmpty() ? counted : counted + " (" + String.join(", ", failed) + ")";
  }

  /** The targets whose latest measurement is blocked: how, since when (this streak) and when last seen. */
  private void blockedNow(StringBuilder h) {
    h.append("<h2>Blocked now</h2>\n");
    List<String> rows = new ArrayList<>();
    for (Map.Entry<String, List<StoredMeasurement>> t : byTarget.entrySet()) {
      List<StoredMeasurement> ms = t.getValue();
      StoredMeasurement latest = ms.stream().max(java.util.Comparator.comparing(StoredMeasurement::startTime))
          .orElseThrow();
      if (!"blocked".equals(latest.verdict())) {
        continue;
      }
      List<StoredMeasurement> sorted = ms.stream().sorted(java.util.Comparator.comparing(StoredMeasurement::startTime))
          .toList();
      Instant since = latest.startTime();
      for (int i = sorted.size() - 1; i >= 0 && "blocked".equals(sorted.get(i).verdict()); i--) {
        since = sorted.get(i).startTime();
      }
      rows.add("<tr><td>" + esc(t.getKey()) + "</td><td><code>" + esc(latest.blocking() == null ? "" : latest.blocking())
          + "</code></td><td><code>" + esc(String.join(", ", latest.signals())) + "</code></td><td>"
          + esc(StoreTimes.format(since)) + "</td><td>" + esc(StoreTimes.format(latest.startTime())) + "</td></tr>\n");
    }
    if (rows.isEmpty()) {
      h.append("<p>No target's latest measurement is blocked.</p>\n");
      return;
    }
    h.append("<table><tr><th>target</th><th>method (OONI blocking)</th><th>signals</th><th>blocked since (UTC)</th>")
        .append("<th>latest measurement (UTC)</th></tr>\n");
    rows.forEach(h::append);
    h.append("</table>\n");
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
