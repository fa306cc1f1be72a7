package org.kuzet.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.store.ConnectivityRecord;
import org.kuzet.agent.store.RunRecord;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.NetworkState;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The report's content for the cases an analyst met: offline runs, outage details, what is blocked now. */
class HtmlReportTest {
  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  private static StoredMeasurement m(long id, long run, String url, Instant at, String verdict, String blocking,
      List<String> signals) {
    return new StoredMeasurement(id, "uid" + id, run, url, "kz", "NEWS", at, 1.0, "AS9198", "KZ", verdict, blocking,
        null, signals, "pending", 0, null, null);
  }

  private static RunRecord run(long id, Instant at, NetworkState state, long count) {
    return new RunRecord(id, at, at.plusSeconds(60), Trigger.MANUAL, null, "0.1.0", "AS9198", "KZ", "JSC Kazakhtelecom", "AS9198",
        "JSC Kazakhtelecom", state, count, 0, null);
  }

  private static String render(HtmlReport r, List<ConnectivityRecord> events) {
    return r.render("test", null, null, events, T.plusSeconds(86_400));
  }

  @Test
  void aDatabaseOfflineFromRunOnceShowsItsRunsAsGaps() {
    HtmlReport r = new HtmlReport();
    r.add(m(1, 1, "https://a.kz/", T, "offline", null, List.of()));
    r.add(m(2, 1, "https://b.kz/", T.plusSeconds(5), "offline", null, List.of()));
    assertEquals(java.util.Set.of(1L), r.runIds());
    r.addRun(run(1, T.minusSeconds(2), NetworkState.OFFLINE, 2));

    String page = render(r, List.of());

    assertFalse(page.contains("No connectivity gap recorded"), page);
    assertTrue(page.contains("<tr><td>offline</td><td>2026-11-20 09:59:58</td>"), page);
    assertTrue(page.contains("run #1: its connectivity check found the network offline"), page);
    assertTrue(page.contains("fill-opacity=\"0.15\"><title>offline"), "shaded on the timeline too");
  }

  @Test
  void aRunCoveredByARecordedEventIsNotCountedTwice() {
    HtmlReport r = new HtmlReport();
    r.add(m(1, 1, "https://a.kz/", T, "offline", null, List.of()));
    r.addRun(run(1, T, NetworkState.OFFLINE, 1));
    String page = render(r, List.of(new ConnectivityRecord(1, NetworkState.OFFLINE, T.minusSeconds(600),
        T.plusSeconds(600), null)));
    String gaps = page.substring(page.indexOf("<h2>Connectivity gaps</h2>"));
    assertEquals(1, Pattern.compile("<tr><td>offline</td>").matcher(gaps).results().count(), gaps);
  }

  @Test
  void outageDetailsAreWordsNotJson() {
    String detail = "{\"link_up\":true,\"domestic\":[{\"anchor\":\"dns 10.0.0.1:53\",\"failure\":null},"
        + "{\"anchor\":\"tcp 10.0.0.2:443\",\"failure\":\"connection_refused\"}],"
        + "\"foreign\":[{\"anchor\":\"tcp 1.1.1.1:443\",\"failure\":\"generic_timeout_error\"}]}";
    assertEquals("local link up; domestic anchors: 1 of 2 failed (tcp 10.0.0.2:443: connection_refused);"
        + " foreign anchors: all 1 failed (tcp 1.1.1.1:443: generic_timeout_error)", HtmlReport.detail(detail));
    HtmlReport r = new HtmlReport();
    r.add(m(1, 1, "https://a.kz/", T, "accessible", "false", List.of()));
    String page = render(r, List.of(new ConnectivityRecord(1, NetworkState.DOMESTIC_ONLY, T, T.plusSeconds(3600),
        detail)));
    assertTrue(page.contains("local link up; domestic anchors: 1 of 2 failed"), page);
    assertFalse(page.contains("{&quot;link_up"), "no raw JSON");
  }

  @Test
  void blockedNowListsOnlyTargetsWhoseLatestVerdictIsBlocked() {
    HtmlReport r = new HtmlReport();
    r.add(m(1, 1, "https://still.kz/", T, "accessible", "false", List.of()));
    r.add(m(2, 2, "https://still.kz/", T.plusSeconds(3600), "blocked", "dns", List.of("dns.nxdomain")));
    r.add(m(3, 3, "https://still.kz/", T.plusSeconds(7200), "blocked", "dns", List.of("dns.nxdomain")));
    r.add(m(4, 1, "https://unblocked.kz/", T, "blocked", "tcp_ip", List.of("tcp.reset")));
    r.add(m(5, 3, "https://unblocked.kz/", T.plusSeconds(7200), "accessible", "false", List.of()));

    String page = render(r, List.of());

    String table = page.substring(page.indexOf("<h2>Blocked now</h2>"), page.indexOf("<h2>Timeline per target</h2>"));
    assertTrue(table.contains("<tr><td>https://still.kz/</td><td><code>dns</code></td><td><code>dns.nxdomain</code>"
        + "</td><td>2026-11-20 11:00:00</td><td>2026-11-20 12:00:00</td></tr>"), table);
    assertFalse(table.contains("unblocked.kz"), table);
  }

  @Test
  void verdictMarksAreWideColourBlindSafeAndLettered() {
    HtmlReport r = new HtmlReport();
    r.add(m(1, 1, "https://a.kz/", T, "blocked", "dns", List.of("dns.nxdomain")));
    r.add(m(2, 1, "https://b.kz/", T, "inconclusive", null, List.of()));
    String page = render(r, List.of());
    Matcher mark = Pattern.compile("<rect x=\"[0-9.]+\" y=\"\\d+\" width=\"(\\d+)\" height=\"\\d+\" fill=\"(#[0-9A-F]+)\"/>"
        + "<text [^>]*>([A-Z?])</text>").matcher(page);
    List<String> seen = new java.util.ArrayList<>();
    while (mark.find()) {
      assertTrue(Integer.parseInt(mark.group(1)) >= 8, "a mark is wide enough to see: " + mark.group());
      seen.add(mark.group(2) + " " + mark.group(3));
    }
    assertEquals(List.of("#D55E00 B", "#E69F00 I"), seen);
    assertTrue(page.contains(">B</span>blocked") && page.contains(">I</span>inconclusive"), "the legend has letters");
  }

  // ------------------------------------------------------------ attacker-controlled text stays text

  private static final String TITLE_ATTACK = "</title><script>alert(1)</script>";
  private static final String URL_ATTACK = "https://a.kz/\"><img src=x onerror=alert(2)>";
  private static final String CN_ATTACK = "CN=<b onmouseover=alert(3)>Kazakhstan Root CA</b>";

  private static StoredMeasurement intercepted(String url, String issuer) {
    String json = "{\"test_keys\":{\"x_interception\":{\"issuer\":" + quote(issuer)
        + ",\"spki_sha256\":\"<i>spki</i>\",\"known_root\":\"<script>alert(4)</script>\"}}}";
    return new StoredMeasurement(1, "uid1", 1L, url, "kz", "NEWS", T, 1.0, "AS9198", "KZ", "blocked",
        "<u>http-diff</u>", false, List.of("tls.interception"), "pending", 0, null, json);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String hostilePage() {
    HtmlReport r = new HtmlReport();
    r.add(intercepted(URL_ATTACK, CN_ATTACK));
    return r.render(TITLE_ATTACK, null, null, List.of(new ConnectivityRecord(1, NetworkState.OFFLINE, T,
        T.plusSeconds(60), "{\"note\":\"<iframe src=//evil>\"}")), T.plusSeconds(86_400));
  }

  /** The page as a tree, as a browser would build it from well-formed markup (no DTD, no external entities). */
  private static Document parse(String page) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(page)));
  }

  @Test
  void attackerControlledTextComesOutInert() throws Exception {
    String page = hostilePage();

    for (String raw : List.of("<script", "<img", "<b ", "<iframe", "<i>", "<u>")) {
      assertFalse(page.contains(raw), raw + " reached the page as markup");
    }
    assertTrue(page.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "the title, escaped");
    assertTrue(page.contains("&lt;img src=x onerror=alert(2)&gt;"), "the URL, escaped");
    assertTrue(page.contains("CN=&lt;b onmouseover=alert(3)&gt;Kazakhstan Root CA&lt;/b&gt;"), "the CN, escaped");

    Document doc = parse(page);
    for (String tag : List.of("script", "img", "b", "iframe", "i", "u")) {
      assertEquals(0, doc.getElementsByTagName(tag).getLength(), "no <" + tag + "> element in the page");
    }
    NodeList titles = doc.getElementsByTagName("title");
    assertEquals(TITLE_ATTACK, titles.item(0).getTextContent(), "the page title is the text as given");
    assertEquals(TITLE_ATTACK, doc.getElementsByTagName("h1").item(0).getTextContent());
    String tooltips = "";
    for (int i = 1; i < titles.getLength(); i++) {
      tooltips += titles.item(i).getTextContent() + "\n";
    }
    assertTrue(tooltips.contains(URL_ATTACK), "the full URL is the timeline label's tooltip, as text: " + tooltips);
    String cells = doc.getElementsByTagName("body").item(0).getTextContent();
    assertTrue(cells.contains(CN_ATTACK), "the issuer is shown as text");
    assertTrue(cells.contains("<script>alert(4)</script>"), "the known root is shown as text");
    assertTrue(cells.contains("note: <iframe src=//evil>"), "the outage detail is shown as text");
  }

  @Test
  void attributesAndTheInlineSvgStayWellFormed() throws Exception {
    HtmlReport r = new HtmlReport();
    r.add(m(1, 1, "https://a.kz/?q=\"'&<>\u0001\u0007", T, "blocked", "dns", List.of("dns.nxdomain")));
    String page = r.render("quotes \" ' & and a bell \u0007", null, null, List.of(), T.plusSeconds(60));
    assertFalse(page.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t'), "no control character (XML forbids them)");
    Document doc = parse(page);
    assertEquals(1, doc.getElementsByTagName("svg").getLength());
    assertEquals("quotes \" ' & and a bell  ", doc.getElementsByTagName("h1").item(0).getTextContent());
  }

  @Test
  void thePageIsSelfContained() {
    String page = hostilePage();
    for (String external : List.of("<script", "<link", "src=\"", "href=\"", "@import", "url(")) {
      assertFalse(page.contains(external), "no external asset or script: " + external);
    }
    assertTrue(page.startsWith("<!DOCTYPE html>"), page.substring(0, 40));
    assertTrue(page.contains("<style>") && page.contains("<svg "), "styles and the timeline are inline");
  }
}
