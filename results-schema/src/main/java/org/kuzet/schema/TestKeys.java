package org.kuzet.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The {@code test_keys} of a web_connectivity measurement: observations first (queries, tcp_connect,
 * tls_handshakes, requests), then the control and the analysis. Analysis fields are null until the
 * analysis step fills them; observations are never changed by analysis.
 *
 * @param blocking OONI's key: {@code false}, a method string ("dns", "tcp_ip", "http-failure", "http-diff"),
 *     or null when unknown
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
    JsonNode xInterception) {

  public TestKeys {
    queries = queries == null ? List.of() : List.copyOf(queries);
    tcpConnect = tcpConnect == null ? List.of() : List.copyOf(tcpConnect);
    tlsHandshakes = tlsHandshakes == null ? List.of() : List.copyOf(tlsHandshakes);
    requests = requests == null ? List.of() : List.copyOf(requests);
    // Jackson reads a JSON null into a JsonNode field as NullNode; keep one representation of "absent".
    control = control == null || control.isNull() ? null : control;
    xInterception = xInterception == null || xInterception.isNull() ? null : xInterception;
    xSignals = xSignals == null ? null : xSignals.stream().sorted((a, b) -> a.wire().compareTo(b.wire())).toList();
    if (blocking != null && !(blocking instanceof String) && !Boolean.FALSE.equals(blocking)) {
      throw new IllegalArgumentException("blocking is false, a method string, or null; got " + blocking);
    }
    Failures.requireValid(dnsExperimentFailure, "dns_experiment_failure");
  }

  /** Observations only: the analysis keys left null. */
  public static TestKeys observations(
      List<DnsQuery> queries, List<TcpConnect> tcp, List<TlsHandshake> tls, List<HttpTransaction> requests,
      String dnsExperimentFailure) {
    return new TestKeys(queries, tcp, tls, requests, null, null, dnsExperimentFailure, null, null, null, null,
        null, null);
  }
}
