package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the probe saw, before any analysis: OONI's observation keys of {@code test_keys}. Analysis never changes
 * them (OONI's {@code tcp_connect[].status.blocked} is the one analysis mark, see {@link TcpConnect.Status}).
 *
 * @param networkEvents df-008 events where the engine has them (TCP connects, TLS handshakes, the HTTP step's
 *     connection I/O); at most {@link #MAX_NETWORK_EVENTS} per measurement so a large body cannot grow it without
 *     bound; left out of the line when empty (lines written before kuzet recorded them have none)
 * @param dnsExperimentFailure the system resolver's failure for the input host (ts-017), null when it answered
 */
public record Observations(
    List<DnsQuery> queries,
    List<TcpConnect> tcpConnect,
    List<TlsHandshake> tlsHandshakes,
    List<HttpTransaction> requests,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<NetworkEvent> networkEvents,
    String dnsExperimentFailure) {

  /** The cap on {@link #networkEvents}: the first events are kept, later ones dropped (OONI's trace keeps 64). */
  public static final int MAX_NETWORK_EVENTS = 64;

  public static final Observations NONE = new Observations(null, null, null, null, null, null);

  public Observations {
    queries = queries == null ? List.of() : List.copyOf(queries);
    tcpConnect = tcpConnect == null ? List.of() : List.copyOf(tcpConnect);
    tlsHandshakes = tlsHandshakes == null ? List.of() : List.copyOf(tlsHandshakes);
    requests = requests == null ? List.of() : List.copyOf(requests);
    networkEvents = networkEvents == null ? List.of()
        : List.copyOf(networkEvents.subList(0, Math.min(networkEvents.size(), MAX_NETWORK_EVENTS)));
    Failures.requireValid(dnsExperimentFailure, "dns_experiment_failure");
  }

  /** The observations without network events. */
  public Observations(List<DnsQuery> queries, List<TcpConnect> tcpConnect, List<TlsHandshake> tlsHandshakes,
      List<HttpTransaction> requests, String dnsExperimentFailure) {
    this(queries, tcpConnect, tlsHandshakes, requests, List.of(), dnsExperimentFailure);
  }

  public Observations withQueries(List<DnsQuery> q) {
    return new Observations(q, tcpConnect, tlsHandshakes, requests, networkEvents, dnsExperimentFailure);
  }

  public Observations withTcpConnect(List<TcpConnect> c) {
    return new Observations(queries, c, tlsHandshakes, requests, networkEvents, dnsExperimentFailure);
  }

  public Observations withTlsHandshakes(List<TlsHandshake> h) {
    return new Observations(queries, tcpConnect, h, requests, networkEvents, dnsExperimentFailure);
  }

  public Observations withRequests(List<HttpTransaction> r) {
    return new Observations(queries, tcpConnect, tlsHandshakes, r, networkEvents, dnsExperimentFailure);
  }

  public Observations withNetworkEvents(List<NetworkEvent> e) {
    return new Observations(queries, tcpConnect, tlsHandshakes, requests, e, dnsExperimentFailure);
  }
}
