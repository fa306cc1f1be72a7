package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.kuzet.agent.i18n.Language;
import org.kuzet.agent.i18n.Messages;

/** The control's part in a verdict, in words: unreachable, busy, refused, none configured. */
class ControlStatusTest {

  @Test
  void eachControlFailureSaysWhy() {
    assertEquals("answered", ControlStatus.describe(null));
    assertEquals("unreachable (connection refused)", ControlStatus.describe("connection_refused"));
    assertEquals("unreachable (no answer in time)", ControlStatus.describe("generic_timeout_error"));
    assertEquals("busy (answered HTTP 503)", ControlStatus.describe("unknown_failure: control answered HTTP 503"));
    assertEquals("refused (answered HTTP 403)", ControlStatus.describe("unknown_failure: control answered HTTP 403"));
    assertEquals("answered nonsense (response is not JSON)",
        ControlStatus.describe("unknown_failure: control response is not JSON"));
    assertEquals("none configured (--no-control, or KUZET_CONTROL / [control] urls = none)",
        ControlStatus.describe("no_control_configured"));
  }

  @Test
  void theRunSummaryCountsMeasurementsWithoutAnAnswerByReason() {
    Map<String, Long> counts = new TreeMap<>(Map.of("connection_refused", 3L,
        "unknown_failure: control answered HTTP 503", 1L));
    assertEquals("4 of 10 measurement(s) got no control answer: unreachable (connection refused) ×3, busy (answered"
        + " HTTP 503) ×1; their verdicts rest on local evidence only (mostly inconclusive)",
        ControlStatus.summary(counts, 10));
    assertNull(ControlStatus.summary(Map.of("no_control_configured", 5L), 5), "not configured is not a failure");
    assertEquals("none configured at the last run (verdicts rest on local evidence)",
        ControlStatus.health(Map.of("no_control_configured", 5L)));
  }

  @Test
  void theControlsHealthSpeaksTheVolunteersLanguageAndKeepsOonisStrings() {
    Messages ru = Messages.of(Language.RU);
    assertEquals("последний запуск: 3 из 3 измерений остались без ответа контроля: недоступен (соединение"
        + " отклонено) ×3; их вердикты опираются только на местные данные (в основном inconclusive)",
        ControlStatus.health(Map.of("connection_refused", 3L), ru));
    assertEquals("недоступен (ошибка TLS: ssl_unknown_authority)",
        ControlStatus.describe("ssl_unknown_authority", ru), "the failure string stays OONI's");
  }
}
