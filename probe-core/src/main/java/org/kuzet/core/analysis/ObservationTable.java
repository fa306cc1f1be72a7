package org.kuzet.core.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import okhttp3.HttpUrl;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.control.ControlResponse;

/**
 * One measurement as one flat table of observations, built once (after OONI minipipeline's {@code WebObservation},
 * written for kuzet): a {@link Row} per DNS answer (or per query that gave none) and per endpoint the probe
 * connected to, each carrying what was seen there and the control's view of the same thing, plus the HTTP chain
 * with each hop pointing at its endpoint row. Every fact the rules need (which resolver gave an address, first
 * reply or late, bogon, good per the control, TCP/TLS outcome, certificate finding) is worked out here, once; the
 * rules in {@link Analysis} are small predicates over these rows. Pure: no I/O.
 */
final class ObservationTable {
  /** The resolver engines that stand for the volunteer's own resolver (kuzet's and OONI's spellings). */
  static final Set<String> USER_ENGINES = Set.of("system", "getaddrinfo");

  enum Kind { DNS, ENDPOINT }

  /**
   * One observation. DNS rows fill the {@code query…} fields, endpoint rows the {@code port…} ones; {@code
   * address}, {@code bogon} and {@code good} are shared.
   *
   * @param host the name looked up, or the endpoint's host (the TLS server name, else the first host whose DNS
   *     gave the address, else the address itself)
   * @param hop the first hop of the chain whose URL has this host, -1 when none has
   * @param query index in {@code test_keys.queries} (DNS rows), -1 for endpoints
   * @param engine the resolver engine ("system", "getaddrinfo", "udp", "tcp", "doh"), null for endpoints
   * @param reply 0 for the first reply to the query, 1… for later replies to the same query (an injector racing
   *     the resolver), -1 for endpoints
   * @param failure the query's failure for a DNS row without address; the TCP failure, else the TLS failure,
   *     for an endpoint row
   * @param address the normalised IP, null for a DNS row without one
   * @param user the volunteer's own resolver gave this address in a first reply (what a browser would use)
   * @param resolvedBy for endpoint rows, every "engine resolver" that gave the address (with " (late)" for a
   *     later reply only)
   * @param controlMatch the control resolved this address, or it is in an ASN the control's addresses are in
   *     (OONI classic's test for {@code dns_consistency}; input host only)
   * @param good the address is shown to be the site's: the control resolved it, it is in an ASN the control's
   *     addresses are in, the helper validated TLS for the domain there, or the probe did
   * @param fingerprints DNS blockpage fingerprints matched by this reply (DNS rows)
   * @param tcp the probe's connect (endpoint rows)
   * @param tls the probe's handshake on that connection, null for plain HTTP or a failed connect
   * @param certificate the certificate finding for a handshake whose chain did not validate, else null
   * @param controlTcp the helper's connect to the same endpoint, null when it sent none
   * @param controlTls the helper's handshake on the same endpoint, null when it sent none
   */
  record Row(Kind kind, String host, int hop, int query, String engine, String resolver, String queryType,
      int reply, String failure, String address, boolean bogon, boolean user, Set<String> resolvedBy,
      boolean controlMatch, boolean good,
      Set<String> fingerprints, int port, TcpConnect tcp, TlsHandshake tls, TlsAnalysis.Finding certificate,
      ControlResponse.TcpConnectResult controlTcp, ControlResponse.TlsHandshakeResult controlTls) {

    boolean dns() {
      return kind == Kind.DNS;
    }

    boolean fromUserResolver() {
      return engine != null && USER_ENGINES.contains(engine);
    }

    /** The group a DNS row belongs to: one resolver, A and AAAA together. */
    String resolverKey() {
      return engine + " " + resolver;
    }

    /** The connect succeeded (a handshake recorded without its connect implies one). */
    boolean connected() {
      return tcp != null ? tcp.status().success() : tls != null;
    }

    /** The probe could have fetched a page here: connected, and for TLS the chain validated. */
    boolean usable() {
      return connected() && (tls == null || tls.failure() == null);
    }

    String endpoint() {
      return Control.normalizeEndpoint(org.kuzet.schema.Endpoints.format(address, port));
    }
  }

  /**
   * One request of the chain.
   *
   * @param endpoint the endpoint row the request went to, null when none was chosen (nothing to connect to)
   * @param userView the request went to an address the volunteer's own resolver gave (or the host is an address,
   *     or no user resolver was asked for it)
   */
  record Hop(HttpTransaction tx, String host, int port, boolean https, Row endpoint, boolean userView) {}

  final TestKeys keys;
  final Control control;
  final String inputHost;
  final List<Row> rows;
  final List<Hop> chain;

  private ObservationTable(TestKeys keys, Control control, String inputHost, List<Row> rows, List<Hop> chain) {
    this.keys = keys;
    this.control = control;
    this.inputHost = inputHost;
    this.rows = rows;
    this.chain = chain;
  }

  static ObservationTable build(TestKeys keys, Control control, AnalysisKnowledge knowledge) {
    String inputHost = inputHost(keys);
    Map<String, Integer> hops = new LinkedHashMap<>();
    if (inputHost != null) {
      hops.put(inputHost, 0);
    }
    for (HttpTransaction tx : keys.requests()) {
      HttpUrl url = HttpUrl.parse(tx.request().url());
      if (url != null) {
        hops.putIfAbsent(bare(url.host()), tx.xHop());
      }
    }
    Set<String> validTls = new LinkedHashSet<>(); // "host address" pairs with a handshake that validated
    for (TlsHandshake h : keys.tlsHandshakes()) {
      if (h.failure() == null && h.serverName() != null) {
        validTls.add(bare(h.serverName()) + " " + ipOf(h.address()));
      }
    }
    Predicate<String[]> match = hostAndIp -> matchesControl(hostAndIp[0], hostAndIp[1], inputHost, control);
    // kuzet's stronger reading adds an address where the probe, or the helper (ip_info flag), validated TLS.
    Predicate<String[]> good = hostAndIp -> match.test(hostAndIp)
        || validTls.contains(hostAndIp[0] + " " + hostAndIp[1]) || hostAndIp[0].equals(inputHost)
        && control != null && control.dns() != null && control.validForDomain(hostAndIp[1]);

    List<Row> rows = new ArrayList<>();
    List<DnsQuery> queries = keys.queries();
    for (int i = 0; i < queries.size(); i++) {
      DnsQuery q = queries.get(i);
      String host = bare(q.hostname());
      int hop = hops.getOrDefault(host, -1);
      List<List<DnsAnswer>> replies = new ArrayList<>();
      replies.add(q.answers());
      replies.addAll(q.xExtraReplies());
      for (int r = 0; r < replies.size(); r++) {
        List<DnsAnswer> answers = replies.get(r);
        Set<String> fps = knowledge.blockpages().matchDns(answers);
        boolean user = r == 0 && USER_ENGINES.contains(q.engine());
        boolean any = false;
        for (DnsAnswer a : answers) {
          if (a.address() == null) {
            continue;
          }
          any = true;
          String ip = Control.normalizeIp(a.address());
          rows.add(new Row(Kind.DNS, host, hop, i, q.engine(), q.resolverAddress(), q.queryType(), r, null, ip,
              a.xBogon(), user, Set.of(), match.test(new String[] {host, ip}), good.test(new String[] {host, ip}), fps,
              -1, null, null, null, null, null));
        }
        if (!any && r == 0) {
          rows.add(new Row(Kind.DNS, host, hop, i, q.engine(), q.resolverAddress(), q.queryType(), r,
              q.failure(), null, false, false, Set.of(), false, false, fps, -1, null, null, null, null, null));
        }
      }
    }

    List<TlsHandshake> unpaired = new ArrayList<>(keys.tlsHandshakes());
    for (TcpConnect c : keys.tcpConnect()) {
      String ip = Control.normalizeIp(c.ip());
      String endpoint = Control.normalizeEndpoint(c.endpoint());
      TlsHandshake tls = null;
      if (c.status().success()) {
        for (TlsHandshake h : unpaired) {
          if (Control.normalizeEndpoint(h.address()).equals(endpoint)) {
            tls = h;
            break;
          }
        }
        unpaired.remove(tls);
      }
      String host = tls != null && tls.serverName() != null ? bare(tls.serverName())
          : rows.stream().filter(r -> r.dns() && ip.equals(r.address())).map(Row::host).findFirst().orElse(ip);
      Provenance from = Provenance.of(ip, rows);
      Set<String> resolvedBy = from.resolvedBy();
      boolean user = from.user();
      boolean bogon = from.bogon();
      TlsAnalysis.Finding certificate = tls != null && TlsAnalysis.certificateFailure(tls.failure())
          ? TlsAnalysis.examine(tls, control, knowledge.interceptionRoots()) : null;
      String failure = c.status().failure() != null ? c.status().failure() : tls == null ? null : tls.failure();
      rows.add(new Row(Kind.ENDPOINT, host, hops.getOrDefault(host, -1), -1, null, null, null, -1, failure, ip,
          bogon, user, Set.copyOf(resolvedBy), match.test(new String[] {host, ip}), good.test(new String[] {host, ip}),
          Set.of(), c.port(), c, tls,
          certificate, control == null ? null : control.tcp().get(endpoint),
          control == null ? null : control.tls().get(endpoint)));
    }
    // A handshake without its connect (a measurement from elsewhere that left the connect out) is a row too.
    for (TlsHandshake h : unpaired) {
      String endpoint = Control.normalizeEndpoint(h.address());
      int colon = endpoint.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(endpoint.substring(colon + 1));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        continue; // not "ip:port": nothing to attach it to
      }
      String ip = ipOf(endpoint);
      String host = h.serverName() != null ? bare(h.serverName()) : ip;
      Provenance from = Provenance.of(ip, rows);
      Set<String> resolvedBy = from.resolvedBy();
      boolean user = from.user();
      boolean bogon = from.bogon();
      TlsAnalysis.Finding certificate = TlsAnalysis.certificateFailure(h.failure())
          ? TlsAnalysis.examine(h, control, knowledge.interceptionRoots()) : null;
      rows.add(new Row(Kind.ENDPOINT, host, hops.getOrDefault(host, -1), -1, null, null, null, -1, h.failure(), ip,
          bogon, user, Set.copyOf(resolvedBy), match.test(new String[] {host, ip}), good.test(new String[] {host, ip}),
          Set.of(), port, null, h,
          certificate, control == null ? null : control.tcp().get(endpoint),
          control == null ? null : control.tls().get(endpoint)));
    }

    List<Hop> chain = new ArrayList<>();
    for (HttpTransaction tx : keys.requests()) {
      HttpUrl url = HttpUrl.parse(tx.request().url());
      String host = url == null ? null : bare(url.host());
      int port = url == null ? -1 : url.port();
      Row endpoint = null;
      if (tx.xAddress() != null) {
        String ep = Control.normalizeEndpoint(tx.xAddress());
        endpoint = rows.stream().filter(r -> !r.dns() && r.endpoint().equals(ep)).findFirst().orElse(null);
      }
      boolean userView = true;
      if (host != null && !IpLiterals.isLiteral(host) && asksUser(rows, host)) {
        Set<String> user = new LinkedHashSet<>();
        rows.stream().filter(r -> r.dns() && r.user() && host.equals(r.host())).forEach(r -> user.add(r.address()));
        if (tx.xAddress() != null) {
          userView = user.contains(ipOf(tx.xAddress()));
        } else if (tx.response().code() != null) {
          // No address recorded with the request (OONI keeps it elsewhere): the page came through one of the
          // endpoints that could serve it; when none of them is the user's, the user's view was left.
          Set<String> dnsAddrs = new LinkedHashSet<>();
          rows.stream().filter(r -> r.dns() && host.equals(r.host())).forEach(r -> dnsAddrs.add(r.address()));
          List<Row> candidates = rows.stream().filter(r -> !r.dns() && r.port() == port && r.usable()
              && dnsAddrs.contains(r.address())).toList();
          userView = candidates.isEmpty() || candidates.stream().anyMatch(r -> user.contains(r.address()));
        }
      }
      chain.add(new Hop(tx, host, port, url != null && url.isHttps(), endpoint, userView));
    }
    Hop unsent = unsentRedirect(chain, rows);
    if (unsent != null) {
      chain.add(unsent);
    }
    return new ObservationTable(keys, control, inputHost, List.copyOf(rows), List.copyOf(chain));
  }

  /**
   * The hop a recorded redirect leads to when the measurement has no request for it but shows it failing before
   * HTTP (a probe that, unlike kuzet's, records no request when nothing connected, as OONI's does): a request
   * not sent, with the failure seen on its host's endpoints or DNS. Null when the chain does not end on a
   * redirect, when nothing about the target was observed, or when one of its endpoints worked (the chain was cut
   * at a redirect limit, not broken).
   */
  private static Hop unsentRedirect(List<Hop> chain, List<Row> rows) {
    if (chain.isEmpty()) {
      return null;
    }
    Hop last = chain.get(chain.size() - 1);
    HttpTransaction tx = last.tx();
    Integer code = tx.response().code();
    HttpUrl from = HttpUrl.parse(tx.request().url());
    if (tx.failure() != null || code == null || code < 300 || code > 399 || code == 304 || from == null) {
      return null;
    }
    String location = tx.response().headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Location"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    HttpUrl to = location == null ? null : from.resolve(location);
    if (to == null) {
      return null;
    }
    String host = bare(to.host());
    int port = to.port();
    Set<String> addresses = new LinkedHashSet<>();
    if (IpLiterals.isLiteral(host)) {
      addresses.add(Control.normalizeIp(host));
    }
    List<Row> dns = rows.stream().filter(r -> r.dns() && r.host().equals(host)).toList();
    dns.stream().filter(r -> r.address() != null).forEach(r -> addresses.add(r.address()));
    List<Row> endpoints = rows.stream().filter(r -> !r.dns() && r.port() == port && addresses.contains(r.address())
        && (r.tls() == null || r.tls().serverName() == null || host.equals(bare(r.tls().serverName())))).toList();
    if ((dns.isEmpty() && endpoints.isEmpty()) || endpoints.stream().anyMatch(Row::usable)) {
      return null;
    }
    String failure = endpoints.stream().map(Row::failure).filter(f -> f != null).findFirst().orElse(null);
    if (failure == null) {
      List<Row> user = dns.stream().filter(Row::fromUserResolver).toList();
      failure = user.stream().anyMatch(r -> r.address() != null && r.bogon()) ? Failures.DNS_BOGON
          : groupFailure(user.isEmpty() ? dns : user);
    }
    HttpTransaction next = new HttpTransaction(new HttpTransaction.Request("GET", to.toString(), Map.of(), "",
        tx.request().xTransport()), null, failure, tx.t(), tx.t(), null, tx.xHop() + 1);
    return new Hop(next, host, port, to.isHttps(), null, true);
  }

  // ---- queries over the rows -----------------------------------------------------------------------------------

  /** The DNS rows for {@code host}. */
  List<Row> dns(String host) {
    String h = bare(host);
    return rows.stream().filter(r -> r.dns() && r.host().equals(h)).toList();
  }

  /** The volunteer's own resolver was asked about {@code host}. */
  boolean asksUser(String host) {
    return asksUser(rows, bare(host));
  }

  private static boolean asksUser(List<Row> rows, String host) {
    return rows.stream().anyMatch(r -> r.dns() && r.host().equals(host) && r.fromUserResolver());
  }

  /** The usable (non-bogon) addresses for {@code host}: every resolver's, first and late replies. */
  Set<String> usableAddresses(String host) {
    if (IpLiterals.isLiteral(host)) {
      return Set.of(Control.normalizeIp(host));
    }
    Set<String> out = new LinkedHashSet<>();
    dns(host).stream().filter(r -> r.address() != null && !r.bogon()).forEach(r -> out.add(r.address()));
    return out;
  }

  /** The usable addresses the volunteer's own resolver gave for {@code host} in its first replies. */
  Set<String> userAddresses(String host) {
    if (IpLiterals.isLiteral(host)) {
      return Set.of(Control.normalizeIp(host));
    }
    Set<String> out = new LinkedHashSet<>();
    dns(host).stream().filter(r -> r.user() && !r.bogon()).forEach(r -> out.add(r.address()));
    return out;
  }

  /** The endpoint rows on {@code port} at one of {@code addresses}. */
  List<Row> endpoints(Set<String> addresses, int port) {
    return rows.stream().filter(r -> !r.dns() && r.port() == port && addresses.contains(r.address())).toList();
  }

  /** The endpoint rows whose chain did not validate (each with its certificate finding). */
  List<Row> certificateFindings() {
    return rows.stream().filter(r -> r.certificate() != null).toList();
  }

  // ---- building helpers ----------------------------------------------------------------------------------------

  /** OONI classic's test: the control resolved the address, or one in the same ASN (per its {@code ip_info}). */
  private static boolean matchesControl(String host, String ip, String inputHost, Control control) {
    if (control == null || control.dns() == null || !host.equals(inputHost)) {
      return false;
    }
    ControlResponse.DnsResult cdns = control.dns();
    if (cdns.addrs().contains(ip)) {
      return true;
    }
    long asn = control.asn(ip);
    return asn > 0 && cdns.addrs().stream().anyMatch(c -> control.asn(c) == asn);
  }

  static String inputHost(TestKeys keys) {
    if (!keys.requests().isEmpty()) {
      HttpUrl url = HttpUrl.parse(keys.requests().get(0).request().url());
      if (url != null) {
        return bare(url.host());
      }
    }
    return keys.queries().isEmpty() ? null : bare(keys.queries().get(0).hostname());
  }

  /** The group failure of a resolver that gave no address: the A query speaks (an IPv4-only site has no AAAA). */
  static String groupFailure(List<Row> group) {
    return group.stream().filter(r -> r.failure() != null)
        .sorted((a, b) -> Boolean.compare(!"A".equals(a.queryType()), !"A".equals(b.queryType())))
        .map(Row::failure).findFirst().orElse(Failures.DNS_NO_ANSWER);
  }

  static String ipOf(String endpoint) {
    String e = Control.normalizeEndpoint(endpoint);
    int colon = e.lastIndexOf(':');
    return Control.normalizeIp(colon <= 0 ? e : e.substring(0, colon));
  }

  static String bare(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** Where the DNS rows say {@code ip} came from: which resolvers gave it, the user's answer among them, a bogon. */
  private record Provenance(Set<String> resolvedBy, boolean user, boolean bogon) {
    static Provenance of(String ip, List<Row> rows) {
      Set<String> by = new LinkedHashSet<>();
      boolean user = false;
      boolean bogon = false;
      for (Row r : rows) {
        if (r.dns() && ip.equals(r.address())) {
          by.add(r.resolverKey() + (r.reply() > 0 ? " (late)" : ""));
          user |= r.user();
          bogon |= r.bogon();
        }
      }
      return new Provenance(by, user, bogon);
    }
  }
}
