package org.kuzet.agent.report;

import java.util.List;

/**
 * What the report's template ({@code src/main/jte/report.jte}) shows, every value ready to print: numbers already
 * formatted, times as UTC text. The template escapes every one of them (jte's HTML output, on by default), so
 * nothing here is escaped and stored text (URLs, blockpage titles, certificate names) may hold anything.
 */
public record ReportPage(
    String title,
    long count,
    String from,
    String to,
    String generated,
    List<Count> verdicts,
    List<BlockedTarget> blockedNow,
    List<LegendEntry> legend,
    Timeline timeline,
    List<Count> signals,
    List<Count> blockings,
    List<InterceptionRow> interceptions,
    List<GapRow> gaps) {

  /** A name and how many measurements had it. */
  public record Count(String name, int n) {}

  /** A target whose latest measurement is blocked. */
  public record BlockedTarget(String url, String blocking, String signals, String since, String latest) {}

  /** A legend swatch: background and ink colours, the letter on the marks, the verdict's name. */
  public record LegendEntry(String background, String ink, String letter, String name) {}

  /** An injected certificate chain and where it was seen. */
  public record InterceptionRow(String issuer, String spki, String knownRoot, String urls, String firstSeen,
      String lastSeen) {}

  /** A time the network was not online; {@code until} and {@code duration} empty while it goes on. */
  public record GapRow(String state, String from, String until, String duration, String detail) {}

  /** The inline SVG: one row per target, a lettered mark per measurement, shaded gaps, the time axis. */
  public record Timeline(int width, int height, List<Shade> shades, List<TargetRow> rows, int labelWidth,
      int plotRight, int axisY, String from, String to) {}

  /** A shaded gap: x and width formatted ("12.5"), its tooltip. */
  public record Shade(String x, String width, int height, String tooltip) {}

  /** A target's row: where its label sits, the shortened and full URL, its marks. */
  public record TargetRow(int labelY, String label, String url, List<Mark> marks) {}

  /** One measurement's mark: a rectangle in the verdict's colour with the verdict's letter, and a tooltip. */
  public record Mark(String x, int y, int width, int height, String fill, String letterX, int letterY, String ink,
      String letter, String tooltip) {}
}
