package org.kuzet.core.analysis;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TlsHandshake;

/**
 * The DNS half of the analysis for one host: OONI's {@code dns_consistency} against the control and the local DNS
 * signals (failures, bogons, injected second replies, known blockpage addresses).
 *
 * <p>Answers are grouped by resolver (engine and address, A and AAAA together) and each group is judged on the
 * first reply to each query, the one a normal client would use. A group is consistent (ts-017) when it shares an
 * address with the control, or an ASN per the control's {@code ip_info}, or holds an address that is proven good
 * by a valid TLS handshake for the host (ours or, per {@code ip_info} flags, the helper's); a bogon the control
 * did not also get makes it inconsistent. A group that failed is consistent when the control failed too: kuzet
 * extends OONI's "both NXDOMAIN" rule to any shared failure, since a failure the control shares means down, not
 * blocked. A configured (non-system) resolver that merely could not be reached does not count. The host is
 * inconsistent when any group is.
 */
final class DnsAnalysis {
  static final String CONSISTENT = "consistent";
  static final String INCONSISTENT = "inconsistent";

  /**
   * @param consistency "consistent", "inconsistent", or null without a control (or without DNS at all)
   * @param signals local DNS signals plus {@code dns.inconsistent}; failures the control shares are left out
   * @param fingerprints names of DNS blocking fingerprints matched by any answer
   */
  record Result(String consistency, Set<Signal> signals, Set<String> fingerprints) {
    boolean inconsistent() {
      return INCONSISTENT.equals(consistency);
    }
  }

  private DnsAnalysis() {}

  static Result analyze(String host, List<DnsQuery> allQueries, List<TlsHandshake> tls, Control control,
      Fingerprints fingerprints) {
    if (host == null) {
      return new Result(null, Set.of(), Set.of());
    }
    if (IpLiterals.isLiteral(host)) {
      return new Result(CONSISTENT, Set.of(), Set.of()); // no DNS step: ts-017 calls an IP input consistent
    }
    List<DnsQuery> queries = queriesFor(host, allQueries);
    if (queries.isEmpty()) {
      return new Result(null, Set.of(), Set.of());
    }
    Control.Dns cdns = control == null ? null : control.dns();
    Set<String> goodByTls = validTlsAddresses(host, tls);
    Set<Signal> signals = EnumSet.noneOf(Signal.class);
    Set<String> fps = new LinkedHashSet<>();
    boolean anyInconsistent = false;
    for (List<DnsQuery> group : byResolver(queries).values()) {
      List<DnsAnswer> answers = new ArrayList<>();
      for (DnsQuery q : group) {
        answers.addAll(q.answers());
        fps.addAll(fingerprints.matchDns(q.answers()));
        for (List<DnsAnswer> extra : q.xExtraReplies()) {
          fps.addAll(fingerprints.matchDns(extra));
          if (!addresses(extra).equals(addresses(q.answers()))) {
            signals.add(Signal.DNS_INJECTED);
          }
        }
      }
      Set<String> addrs = addresses(answers);
      boolean sharedFailure = cdns != null && cdns.failed();
      if (addrs.isEmpty()) {
        String failure = groupFailure(group);
        Signal s = failureSignal(failure);
        if (!sharedFailure && s != null) {
          signals.add(s);
        }
        // A configured resolver that cannot be reached (timeout, its DoH blocked) says nothing about the site;
        // the system resolver failing, or any resolver answering with a lie, does.
        boolean aboutSite = s != null || group.get(0).engine().equals("system")
            || Failures.DNS_REFUSED.equals(failure);
        anyInconsistent |= cdns != null && !sharedFailure && aboutSite;
        continue;
      }
      boolean exclusiveBogon = false;
      for (DnsAnswer a : answers) {
        if (a.address() != null && a.xBogon() && (cdns == null || !cdns.addrs().contains(ip(a.address())))) {
          exclusiveBogon = true;
        }
      }
      if (exclusiveBogon) {
        signals.add(Signal.DNS_BOGON);
      }
      if (cdns != null && (exclusiveBogon || !anyGood(addrs, cdns, control, goodByTls))) {
        anyInconsistent = true;
      }
    }
    String consistency = cdns == null ? null : anyInconsistent ? INCONSISTENT : CONSISTENT;
    if (anyInconsistent) {
      signals.add(Signal.DNS_INCONSISTENT);
    }
    return new Result(consistency, signals, fps);
  }

  /** The usable (non-bogon) addresses the probe got for {@code host}, first replies and injected ones alike. */
  static Set<String> usableAddresses(String host, List<DnsQuery> allQueries) {
    if (IpLiterals.isLiteral(host)) {
      return Set.of(ip(host));
    }
    Set<String> out = new LinkedHashSet<>();
    for (DnsQuery q : queriesFor(host, allQueries)) {
      addUsable(q.answers(), out);
      q.xExtraReplies().forEach(extra -> addUsable(extra, out));
    }
    return out;
  }

  /** The addresses in the first reply to each query for {@code host}: what an ordinary client would have used. */
  static Set<String> firstReplyAddresses(String host, List<DnsQuery> allQueries) {
    Set<String> out = new LinkedHashSet<>();
    for (DnsQuery q : queriesFor(host, allQueries)) {
      out.addAll(addresses(q.answers()));
    }
    return out;
  }

  /** Every answer for {@code host} was a bogon (so the probe had nothing it would connect to). */
  static boolean onlyBogons(String host, List<DnsQuery> allQueries) {
    List<DnsAnswer> all = queriesFor(host, allQueries).stream().flatMap(q -> q.answers().stream())
        .filter(a -> a.address() != null).toList();
    return !all.isEmpty() && all.stream().allMatch(DnsAnswer::xBogon);
  }

  /** The signal for a DNS failure string, or null for failures the vocabulary has no name for (timeouts). */
  static Signal failureSignal(String failure) {
    if (failure == null) {
      return null;
    }
    return switch (failure) {
      case Failures.DNS_NXDOMAIN, Control.LEGACY_NXDOMAIN -> Signal.DNS_NXDOMAIN;
      case Failures.DNS_SERVFAIL -> Signal.DNS_SERVFAIL;
      case Failures.DNS_NO_ANSWER -> Signal.DNS_NO_ANSWER;
      case Failures.DNS_BOGON -> Signal.DNS_BOGON;
      default -> null;
    };
  }

  private static String groupFailure(List<DnsQuery> group) {
    // The A query speaks for the group: an IPv4-only site legitimately has no AAAA.
    return group.stream().filter(q -> q.failure() != null)
        .sorted((a, b) -> Boolean.compare(!a.queryType().equals("A"), !b.queryType().equals("A")))
        .map(DnsQuery::failure).findFirst().orElse(Failures.DNS_NO_ANSWER);
  }

  private static boolean anyGood(Set<String> addrs, Control.Dns cdns, Control control, Set<String> goodByTls) {
    Set<Long> controlAsns = new LinkedHashSet<>();
    for (String c : cdns.addrs()) {
      long asn = control.asn(c);
      if (asn > 0) {
        controlAsns.add(asn);
      }
    }
    for (String a : addrs) {
      if (cdns.addrs().contains(a) || goodByTls.contains(a) || control.validForDomain(a)
          || controlAsns.contains(control.asn(a))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> validTlsAddresses(String host, List<TlsHandshake> tls) {
    Set<String> out = new LinkedHashSet<>();
    for (TlsHandshake h : tls) {
      if (h.failure() == null && host.equalsIgnoreCase(h.serverName())) {
        String endpoint = Control.normalizeEndpoint(h.address());
        out.add(Control.normalizeIp(endpoint.substring(0, endpoint.lastIndexOf(':'))));
      }
    }
    return out;
  }

  static List<DnsQuery> queriesFor(String host, List<DnsQuery> all) {
    String h = bare(host);
    return all.stream().filter(q -> bare(q.hostname()).equals(h)).toList();
  }

  private static Map<String, List<DnsQuery>> byResolver(List<DnsQuery> queries) {
    Map<String, List<DnsQuery>> out = new LinkedHashMap<>();
    for (DnsQuery q : queries) {
      out.computeIfAbsent(q.engine() + " " + q.resolverAddress(), k -> new ArrayList<>()).add(q);
    }
    return out;
  }

  private static Set<String> addresses(List<DnsAnswer> answers) {
    Set<String> out = new LinkedHashSet<>();
    for (DnsAnswer a : answers) {
      if (a.address() != null) {
        out.add(ip(a.address()));
      }
    }
    return out;
  }

  private static void addUsable(List<DnsAnswer> answers, Set<String> out) {
    for (DnsAnswer a : answers) {
      if (a.address() != null && !a.xBogon()) {
        out.add(ip(a.address()));
      }
    }
  }

  private static String ip(String address) {
    return Control.normalizeIp(address);
  }

  private static String bare(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
