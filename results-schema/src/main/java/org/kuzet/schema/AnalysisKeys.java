package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;

/**
 * What the analysis concluded: OONI's analysis keys of {@code test_keys} and kuzet's {@code x_} ones. All null
 * ({@link #NONE}) until the analysis step fills them.
 *
 * @param blocking OONI's key: {@link Blocking#NONE} ({@code false}), a method, or null when unknown
 * @param bodyLengthMatch OONI's key: final body within the 0.7 proportion of the control's; null when not
 *     comparable (no control body, truncated body, empty body)
 * @param bodyProportion OONI's key: min/max of the two body lengths; null when not comparable
 * @param headersMatch OONI's key: the uncommon response header names agree with the control's
 * @param statusCodeMatch OONI's key: same status code as the control (null when the control got a 5xx)
 * @param titleMatch OONI's key: every title word of five or more characters is in both titles
 * @param xBlockpage names of the blocking fingerprints (OONI blocking-fingerprints) that matched; null when none
 * @param xFailedHop where the failure behind the verdict happened: {@code {hop, url, step, failure}}
 * @param xThrottlingBaseline the local baseline the throttling-by-time rule judged against; written only when there
 *     was one (lines written before it existed, and measurements without a baseline, have no such key)
 */
public record AnalysisKeys(
    String dnsConsistency,
    Blocking blocking,
    Boolean accessible,
    Verdict xVerdict,
    List<Signal> xSignals,
    JsonNode xInterception,
    Boolean bodyLengthMatch,
    Double bodyProportion,
    Boolean headersMatch,
    Boolean statusCodeMatch,
    Boolean titleMatch,
    List<String> xBlockpage,
    JsonNode xFailedHop,
    @JsonInclude(JsonInclude.Include.NON_NULL) ThrottlingBaseline xThrottlingBaseline) {

  /** Not analysed: every key null. */
  public static final AnalysisKeys NONE = builder().build();

  public AnalysisKeys {
    // Jackson reads a JSON null into a JsonNode field as NullNode; keep one representation of "absent".
    xInterception = xInterception == null || xInterception.isNull() ? null : xInterception;
    xFailedHop = xFailedHop == null || xFailedHop.isNull() ? null : xFailedHop;
    xBlockpage = xBlockpage == null ? null : List.copyOf(xBlockpage);
    xSignals = xSignals == null ? null : xSignals.stream().sorted(Comparator.comparing(Signal::wire)).toList();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these keys. */
  public Builder toBuilder() {
    return new Builder().dnsConsistency(dnsConsistency).blocking(blocking).accessible(accessible).verdict(xVerdict)
        .signals(xSignals).interception(xInterception).bodyLengthMatch(bodyLengthMatch)
        .bodyProportion(bodyProportion).headersMatch(headersMatch).statusCodeMatch(statusCodeMatch)
        .titleMatch(titleMatch).blockpage(xBlockpage).failedHop(xFailedHop).throttlingBaseline(xThrottlingBaseline);
  }

  /** Builds {@link AnalysisKeys}; every key starts null. */
  public static final class Builder {
    private String dnsConsistency;
    private Blocking blocking;
    private Boolean accessible;
    private Verdict verdict;
    private List<Signal> signals;
    private JsonNode interception;
    private Boolean bodyLengthMatch;
    private Double bodyProportion;
    private Boolean headersMatch;
    private Boolean statusCodeMatch;
    private Boolean titleMatch;
    private List<String> blockpage;
    private JsonNode failedHop;
    private ThrottlingBaseline throttlingBaseline;

    private Builder() {}

    public Builder dnsConsistency(String v) {
      dnsConsistency = v;
      return this;
    }

    public Builder blocking(Blocking v) {
      blocking = v;
      return this;
    }

    public Builder accessible(Boolean v) {
      accessible = v;
      return this;
    }

    public Builder verdict(Verdict v) {
      verdict = v;
      return this;
    }

    public Builder signals(List<Signal> v) {
      signals = v;
      return this;
    }

    public Builder interception(JsonNode v) {
      interception = v;
      return this;
    }

    public Builder bodyLengthMatch(Boolean v) {
      bodyLengthMatch = v;
      return this;
    }

    public Builder bodyProportion(Double v) {
      bodyProportion = v;
      return this;
    }

    public Builder headersMatch(Boolean v) {
      headersMatch = v;
      return this;
    }

    public Builder statusCodeMatch(Boolean v) {
      statusCodeMatch = v;
      return this;
    }

    public Builder titleMatch(Boolean v) {
      titleMatch = v;
      return this;
    }

    public Builder blockpage(List<String> v) {
      blockpage = v;
      return this;
    }

    public Builder failedHop(JsonNode v) {
      failedHop = v;
      return this;
    }

    public Builder throttlingBaseline(ThrottlingBaseline v) {
      throttlingBaseline = v;
      return this;
    }

    public AnalysisKeys build() {
      return new AnalysisKeys(dnsConsistency, blocking, accessible, verdict, signals, interception, bodyLengthMatch,
          bodyProportion, headersMatch, statusCodeMatch, titleMatch, blockpage, failedHop, throttlingBaseline);
    }
  }
}
