package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.HttpTransaction;

class FingerprintsTest {
  private static final String HEADER = Fingerprints.HEADER + "\n";

  @Test
  void theBundledDatabaseHasTheKazakhBlockpage() {
    Fingerprint kz = Fingerprints.bundled().all().stream().filter(f -> f.name().equals("cp.d_corp_kz_ps"))
        .findFirst().orElseThrow();
    assertEquals(Fingerprint.Location.BODY, kz.location());
    assertEquals(Fingerprint.PatternType.CONTAINS, kz.patternType());
    assertEquals(List.of("KZ"), kz.expectedCountries());
    assertEquals(Set.of("cp.d_corp_kz_ps"), Fingerprints.bundled().matchResponse(body(
        "<html><body><h1>Страница заблокирована</h1></body></html>")));
  }

  @Test
  void anOrdinaryPageMatchesNothing() {
    assertEquals(Set.of(), Fingerprints.bundled().matchResponse(body("<html><title>Новости</title></html>")));
    assertEquals(Set.of(), Fingerprints.bundled().matchDns(List.of(DnsAnswer.a("93.184.216.34", 60, false))));
  }

  static Stream<Arguments> patterns() {
    return Stream.of(
        Arguments.of("full", "blocked", "blocked", true),
        Arguments.of("full", "blocked", "blocked!", false),
        Arguments.of("prefix", "http://block.", "http://block.example/x", true),
        Arguments.of("prefix", "http://block.", "see http://block.example/", false),
        Arguments.of("contains", "Access denied", "<p>Access denied by order</p>", true),
        Arguments.of("contains", "Access denied", "access denied", false),
        Arguments.of("regexp", "blocked by [A-Z]{2,}", "this page is blocked by ISP", true),
        Arguments.of("regexp", "^blocked$", "not blocked", false));
  }

  @ParameterizedTest(name = "{0} \"{1}\" on \"{2}\" → {3}")
  @MethodSource("patterns")
  void eachPatternTypeMatchesAsOoniDefinesIt(String type, String pattern, String value, boolean expected) {
    Fingerprints fps = Fingerprints.parse(HEADER + "t.1,isp,,body," + type + ",\"" + pattern + "\",5,KZ,test,,\n",
        "test.csv");
    assertEquals(expected, !fps.matchResponse(body(value)).isEmpty());
  }

  @Test
  void headerFingerprintsLookAtEveryValueOfThatHeaderCaseInsensitively() {
    Fingerprints fps = Fingerprints.parse(HEADER
        + "t.loc,nat,,header.Location,prefix,http://warning.example/,5,KZ,test,,\n", "test.csv");
    HttpTransaction.Response r = new HttpTransaction.Response(302, Map.of("location", "http://warning.example/?u=1"),
        List.of(List.of("Location", "http://warning.example/?u=1")), "", false, 0, null);
    assertEquals(Set.of("t.loc"), fps.matchResponse(r));
    assertEquals("header.location", fps.all().get(0).locationFound());
    assertEquals(Set.of(), fps.matchResponse(body("http://warning.example/")), "a header pattern ignores the body");
  }

  @Test
  void dnsFingerprintsMatchAddressesAndCnameTargets() {
    Fingerprints fps = Fingerprints.parse(HEADER
        + "t.ip,nat,,dns,full,10.10.34.34,5,IR,test,,\n"
        + "t.cname,nat,,dns,full,blocked.example,5,KZ,test,,\n", "test.csv");
    assertEquals(Set.of("t.ip"), fps.matchDns(List.of(DnsAnswer.a("10.10.34.34", 60, true))));
    assertEquals(Set.of("t.cname"), fps.matchDns(List.of(DnsAnswer.cname("blocked.example.", 60))));
    assertEquals(Set.of(), fps.matchResponse(body("10.10.34.34")), "a DNS pattern ignores bodies");
  }

  @Test
  void quotedFieldsFollowRfc4180() {
    Fingerprints fps = Fingerprints.parse(HEADER
        + "t.q,nat,\"a.1, b.2\",body,contains,\"say \"\"stop\"\", please\",5,\"BY,RU\",test,,\"a, note\"\n",
        "test.csv");
    Fingerprint f = fps.all().get(0);
    assertEquals("say \"stop\", please", f.pattern());
    assertEquals(List.of("a.1", "b.2"), f.otherNames());
    assertEquals(List.of("BY", "RU"), f.expectedCountries());
    assertEquals("a, note", f.notes());
  }

  @Test
  void blankLinesAndCrlfAreAccepted() {
    Fingerprints fps = Fingerprints.parse(Fingerprints.HEADER + "\r\n\r\nt.1,isp,,body,full,x,5,KZ,t,,\r\n",
        "test.csv");
    assertEquals(1, fps.all().size());
    assertTrue(fps.all().get(0).matches("x"));
    assertFalse(fps.all().get(0).matches(null));
  }

  static Stream<Arguments> badFiles() {
    String ok = "t.1,isp,,body,full,x,5,KZ,t,,\n";
    return Stream.of(
        Arguments.of("name,scope\n" + ok, "f.csv line 1: expected the header"),
        Arguments.of(HEADER + ok + "t.2,isp,,body,full,x,5,KZ,t\n", "f.csv line 3: expected 11 fields, got 9"),
        Arguments.of(HEADER + ",isp,,body,full,x,5,KZ,t,,\n", "f.csv line 2: name is empty"),
        Arguments.of(HEADER + ok + ok, "f.csv line 3: duplicate name t.1"),
        Arguments.of(HEADER + "t.1,isp,,url,full,x,5,KZ,t,,\n",
            "f.csv line 2: location_found must be dns, body or header.<name>, got \"url\""),
        Arguments.of(HEADER + "t.1,isp,,header.,full,x,5,KZ,t,,\n",
            "f.csv line 2: location_found must be dns, body or header.<name>, got \"header.\""),
        Arguments.of(HEADER + "t.1,isp,,body,glob,x,5,KZ,t,,\n",
            "f.csv line 2: pattern_type must be full, prefix, contains or regexp, got \"glob\""),
        Arguments.of(HEADER + "t.1,isp,,body,full,,5,KZ,t,,\n", "f.csv line 2: pattern is empty"),
        Arguments.of(HEADER + "t.1,isp,,body,full,x,high,KZ,t,,\n",
            "f.csv line 2: confidence_no_fp is not an integer: \"high\""),
        Arguments.of(HEADER + "t.1,isp,,body,regexp,(unclosed,5,KZ,t,,\n", "f.csv line 2: bad regexp"),
        Arguments.of(HEADER + ok + "t.2,isp,,body,full,\"open,5,KZ,t,,\n",
            "f.csv line 3: unterminated quoted field"),
        Arguments.of(HEADER + "t.1,isp,,body,full,\"x\"y,5,KZ,t,,\n", "f.csv line 2: text after a closing quote"),
        Arguments.of(HEADER + "t.1,isp,,body,full,x\"y,5,KZ,t,,\n", "f.csv line 2: quote inside an unquoted field"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badFiles")
  void aBadLineIsAnErrorNamingFileAndLine(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fingerprints.parse(text,
        "f.csv"));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  private static HttpTransaction.Response body(String body) {
    return new HttpTransaction.Response(200, Map.of(), List.of(), body, false, body.length(), null);
  }
}
