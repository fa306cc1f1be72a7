package org.kuzet.core.analysis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.control.ControlResponse;

/**
 * OONI's comparison of the probe's final response with the control's (ts-017; probe-cli webconnectivity
 * httpanalysis.go): status code, body length proportion, uncommon header names, title words. Each result is
 * null when the comparison does not apply. Written for kuzet; rules as OONI documents them.
 */
record HttpComparison(Boolean statusCodeMatch, Boolean bodyLengthMatch, Double bodyProportion, Boolean headersMatch,
    Boolean titleMatch) {

  static final double BODY_PROPORTION_FACTOR = 0.7;
  static final int MIN_TITLE_WORD = 5;

  /** Headers every server sends in some form; a difference in them says nothing about tampering (OONI's list). */
  static final Set<String> COMMON_HEADERS = Set.of("date", "content-type", "server", "cache-control", "vary",
      "set-cookie", "location", "expires", "x-powered-by", "content-encoding", "last-modified", "accept-ranges",
      "pragma", "x-frame-options", "etag", "x-content-type-options", "age", "via", "p3p", "x-xss-protection",
      "content-language", "cf-ray", "strict-transport-security", "link", "x-varnish");

  static HttpComparison compare(HttpTransaction.Response probe, ControlResponse.HttpRequestResult control) {
    int code = probe.code() == null ? -1 : probe.code();
    return new HttpComparison(statusCode(code, control.statusCode()), bodyLengthMatch(probe, control),
        proportion(probe, control), headers(code, probe.headers(), control),
        title(code, probe, control));
  }

  /** OONI: equal codes match; a differing code is no evidence when the control got a 5xx (helper trouble). */
  static Boolean statusCode(int probe, long control) {
    if (probe <= 0 || control <= 0) {
      return null;
    }
    if (probe == control) {
      return true;
    }
    return control / 100 == 5 ? null : false;
  }

  static Double proportion(HttpTransaction.Response probe, ControlResponse.HttpRequestResult control) {
    long c = control.bodyLength();
    long p = probeLength(probe);
    if (c <= 0 || p <= 0 || probe.bodyIsTruncated()) {
      return null;
    }
    return (double) Math.min(p, c) / Math.max(p, c);
  }

  /** True when min/max of the two lengths is above 0.7; null when either body is missing or ours was cut. */
  static Boolean bodyLengthMatch(HttpTransaction.Response probe, ControlResponse.HttpRequestResult control) {
    Double p = proportion(probe, control);
    return p == null ? null : p > BODY_PROPORTION_FACTOR;
  }

  private static long probeLength(HttpTransaction.Response probe) {
    if (probe.xBodyLength() > 0) {
      return probe.xBodyLength();
    }
    return probe.body() == null ? 0 : probe.body().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * OONI: the same header names match; otherwise they match when at least one uncommon header name is in both.
   */
  static Boolean headers(int probeCode, Map<String, String> probe, ControlResponse.HttpRequestResult control) {
    if (probeCode <= 0 || control.statusCode() <= 0) {
      return null;
    }
    Set<String> ours = lower(probe.keySet());
    Set<String> theirs = lower(control.headers().keySet());
    if (ours.equals(theirs)) {
      return true;
    }
    Set<String> shared = new HashSet<>(ours);
    shared.retainAll(theirs);
    shared.removeAll(COMMON_HEADERS);
    return !shared.isEmpty();
  }

  /** OONI: every title word of at least five characters, case-folded, is in both titles (order ignored). */
  static Boolean title(int probeCode, HttpTransaction.Response probe, ControlResponse.HttpRequestResult control) {
    if (probeCode <= 0 || probe.bodyIsTruncated() || control.statusCode() <= 0) {
      return null;
    }
    String ours = probe.xTitle();
    if (ours == null || ours.isEmpty()) {
      return null;
    }
    Map<String, Integer> words = new HashMap<>();
    addWords(words, ours, 1);
    addWords(words, control.title() == null ? "" : control.title(), 2);
    return words.values().stream().allMatch(v -> v == 3);
  }

  private static void addWords(Map<String, Integer> words, String title, int bit) {
    for (String w : title.split(" ")) {
      if (w.codePointCount(0, w.length()) >= MIN_TITLE_WORD) {
        words.merge(w.toLowerCase(Locale.ROOT), bit, (a, b) -> a | b);
      }
    }
  }

  private static Set<String> lower(Set<String> names) {
    Set<String> out = new HashSet<>();
    names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
    return out;
  }

  /**
   * OONI's rule for "the page is the expected one" (probe-cli webconnectivity summary): the status codes match and
   * at least one of body length, uncommon headers and title matches. Requiring only one of the three is what keeps
   * dynamic pages (news front pages whose length changes by the minute) from reading as tampered.
   */
  boolean pageMatches() {
    return Boolean.TRUE.equals(statusCodeMatch) && (Boolean.TRUE.equals(bodyLengthMatch)
        || Boolean.TRUE.equals(headersMatch) || Boolean.TRUE.equals(titleMatch));
  }

  /**
   * The status comparison was set aside because the control got a 5xx: the control's page is an error page, so
   * nothing can be concluded from a difference.
   */
  boolean controlErrored() {
    return statusCodeMatch == null;
  }
}
