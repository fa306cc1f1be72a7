package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.TestMeasurements;

class RunProgressTest {
  private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

  @Test
  void onATerminalOneBarIsRedrawnInPlace() {
    StringWriter s = new StringWriter();
    RunProgress p = RunProgress.forOutput(new PrintWriter(s), 4, true);
    p.measured(TestMeasurements.blocked("https://a.kz/", T));
    p.measured(TestMeasurements.accessible("https://b.kz/", T));
    p.finish();
    String out = s.toString();
    assertEquals(1, out.chars().filter(c -> c == '\n').count(), "redrawn with \\r, one line in the end: " + out);
    assertTrue(out.contains("\r[###############---------------] 2/4  blocked 1  "), out);
  }

  @Test
  void elsewhereOneLinePerMeasurement() {
    StringWriter s = new StringWriter();
    RunProgress p = RunProgress.forOutput(new PrintWriter(s), 12, false);
    p.measured(TestMeasurements.blocked("https://a.kz/", T));
    p.failed("https://c.kz/", "boom");
    assertEquals(java.util.List.of(
        "[ 1/12] blocked      https://a.kz/  tls.interception,tls.known_interception_root",
        "[ 2/12] error        https://c.kz/  boom"), s.toString().lines().toList());
  }

  @Test
  void csvCellsAreQuotedAndNeverFormulas() {
    assertEquals("plain", ExportCommand.csvCell("plain"));
    assertEquals("\"a,b\"", ExportCommand.csvCell("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", ExportCommand.csvCell("say \"hi\""));
    assertEquals("'=HYPERLINK(1)", ExportCommand.csvCell("=HYPERLINK(1)"));
    assertEquals("", ExportCommand.csvCell(null));
  }
}
