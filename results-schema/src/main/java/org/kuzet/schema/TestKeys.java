package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The {@code test_keys} of a web_connectivity measurement: observations first (queries, tcp_connect,
 * tls_handshakes, requests), then the control and the analysis. Analysis fields are null until the
 * analysis step fills them; observations are never changed by analysis.
 *
 * @param blocking OONI's key: {@code false}, a method string ("dns", "tcp_ip", "http-failure", "http-diff"),
 *     or null when unknown
 * @param bodyLengthMatch OONI's key: final body within the 0.7 proportion of the control's; null when not
 *     comparable (no control body, truncated body, empty body)
 * @param bodyProportion OONI's key: min/max of the two body lengths; null when not comparable
 * @param headersMatch OONI's key: the uncommon response header names agree with the control's
 * @param statusCodeMatch OONI's key: same status code as the control (null when the control got a 5xx)
 * @param titleMatch OONI's key: every title word of five or more characters is in both titles
 * @param xBlockpage names of the blocking fingerprints (OONI blocking-fingerprints) that matched; null when none
 * @param xFailedHop where the failure behind the verdict happened: {@code {hop, url, step, failure}}
 * @param xControlRequest OONI's own key (ts-017, not a kuzet extension): the request really sent to the test
 *     helper ({@code http_request}, {@code http_request_headers}, {@code tcp_connect}); null when none was sent
 */
public record TestKeys(
    List<DnsQuery> queries,
    List<TcpConnect> tcpConnect,
    List<TlsHandshake> tlsHandshakes,
    List<HttpTransaction> requests,
    JsonNode control,
    String controlFailure,
    String dnsExperimentFailure,
    String dnsConsistency,
    Object blocking,
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
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode xControlRequest) {

  public TestKeys {
    queries = queries == null ? List.of() : List.copyOf(queries);
    tcpConnect = tcpConnect == null ? List.of() : List.copyOf(tcpConnect);
    tlsHandshakes = tlsHandshakes == null ? List.of() : List.copyOf(tlsHandshakes);
    requests = requests == null ? List.of() : List.copyOf(requests);
    // Jackson reads a JSON null into a JsonNode field as NullNode; keep one representation of "absent".
    control = control == null || control.isNull() ? null : control;
    xInterception = xInterception == null || xInterception.isNull() ? null : xInterception;
    xFailedHop = xFailedHop == null || xFailedHop.isNull() ? null : xFailedHop;
    xControlRequest = xControlRequest == null || xControlRequest.isNull() ? null : xControlRequest;
    xBlockpage = xBlockpage == null ? null : List.copyOf(xBlockpage);
    xSignals = xSignals == null ? null : xSignals.stream().sorted((a, b) -> a.wire().compareTo(b.wire())).toList();
    if (blocking != null && !(blocking instanceof String) && !Boolean.FALSE.equals(blocking)) {
      throw new IllegalArgumentException("blocking is false, a method string, or null; got " + blocking);
    }
    Failures.requireValid(dnsExperimentFailure, "dns_experiment_failure");
  }

  /** The keys without the control request (older lines, analyses that do not carry it). */
  public TestKeys(
      List<DnsQuery> queries, List<TcpConnect> tcpConnect, List<TlsHandshake> tlsHandshakes,
      List<HttpTransaction> requests, JsonNode control, String controlFailure, String dnsExperimentFailure,
      String dnsConsistency, Object blocking, Boolean accessible, Verdict xVerdict, List<Signal> xSignals,
      JsonNode xInterception, Boolean bodyLengthMatch, Double bodyProportion, Boolean headersMatch,
      Boolean statusCodeMatch, Boolean titleMatch, List<String> xBlockpage, JsonNode xFailedHop) {
    this(queries, tcpConnect, tlsHandshakes, requests, control, controlFailure, dnsExperimentFailure, dnsConsistency,
        blocking, accessible, xVerdict, xSignals, xInterception, bodyLengthMatch, bodyProportion, headersMatch,
        statusCodeMatch, titleMatch, xBlockpage, xFailedHop, null);
  }

  /** These keys with the control request that was sent. */
  public TestKeys withControlRequest(JsonNode request) {
    return new TestKeys(queries, tcpConnect, tlsHandshakes, requests, control, controlFailure, dnsExperimentFailure,
        dnsConsistency, blocking, accessible, xVerdict, xSignals, xInterception, bodyLengthMatch, bodyProportion,
        headersMatch, statusCodeMatch, titleMatch, xBlockpage, xFailedHop, request);
  }

  /** The keys without OONI's HTTP comparison keys and kuzet's blockpage/hop details (all left null). */
  public TestKeys(
      List<DnsQuery> queries, List<TcpConnect> tcpConnect, List<TlsHandshake> tlsHandshakes,
      List<HttpTransaction> requests, JsonNode control, String controlFailure, String dnsExperimentFailure,
      String dnsConsistency, Object blocking, Boolean accessible, Verdict xVerdict, List<Signal> xSignals,
      JsonNode xInterception) {
    this(queries, tcpConnect, tlsHandshakes, requests, control, controlFailure, dnsExperimentFailure, dnsConsistency,
        blocking, accessible, xVerdict, xSignals, xInterception, null, null, null, null, null, null, null, null);
  }

  /** Observations only: the analysis keys left null. */
  public static TestKeys observations(
      List<DnsQuery> queries, List<TcpConnect> tcp, List<TlsHandshake> tls, List<HttpTransaction> requests,
      String dnsExperimentFailure) {
    return new TestKeys(queries, tcp, tls, requests, null, null, dnsExperimentFailure, null, null, null, null,
        null, null);
  }
}
