package org.kuzet.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.report.ReportPage.BlockedTarget;
import org.kuzet.agent.report.ReportPage.Count;
import org.kuzet.agent.report.ReportPage.GapRow;
import org.kuzet.agent.report.ReportPage.InterceptionRow;
import org.kuzet.agent.report.ReportPage.LegendEntry;
import org.kuzet.agent.report.ReportPage.Mark;
import org.kuzet.agent.report.ReportPage.Shade;
import org.kuzet.agent.report.ReportPage.TargetRow;
import org.kuzet.agent.report.ReportPage.Timeline;
import org.kuzet.agent.store.ConnectivityRecord;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.agent.store.StoreTimes;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.MeasurementJson;

/**
 * A self-contained HTML page about stored measurements: the targets blocked now, a per-target timeline of
 * verdicts (inline SVG, a lettered mark per measurement), the blocking methods seen, interception details and
 * connectivity gaps (recorded events, and runs whose own check found the network down). No script, no external
 * asset (it may be opened offline or passed around).
 *
 * <p>This class gathers the measurements into a {@link ReportPage}; the page is written by the jte template
 * {@code src/main/jte/report.jte}, compiled to Java at build time. jte escapes every value for where it stands, so
 * stored text (a blockpage title, a URL, a certificate name: attacker-controlled) can never become markup.
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
  private static final List<String> VERDICTS = List.of("accessible", "blocked", "down", "inconclusive", "offline");
  private static final String UNANALYSED = "#bdbdbd";

  /** The templates as compiled at build time (see probe-agent's pom: jte-maven-plugin). */
  private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
      HtmlReport.class.getClassLoader(), "org.kuzet.agent.report.jte");

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
  public Set<Long> runIds() {
    Set<Long> ids = new TreeSet<>();
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
    return render(title, since, until, events, generated, Messages.english());
  }

  /** {@link #render} with the page's labels in the volunteer's language (verdict and signal names stay English). */
  public String render(String title, Instant since, Instant until, List<ConnectivityRecord> events, Instant generated,
      Messages messages) {
    StringOutput out = new StringOutput(64 * 1024);
    TEMPLATES.render("report.jte", Map.of("page", page(title, since, until, events, generated), "msg", messages),
        new InertOutput(out));
    return out.toString();
  }

  /** What the template shows; see {@link #render}. */
  ReportPage page(String title, Instant since, Instant until, List<ConnectivityRecord> events, Instant generated) {
    Instant from = since != null ? since : first != null ? first : generated;
    Instant to = until != null ? until : last != null ? last.plusSeconds(1) : generated.plusSeconds(1);
    if (!to.isAfter(from)) {
      to = from.plusSeconds(1);
    }
    List<Gap> gaps = gaps(events);
    List<LegendEntry> legend = VERDICTS.stream().map(v -> new LegendEntry(COLOURS.get(v),
        "inconclusive".equals(v) ? "#000" : "#fff", LETTERS.get(v), v)).toList();
    List<InterceptionRow> intercepted = interceptions.values().stream().map(i -> new InterceptionRow(i.issuer(),
        i.spki(), i.knownRoot(), String.join(" ", i.urls()), StoreTimes.format(i.firstSeen()),
        StoreTimes.format(i.lastSeen()))).toList();
    List<GapRow> gapRows = gaps.stream().map(g -> new GapRow(g.state().wire(), StoreTimes.format(g.from()),
        g.until() == null ? "ongoing" : StoreTimes.format(g.until()),
        g.until() == null ? "" : duration(Duration.between(g.from(), g.until())), g.detail())).toList();
    return new ReportPage(title, count, StoreTimes.format(from), StoreTimes.format(to), StoreTimes.format(generated),
        counts(perVerdict), blockedNow(), legend, timeline(from, to, gaps), counts(perSignal), counts(perBlocking),
        intercepted, gapRows);
  }

  private static List<Count> counts(Map<String, Integer> perName) {
    return perName.entrySet().stream().map(e -> new Count(e.getKey(), e.getValue())).toList();
  }

  private Timeline timeline(Instant from, Instant to, List<Gap> gaps) {
    int height = Math.max(1, byTarget.size()) * ROW + 24;
    int width = LABEL_WIDTH + PLOT_WIDTH + 10;
    double span = Duration.between(from, to).toMillis();
    List<Shade> shades = new ArrayList<>();
    for (Gap g : gaps) {
      Instant end = g.until() == null ? to : g.until();
      double x0 = x(g.from(), from, span);
      double x1 = x(end, from, span);
      shades.add(new Shade(number(x0), number(Math.max(MARK, x1 - x0)), height - 20, g.state().wire() + " "
          + StoreTimes.format(g.from()) + " to " + (g.until() == null ? "now" : StoreTimes.format(g.until()))));
    }
    List<TargetRow> rows = new ArrayList<>();
    int row = 0;
    for (Map.Entry<String, List<StoredMeasurement>> t : byTarget.entrySet()) {
      int y = row * ROW;
      List<Mark> marks = new ArrayList<>();
      for (StoredMeasurement m : t.getValue()) {
        String verdict = m.verdict();
        double mx = x(m.startTime(), from, span);
        // The verdict's letter inside its mark (white on the dark colours, black on the light ones).
        marks.add(new Mark(number(mx), y + 2, MARK, ROW - 4,
            verdict == null ? UNANALYSED : COLOURS.getOrDefault(verdict, UNANALYSED), number(mx + MARK / 2.0),
            y + 2 + ROW - 8, verdict == null || "inconclusive".equals(verdict) ? "#000" : "#fff",
            verdict == null ? "?" : LETTERS.getOrDefault(verdict, "?"),
            StoreTimes.format(m.startTime()) + " " + (verdict == null ? "not analysed" : verdict)
                + (m.signals().isEmpty() ? "" : " " + String.join(",", m.signals())) + " " + m.uid()));
      }
      rows.add(new TargetRow(y + 13, shorten(t.getKey()), t.getKey(), marks));
      row++;
    }
    int axis = Math.max(1, byTarget.size()) * ROW + 14;
    return new Timeline(width, height, shades, rows, LABEL_WIDTH, LABEL_WIDTH + PLOT_WIDTH, axis,
        StoreTimes.format(from), StoreTimes.format(to));
  }

  private static double x(Instant t, Instant from, double spanMillis) {
    double f = Duration.between(from, t).toMillis() / spanMillis;
    return LABEL_WIDTH + Math.max(0, Math.min(1, f)) * (PLOT_WIDTH - MARK);
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
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
    out.sort(Comparator.comparing(Gap::from));
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
  private List<BlockedTarget> blockedNow() {
    List<BlockedTarget> rows = new ArrayList<>();
    for (Map.Entry<String, List<StoredMeasurement>> t : byTarget.entrySet()) {
      List<StoredMeasurement> ms = t.getValue();
      StoredMeasurement latest = ms.stream().max(Comparator.comparing(StoredMeasurement::startTime)).orElseThrow();
      if (!"blocked".equals(latest.verdict())) {
        continue;
      }
      List<StoredMeasurement> sorted = ms.stream().sorted(Comparator.comparing(StoredMeasurement::startTime)).toList();
      Instant since = latest.startTime();
      for (int i = sorted.size() - 1; i >= 0 && "blocked".equals(sorted.get(i).verdict()); i--) {
        since = sorted.get(i).startTime();
      }
      rows.add(new BlockedTarget(t.getKey(), latest.blocking() == null ? "" : latest.blocking(),
          String.join(", ", latest.signals()), StoreTimes.format(since), StoreTimes.format(latest.startTime())));
    }
    return rows;
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

  /**
   * jte's escaping HTML output, which also blanks control characters in stored text: they are not allowed in XML
   * (the inline SVG) at all, and escaping cannot express them.
   */
  private static final class InertOutput extends OwaspHtmlTemplateOutput {
    InertOutput(StringOutput out) {
      super(out);
    }

    @Override
    public void writeUserContent(String value) {
      super.writeUserContent(value == null ? null : withoutControlCharacters(value));
    }
  }

  static String withoutControlCharacters(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\t') {
        if (out == null) {
          out = new StringBuilder(s);
        }
        out.setCharAt(i, ' ');
      }
    }
    return out == null ? s : out.toString();
  }
}
