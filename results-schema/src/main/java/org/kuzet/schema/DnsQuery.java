package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One DNS query and its outcome (OONI df-002 Query).
 *
 * @param engine "system" (the machine's configured nameserver, queried directly), "udp", "tcp" or "doh"
 * @param rcode the reply's rcode, null when no reply arrived
 * @param xExtraReplies further UDP replies to the same query ID after the first (OONI's late replies, exported as
 *     {@code x_dns_duplicate_responses}): the mark of an on-path injector racing the real resolver; empty when
 *     there were none. The probe keeps listening for them in the background until the measurement's last step
 * @param xExtraRepliesT when each of {@link #xExtraReplies} arrived, in seconds since the measurement's start (may
 *     be after {@code t}: the measurement went on without waiting); empty in lines written before kuzet kept it
 * @param xDohTls the DoH server's TLS handshake as sent (chain included), for DoH queries only
 * @param transactionId OONI's operation id (df-002 {@code transaction_id}): numbers the measurement's operations,
 *     unique per query; not the DNS wire ID. Null in lines written before kuzet numbered operations
 * @param tags OONI's tags: {@code classic} for the system resolver, {@code depth=N} for the redirect hop
 */
public record DnsQuery(
    String engine,
    String resolverAddress,
    String hostname,
    String queryType,
    Integer rcode,
    List<DnsAnswer> answers,
    String failure,
    Integer transactionId,
    double t0,
    double t,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<List<DnsAnswer>> xExtraReplies,
    @JsonInclude(JsonInclude.Include.NON_NULL) TlsHandshake xDohTls,
    List<String> tags,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Double> xExtraRepliesT) {

  public DnsQuery {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(queryType, "queryType");
    answers = answers == null ? List.of() : List.copyOf(answers);
    xExtraReplies = xExtraReplies == null ? List.of() : xExtraReplies.stream().map(List::copyOf).toList();
    Failures.requireValid(failure, "DNS query for " + hostname);
    tags = tags == null ? List.of() : List.copyOf(tags);
    xExtraRepliesT = xExtraRepliesT == null ? List.of() : List.copyOf(xExtraRepliesT);
    if (!xExtraRepliesT.isEmpty() && xExtraRepliesT.size() != xExtraReplies.size()) {
      throw new IllegalArgumentException("DNS query for " + hostname + ": " + xExtraRepliesT.size()
          + " arrival times for " + xExtraReplies.size() + " extra replies");
    }
  }

  /** A query without arrival times of its extra replies (as read from older lines and OONI's data). */
  public DnsQuery(String engine, String resolverAddress, String hostname, String queryType, Integer rcode,
      List<DnsAnswer> answers, String failure, Integer transactionId, double t0, double t,
      List<List<DnsAnswer>> xExtraReplies, TlsHandshake xDohTls, List<String> tags) {
    this(engine, resolverAddress, hostname, queryType, rcode, answers, failure, transactionId, t0, t, xExtraReplies,
        xDohTls, tags, List.of());
  }

  /** A query not yet numbered: no operation id, no tags (the measurement assigns them). */
  public DnsQuery(String engine, String resolverAddress, String hostname, String queryType, Integer rcode,
      List<DnsAnswer> answers, String failure, Integer transactionId, double t0, double t,
      List<List<DnsAnswer>> xExtraReplies, TlsHandshake xDohTls) {
    this(engine, resolverAddress, hostname, queryType, rcode, answers, failure, transactionId, t0, t, xExtraReplies,
        xDohTls, List.of());
  }

  /** This query with its operation id and tags. */
  public DnsQuery numbered(int id, List<String> tags) {
    return new DnsQuery(engine, resolverAddress, hostname, queryType, rcode, answers, failure, id, t0, t,
        xExtraReplies, xDohTls, tags, xExtraRepliesT);
  }

  /** This query with the late replies heard after its first one (and when each arrived) appended. */
  public DnsQuery withLateReplies(List<List<DnsAnswer>> late, List<Double> arrivedAt) {
    if (late.isEmpty()) {
      return this;
    }
    List<List<DnsAnswer>> extra = new java.util.ArrayList<>(xExtraReplies);
    extra.addAll(late);
    List<Double> times = new java.util.ArrayList<>(xExtraRepliesT);
    times.addAll(arrivedAt);
    return new DnsQuery(engine, resolverAddress, hostname, queryType, rcode, answers, failure, transactionId, t0, t,
        extra, xDohTls, tags, xExtraRepliesT.size() == xExtraReplies.size() ? times : List.of());
  }
}
