package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.control.ControlResponse;

/** OONI's page comparison rules, one at a time. */
class HttpComparisonTest {
  private static final Map<String, String> COMMON = Map.of("Date", "x", "Content-Type", "text/html");

  @Test
  void bodyLengthMatchesAboveSeventyPercent() {
    assertEquals(Boolean.TRUE, compare(response(200, 710, "t", COMMON), control(200, 1000, "t", COMMON))
        .bodyLengthMatch());
    assertEquals(Boolean.FALSE, compare(response(200, 700, "t", COMMON), control(200, 1000, "t", COMMON))
        .bodyLengthMatch(), "exactly 0.7 is not above it");
    assertEquals(0.5, compare(response(200, 2000, "t", COMMON), control(200, 1000, "t", COMMON)).bodyProportion(),
        "min over max, whichever side is longer");
  }

  @Test
  void bodyLengthIsNotComparedForTruncatedOrMissingBodies() {
    HttpTransaction.Response truncated = new HttpTransaction.Response(200, COMMON, List.of(), "x".repeat(10), true,
        10, "t");
    assertNull(compare(truncated, control(200, 1000, "t", COMMON)).bodyLengthMatch());
    assertNull(compare(response(200, 0, "t", COMMON), control(200, 1000, "t", COMMON)).bodyLengthMatch());
    assertNull(compare(response(200, 10, "t", COMMON), control(200, -1, "t", COMMON)).bodyProportion());
  }

  @Test
  void aControlServerErrorIsNoEvidenceAboutTheStatusCode() {
    assertNull(compare(response(200, 10, "t", COMMON), control(502, 10, "t", COMMON)).statusCodeMatch());
    assertEquals(Boolean.TRUE, compare(response(500, 10, "t", COMMON), control(500, 10, "t", COMMON))
        .statusCodeMatch(), "the same 5xx on both sides matches");
    assertEquals(Boolean.FALSE, compare(response(403, 10, "t", COMMON), control(200, 10, "t", COMMON))
        .statusCodeMatch());
  }

  @Test
  void headersMatchWhenTheNamesAreEqualOrAnUncommonNameIsShared() {
    assertEquals(Boolean.TRUE, HttpComparison.headers(200, Map.of("date", "1", "CONTENT-TYPE", "a"),
        control(200, 1, "", COMMON)), "names compare case-insensitively");
    assertEquals(Boolean.TRUE, HttpComparison.headers(200, Map.of("Date", "1", "X-Edge", "a"),
        control(200, 1, "", Map.of("Server", "n", "x-edge", "b"))));
    assertEquals(Boolean.FALSE, HttpComparison.headers(200, Map.of("Date", "1", "Server", "a"),
        control(200, 1, "", Map.of("Date", "n", "Server", "x", "X-Edge", "b"))), "common names prove nothing");
  }

  @Test
  void titlesMatchWhenEveryLongWordIsInBoth() {
    assertEquals(Boolean.TRUE, title("Kazakhstan News: today", "kazakhstan news: TODAY"));
    assertEquals(Boolean.TRUE, title("Kazakhstan News", "Kazakhstan Top News"), "short words do not count");
    assertEquals(Boolean.FALSE, title("Kazakhstan Daily", "Kazakhstan News"));
    assertEquals(Boolean.FALSE, title("Доступ ограничен", "Новости Казахстана"),
        "words are counted in characters, not bytes");
    assertNull(title(null, "Kazakhstan News"), "no title of our own: not comparable");
  }

  @Test
  void aPageMatchesOnTheStatusCodeAndOneOfTheOthers() {
    assertTrue(new HttpComparison(true, false, 0.3, false, true).pageMatches());
    assertTrue(new HttpComparison(true, null, null, true, null).pageMatches());
    assertFalse(new HttpComparison(true, false, 0.3, false, false).pageMatches());
    assertFalse(new HttpComparison(false, true, 1.0, true, true).pageMatches(), "a different status is a diff");
    assertFalse(new HttpComparison(null, true, 1.0, true, true).pageMatches());
    assertTrue(new HttpComparison(null, true, 1.0, true, true).controlErrored());
  }

  private static Boolean title(String ours, String theirs) {
    return compare(response(200, 10, ours, COMMON), control(200, 10, theirs, COMMON)).titleMatch();
  }

  private static HttpComparison compare(HttpTransaction.Response r, ControlResponse.HttpRequestResult c) {
    return HttpComparison.compare(r, c);
  }

  private static HttpTransaction.Response response(int code, int length, String title, Map<String, String> h) {
    return new HttpTransaction.Response(code, h, List.of(), "x".repeat(length), false, length, title);
  }

  private static ControlResponse.HttpRequestResult control(int code, long length, String title,
      Map<String, String> h) {
    return new ControlResponse.HttpRequestResult(length, code > 0 ? null : Failures.GENERIC_TIMEOUT, title, h, code,
        null, null);
  }
}
