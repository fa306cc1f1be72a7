package org.kuzet.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import org.kuzet.core.analysis.ObservationTable.Hop;
import org.kuzet.core.analysis.ObservationTable.Row;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.control.ControlResponse;

/**
 * Observations plus control in, verdict out: OONI's analysis keys (ts-017 {@code dns_consistency},
 * {@code body_length_match}, {@code body_proportion}, {@code headers_match}, {@code status_code_match},
 * {@code title_match}, {@code blocking}, {@code accessible}, {@code tcp_connect[].status.blocked}) and kuzet's
 * {@code x_verdict}, {@code x_signals}, {@code x_interception}, {@code x_blockpage}, {@code x_failed_hop}.
 *
 * <p>DESIGN. A pure function (no I/O, no clock, no logging; the observations are returned unchanged) over one
 * flat table of observations built once ({@link ObservationTable}: a row per DNS answer and per endpoint, with
 * the resolver that gave each address, first reply or late, bogon, TCP/TLS outcome, certificate finding and the
 * control's view of the same thing; and the HTTP chain, each hop pointing at its endpoint row). Three principles
 * shape the rules:
 * <ul>
 *   <li><b>The user's view decides.</b> DNS is judged on what the volunteer's own (system) resolver answered in
 *       its first replies, as OONI's "classic" analysis does. Other resolvers ({@code --resolver} UDP/TCP, DoH)
 *       and late replies are evidence about that answer: they may show it was a lie ({@code dns.inconsistent},
 *       {@code dns.injected}) and name the true address, never make a DNS-blocked site accessible. A page the
 *       probe fetched through an address only they gave is recorded but judged as the user would have met it:
 *       the chain "leaves the user's view" at that hop, and the hop fails where the user's answer led.
 *   <li><b>Keys, not names.</b> A known interception root counts only when a certificate or SPKI SHA-256 in the
 *       chain as sent is on the shipped list; a certificate that only carries such a root's name is reported as a
 *       look-alike ({@code x_interception.look_alike}, {@code matched_by: "name_only"}) and decides nothing.
 *   <li><b>Local evidence is weighed against the control.</b> A 451 or a fingerprinted blockpage as the final
 *       response over validated TLS, that the control also got (same status, same body or title), is the site's
 *       own page, not censorship; without a control, or when the control saw something else, it stands.
 * </ul>
 * The rules, in the order they are tried:
 * <ol>
 *   <li>Local evidence that needs no control: a counted known interception root (by hash) in a chain, an HTTP
 *       451 at any hop, a blockpage fingerprint in any response or DNS answer (minus the final response the
 *       control shares, see above). Blocked; "dns" when the user's DNS answer was a lie or a DNS fingerprint
 *       matched.
 *   <li>A certificate the helper saw differently for the same endpoint (valid there, or another key): blocked,
 *       {@code tls.interception}.
 *   <li>The final response came over HTTPS validated against kuzet's roots, from an address the user's resolver
 *       gave: accessible, as in OONI (only the real server, or a compromised CA, can serve it; a server's own
 *       CAPTCHA or geo-page is not censorship).
 *   <li>No usable control: blocked "dns" when the user's answer is proven a lie without it (it failed, was a
 *       bogon or another address, while an address another resolver gave served the site's valid certificate);
 *       otherwise inconclusive, with the local signals.
 *   <li>The final response came over plain HTTP within the user's view: ghost DNS first (the user's resolver gave
 *       an address the control has no name for: NXDOMAIN there) is blocked "dns"; otherwise compared with the
 *       control's under OONI's rule (status code and one of body length, uncommon headers, title); a different
 *       page is {@code http.diff}, or DNS blocking when the user's DNS was inconsistent. A control that could not
 *       fetch the page, or got a 5xx, leaves it inconclusive.
 *   <li>The fetch failed, or left the user's view: the failure is attributed to its hop and step (dns,
 *       tcp_connect, tls_handshake, http), on the user's addresses when the chain left the user's view. A
 *       failure the control did not share is blocked with the step's signal; one it shared is down, unless the
 *       user's DNS was inconsistent and the control fetched the page or had no such name (the failure is the
 *       lie's, not the site's: blocked, "dns"); without the control's view of that step, inconclusive. Where the
 *       chain left the user's view, the DNS signals carry the verdict and the failure at the lie's address is
 *       only in {@code x_failed_hop}. A redirect chain cut at the probe's limit is a failure of the last hop,
 *       judged like a page difference when the control completed its chain.
 * </ol>
 * OONI's own keys then read as OONI probe-cli's classic analysis would write them, so OONI's tools read kuzet's
 * data as they read OONI's: {@code dns_consistency} is "inconsistent" when the user's answer shares no address and
 * no ASN with the control's (or failed alone, or carried a bogon the control did not get), even where kuzet's
 * stronger evidence, an address that served a certificate valid for the domain, shows the answer was the site's;
 * and with inconsistent DNS every outcome but an accessible page is {@code blocking: "dns"}, {@code accessible:
 * false}. {@code x_verdict} and {@code x_signals} keep kuzet's reading (no {@code dns.inconsistent} for a proven
 * address; the block named where it happened), which is where the two may tell different stories.
 *
 * <p>{@code x_signals} name the evidence for a blocked or inconclusive verdict and are empty for accessible and
 * down. Certificates that the helper sees with the same key are the real server's: not interception. If the
 * helper found them valid only kuzet's roots disagree (accessible); if it found them invalid too (expired, wrong
 * host, unknown authority), the site is broken everywhere, a failure the control shares: down.
 */
public final class Analysis {
  /** The {@code control_failure} of a measurement that has neither a control nor a recorded reason. */
  public static final String NO_CONTROL = Failures.unknown("no control response");

  static final String CONSISTENT = "consistent";
  static final String INCONSISTENT = "inconsistent";

  private static final String STEP_DNS = "dns";
  private static final String STEP_TCP = "tcp_connect";
  private static final String STEP_TLS = "tls_handshake";
  private static final String STEP_HTTP = "http";

  /** How the control's view of a failed step compares with the probe's (ts-017's "expected"/"unexpected"). */
  private enum Agreement { UNEXPECTED, EXPECTED, GENUINE, UNKNOWN }

  /** @param left the step is where the user's answer led, the probe having gone on through another resolver's */
  private record Step(String name, HttpTransaction tx, String failure, Set<Signal> signals, Agreement agreement,
      boolean left) {}

  /**
   * The DNS judgement of one host.
   *
   * @param consistency OONI's key: "consistent", "inconsistent", or null without a control (or without DNS)
   * @param lie the user's answer was a lie: inconsistent with the control, or (without one) contradicted by an
   *     address another resolver gave that served the site's valid certificate
   * @param signals local DNS signals plus {@code dns.inconsistent}; failures the control shares are left out
   * @param fingerprints names of DNS blocking fingerprints matched by any answer
   * @param userFailure the user's resolver's failure when it gave no address, else null
   * @param userOnlyBogons every address the user's resolver gave was a bogon
   */
  private record HostDns(String consistency, boolean lie, Set<Signal> signals, Set<String> fingerprints,
      String userFailure, boolean userOnlyBogons) {
    static final HostDns NONE = new HostDns(null, false, Set.of(), Set.of(), null, false);
  }

  /** What the analysis found before deciding. */
  private record Evidence(HostDns dns, List<TlsAnalysis.Finding> certificates, Set<String> httpBlockpages,
      boolean http451, HttpComparison comparison, HttpTransaction last, boolean lastHttps, boolean cut,
      boolean left, Step step) {}

  private record Decision(Verdict verdict, Blocking blocking, Boolean accessible, Set<Signal> signals) {
    static Decision ofAccessible() {
      return new Decision(Verdict.ACCESSIBLE, Blocking.NONE, Boolean.TRUE, Set.of());
    }

    static Decision down() {
      return new Decision(Verdict.DOWN, Blocking.NONE, Boolean.FALSE, Set.of());
    }

    static Decision inconclusive(Set<Signal> signals) {
      return new Decision(Verdict.INCONCLUSIVE, null, null, signals);
    }

    static Decision blocked(String method, Set<Signal> signals) {
      return new Decision(Verdict.BLOCKED, Blocking.method(method), Boolean.FALSE, signals);
    }
  }

  private Analysis() {}

  /** {@link #analyze(TestKeys, AnalysisKnowledge)} with the knowledge bundled in the jar. */
  public static TestKeys analyze(TestKeys keys) {
    return analyze(keys, AnalysisKnowledge.bundled());
  }

  /**
   * The keys with every analysis field filled. The control is used when {@code keys.control()} is present and
   * {@code keys.controlFailure()} is null; a measurement with neither gets {@link #NO_CONTROL} as its
   * {@code control_failure}, so the record says why it was judged on local evidence alone.
   */
  public static TestKeys analyze(TestKeys keys, AnalysisKnowledge knowledge) {
    Control control = keys.control() != null && keys.controlFailure() == null ? Control.of(keys.control()) : null;
    String controlFailure = keys.control() == null && keys.controlFailure() == null ? NO_CONTROL
        : keys.controlFailure();
    ObservationTable t = ObservationTable.build(keys, control, knowledge);
    Map<String, HostDns> dnsByHost = new LinkedHashMap<>();
    HostDns dns = t.inputHost == null ? HostDns.NONE : judgeDns(t, t.inputHost, control);
    if (t.inputHost != null) {
      dnsByHost.put(t.inputHost, dns);
    }

    List<Hop> chain = t.chain;
    Hop lastHop = chain.isEmpty() ? null : chain.get(chain.size() - 1);
    HttpTransaction last = lastHop == null ? null : lastHop.tx();
    Hop left = chain.stream().filter(h -> !h.userView()).findFirst().orElse(null);

    // Local HTTP evidence, minus the final page the control got too over validated TLS (the site's own page).
    boolean ownPage = left == null && controlGotTheSamePage(lastHop, control);
    Set<String> httpBlockpages = new LinkedHashSet<>();
    Set<String> matched = new LinkedHashSet<>();
    boolean http451 = false;
    for (Hop h : chain) {
      Set<String> fps = knowledge.blockpages().matchResponse(h.tx().response());
      matched.addAll(fps);
      if (h == lastHop && ownPage) {
        continue;
      }
      http451 |= Integer.valueOf(451).equals(h.tx().response().code());
      httpBlockpages.addAll(fps);
    }
    HttpComparison comparison = last != null && last.response().code() != null && control != null
        && control.http() != null ? HttpComparison.compare(last.response(), control.http())
        : new HttpComparison(null, null, null, null, null);
    boolean cut = left == null && last != null && last.failure() == null && redirectNotFollowed(last);
    Step step;
    if (left != null) {
      step = userStep(left, t, dnsByHost, control);
    } else if (last == null || (last.failure() == null && !cut)) {
      step = null;
    } else {
      step = cut ? cutChain(last, control) : locate(lastHop, t, dnsByHost, control);
    }
    List<TlsAnalysis.Finding> certificates = t.certificateFindings().stream().map(Row::certificate).toList();

    Decision d = decide(control, new Evidence(dns, certificates, httpBlockpages, http451, comparison, last,
        lastHop != null && lastHop.https(), cut, left != null, step));
    Blocking blocking = d.blocking();
    Boolean accessible = d.accessible();
    boolean accessiblePage = Blocking.NONE.equals(blocking) && Boolean.TRUE.equals(accessible);
    if (INCONSISTENT.equals(dns.consistency()) && !accessiblePage) {
      // OONI classic: with inconsistent DNS, anything but an accessible page is DNS blocking (failed, differed, down
      // or undecided), whatever kuzet's stronger evidence names in x_verdict and x_signals.
      blocking = Blocking.method("dns");
      accessible = Boolean.FALSE;
    }

    Set<String> blockpages = new LinkedHashSet<>(matched);
    blockpages.addAll(dns.fingerprints());
    AnalysisKeys analysis = AnalysisKeys.builder().dnsConsistency(dns.consistency()).blocking(blocking)
        .accessible(accessible).verdict(d.verdict()).signals(List.copyOf(d.signals()))
        .interception(interception(certificates, keys.requests())).bodyLengthMatch(comparison.bodyLengthMatch())
        .bodyProportion(comparison.bodyProportion()).headersMatch(comparison.headersMatch())
        .statusCodeMatch(comparison.statusCodeMatch()).titleMatch(comparison.titleMatch())
        .blockpage(blockpages.isEmpty() ? null : List.copyOf(blockpages)).failedHop(step == null ? null : failedHop(step))
        .build();
    return keys.withObservations(keys.observations().withTcpConnect(markBlocked(t, control)))
        .withControl(keys.controlExchange().withFailure(controlFailure)).withAnalysis(analysis);
  }

  private static Decision decide(Control control, Evidence e) {
    HostDns dns = e.dns();
    HttpTransaction last = e.last();
    Step step = e.step();
    // 1. Local evidence, conclusive without a control.
    Set<Signal> local = EnumSet.noneOf(Signal.class);
    boolean knownRoot = e.certificates().stream().anyMatch(f -> f.kind() == TlsAnalysis.Kind.KNOWN_ROOT);
    if (knownRoot) {
      local.add(Signal.TLS_INTERCEPTION);
      local.add(Signal.TLS_KNOWN_INTERCEPTION_ROOT);
    }
    if (e.http451()) {
      local.add(Signal.HTTP_451);
    }
    if (!e.httpBlockpages().isEmpty()) {
      local.add(Signal.HTTP_BLOCKPAGE);
    }
    if (!local.isEmpty() || !dns.fingerprints().isEmpty()) {
      Set<Signal> signals = union(local, dns.signals());
      if (!dns.fingerprints().isEmpty() && !signals.contains(Signal.DNS_BOGON)) {
        signals.add(Signal.DNS_INCONSISTENT); // the answer is a known blockpage address, whatever the control says
      }
      String method = dns.lie() || !dns.fingerprints().isEmpty() ? "dns"
          : knownRoot ? "http-failure" : "http-diff";
      return Decision.blocked(method, signals);
    }
    // 2. The helper saw this endpoint's certificate differently.
    boolean intercepted = e.certificates().stream()
        .anyMatch(f -> f.kind() == TlsAnalysis.Kind.INTERCEPTED && f.control() != null);
    if (intercepted) {
      return Decision.blocked(dns.lie() ? "dns" : "http-failure",
          union(EnumSet.of(Signal.TLS_INTERCEPTION), dns.signals()));
    }
    // 3. A validated HTTPS response, reached the way the user would have reached it.
    if (step == null && last != null && last.failure() == null && e.lastHttps()) {
      return Decision.ofAccessible();
    }
    // 4. Nothing to compare with: only a lie proven by another resolver's validated address is conclusive.
    if (control == null) {
      Set<Signal> signals = step == null ? dns.signals() : stepSignals(step, dns);
      return dns.lie() ? Decision.blocked("dns", signals) : Decision.inconclusive(signals);
    }
    // 5. A plain-HTTP page, or a chain cut at the redirect limit, compared with the control's page.
    if (!e.left() && last != null && last.failure() == null) {
      if (dns.lie() && controlHasNoSuchName(control)) {
        return Decision.blocked("dns", dns.signals()); // ghost DNS: a page where the name does not exist
      }
      if (control.http() == null || !control.http().succeeded()) {
        return e.cut() && control.http() != null ? Decision.down() : Decision.inconclusive(dns.signals());
      }
      if (e.comparison().pageMatches()) {
        return Decision.ofAccessible();
      }
      if (e.comparison().controlErrored()) {
        return Decision.inconclusive(dns.signals());
      }
      return Decision.blocked(dns.lie() ? "dns" : "http-diff", union(EnumSet.of(Signal.HTTP_DIFF), dns.signals()));
    }
    if (step == null) {
      return Decision.inconclusive(dns.signals()); // no request at all: nothing was measured
    }
    // 6. A failure, judged by the control's view of the same step.
    Set<Signal> signals = stepSignals(step, dns);
    return switch (step.agreement()) {
      case UNEXPECTED -> Decision.blocked(dns.lie() ? "dns" : method(step.name()), signals);
      // The helper failing the same way at an address only the probe's resolver gave, while fetching the page
      // from the addresses it resolved itself (or finding no such name at all: ghost DNS), is the lie's failure,
      // not the site's (OONI: "dns").
      case EXPECTED -> dns.lie() && (control.httpSucceeded() || controlHasNoSuchName(control))
          ? Decision.blocked("dns", signals) : Decision.down();
      case GENUINE -> Decision.ofAccessible();
      case UNKNOWN -> Decision.inconclusive(signals);
    };
  }

  /** The step's signals with the DNS ones; where the chain left the user's view, the DNS signals carry it. */
  private static Set<Signal> stepSignals(Step step, HostDns dns) {
    return step.left() && !dns.signals().isEmpty() ? dns.signals() : union(step.signals(), dns.signals());
  }

  /** The control's resolver says the input name does not exist (NXDOMAIN). */
  private static boolean controlHasNoSuchName(Control control) {
    return control != null && control.noSuchName();
  }

  /**
   * The final response came over validated TLS and the control got the same page: the same status, and the same
   * body (kuzet's helper sends its SHA-256) or a matching title (OONI's rule).
   */
  private static boolean controlGotTheSamePage(Hop last, Control control) {
    if (last == null || !last.https() || last.tx().failure() != null || control == null || !control.httpSucceeded()
        || last.tx().response().code() == null || last.tx().response().code() != control.http().statusCode()) {
      return false;
    }
    HttpTransaction.Response r = last.tx().response();
    if (!r.bodyIsTruncated() && r.body() != null && control.http().xBodySha256() != null
        && Certificates.sha256Hex(r.body().getBytes(StandardCharsets.UTF_8)).equals(control.http().xBodySha256())) {
      return true;
    }
    return Boolean.TRUE.equals(HttpComparison.title(r.code(), r, control.http()));
  }

  // ---- DNS -----------------------------------------------------------------------------------------------------

  /**
   * The DNS judgement of {@code host} from its rows. Answers are grouped by resolver (engine and address, A and
   * AAAA together); when the user's resolver was asked, only its group is judged (the user's view), on its first
   * replies; otherwise every group is. For kuzet's judgement ({@code lie}, {@code dns.inconsistent}) a group is
   * consistent when it shares an address with the control, or an ASN per the control's {@code ip_info}, or holds
   * an address proven good by a valid TLS handshake for the host (ours or, per {@code ip_info} flags, the
   * helper's); a bogon the control did not also get makes it inconsistent. OONI's {@code dns_consistency} key
   * leaves the TLS proof out (OONI classic: address or ASN overlap only). A group that failed is consistent when the control failed too: kuzet extends
   * OONI's "both NXDOMAIN" rule to any shared failure. A configured (non-system) resolver that merely could not be
   * reached does not count. Late replies that differ from the first are {@code dns.injected}, from any resolver.
   *
   * @param control the usable control, for the input host only (the helper resolves no other name)
   */
  private static HostDns judgeDns(ObservationTable t, String host, Control control) {
    if (IpLiterals.isLiteral(host)) {
      return new HostDns(CONSISTENT, false, Set.of(), Set.of(), null, false); // ts-017: an IP input is consistent
    }
    List<Row> rows = t.dns(host);
    if (rows.isEmpty()) {
      return HostDns.NONE;
    }
    ControlResponse.DnsResult cdns = control == null ? null : control.dns();
    boolean askedUser = rows.stream().anyMatch(Row::fromUserResolver);
    Set<Signal> signals = EnumSet.noneOf(Signal.class);
    Set<String> fps = new LinkedHashSet<>();
    rows.forEach(r -> fps.addAll(r.fingerprints()));
    if (injected(rows)) {
      signals.add(Signal.DNS_INJECTED);
    }
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    rows.stream().filter(r -> r.reply() == 0 && (!askedUser || r.fromUserResolver()))
        .forEach(r -> groups.computeIfAbsent(r.resolverKey(), k -> new ArrayList<>()).add(r));
    boolean sharedFailure = cdns != null && cdns.failed();
    boolean anyInconsistent = false;
    boolean classicInconsistent = false; // OONI classic: no address or ASN shared with the control
    String userFailure = null;
    boolean userOnlyBogons = false;
    for (List<Row> group : groups.values()) {
      List<Row> answered = group.stream().filter(r -> r.address() != null).toList();
      boolean user = group.get(0).fromUserResolver();
      if (answered.isEmpty()) {
        String failure = ObservationTable.groupFailure(group);
        Signal s = failureSignal(failure);
        if (!sharedFailure && s != null) {
          signals.add(s);
        }
        // A configured resolver that cannot be reached (timeout, its DoH blocked) says nothing about the site;
        // the system resolver failing, or any resolver answering with a lie, does.
        boolean aboutSite = s != null || user || Failures.DNS_REFUSED.equals(failure);
        anyInconsistent |= cdns != null && !sharedFailure && aboutSite;
        if (user) {
          userFailure = failure;
        }
        continue;
      }
      boolean exclusiveBogon = answered.stream()
          .anyMatch(r -> r.bogon() && (cdns == null || !cdns.addrs().contains(r.address())));
      if (exclusiveBogon) {
        signals.add(Signal.DNS_BOGON);
      }
      if (cdns != null && (exclusiveBogon || answered.stream().noneMatch(Row::good))) {
        anyInconsistent = true;
      }
      if (cdns != null && answered.stream().noneMatch(Row::controlMatch)) {
        classicInconsistent = true;
      }
      if (user) {
        userOnlyBogons = answered.stream().allMatch(Row::bogon);
      }
    }
    boolean lie = anyInconsistent;
    if (cdns == null && askedUser) {
      // Without the control, another resolver's address that served the site's valid certificate proves the
      // user's answer (a failure, a bogon, other addresses) wrong.
      boolean userGood = rows.stream().anyMatch(r -> r.user() && r.good());
      boolean otherGood = rows.stream().anyMatch(r -> r.address() != null && !r.user() && r.good());
      lie = !userGood && otherGood;
    }
    if (lie) {
      signals.add(Signal.DNS_INCONSISTENT);
    }
    // OONI's key reads as OONI classic's (address or ASN overlap), so OONI's tools read it as they read OONI's data;
    // kuzet's own judgement (lie, dns.inconsistent) also counts an address proven by a valid certificate.
    String consistency = cdns == null ? null : anyInconsistent || classicInconsistent ? INCONSISTENT : CONSISTENT;
    return new HostDns(consistency, lie, signals, fps, userFailure, userOnlyBogons);
  }

  /** A later reply to the same query carried other addresses than the first: an injector raced the resolver. */
  private static boolean injected(List<Row> rows) {
    Map<Integer, Map<Integer, Set<String>>> byQuery = new LinkedHashMap<>();
    for (Row r : rows) {
      Set<String> addrs = byQuery.computeIfAbsent(r.query(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.reply(), k -> new LinkedHashSet<>());
      if (r.address() != null) {
        addrs.add(r.address());
      }
    }
    return byQuery.values().stream().anyMatch(replies -> replies.entrySet().stream()
        .anyMatch(x -> x.getKey() > 0 && !x.getValue().equals(replies.getOrDefault(0, Set.of()))));
  }

  /** The signal for a DNS failure string, or null for failures the vocabulary has no name for (timeouts). */
  static Signal failureSignal(String failure) {
    if (failure == null) {
      return null;
    }
    return switch (failure) {
      case Failures.DNS_NXDOMAIN, ControlResponse.DNS_NAME_ERROR -> Signal.DNS_NXDOMAIN;
      case Failures.DNS_SERVFAIL -> Signal.DNS_SERVFAIL;
      case Failures.DNS_NO_ANSWER -> Signal.DNS_NO_ANSWER;
      case Failures.DNS_BOGON -> Signal.DNS_BOGON;
      default -> null;
    };
  }

  private static HostDns dnsOf(String host, ObservationTable t, Map<String, HostDns> dnsByHost) {
    return dnsByHost.computeIfAbsent(host, h -> judgeDns(t, h, null));
  }

  // ---- where a chain failed ------------------------------------------------------------------------------------

  private static String method(String step) {
    return switch (step) {
      case STEP_DNS -> "dns";
      case STEP_TCP -> "tcp_ip";
      default -> "http-failure";
    };
  }

  /** Where the final request's failure happened, with its signals and the control's view of that step. */
  private static Step locate(Hop hop, ObservationTable t, Map<String, HostDns> dnsByHost, Control control) {
    HttpTransaction tx = hop.tx();
    String failure = tx.failure();
    if (tx.xAddress() != null) {
      if (Failures.CONNECTION_REFUSED.equals(failure)) {
        // The HTTP step's own connect was refused although the TCP step's succeeded: TCP blocking (as OONI).
        return new Step(STEP_TCP, tx, failure, signals(Signal.TCP_REFUSED), fromControlHttp(control), false);
      }
      if (Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE.equals(failure)) {
        // The server answered with more header than a client reads: its own fault, never evidence of blocking.
        // Down when the control could not fetch the page either; otherwise nothing can be concluded.
        Agreement view = fromControlHttp(control) == Agreement.EXPECTED ? Agreement.EXPECTED : Agreement.UNKNOWN;
        return new Step(STEP_HTTP, tx, failure, signals(null), view, false);
      }
      Signal signal = throttled(tx, control) ? Signal.THROTTLED : FailureSignals.http(failure);
      return new Step(STEP_HTTP, tx, failure, signals(signal), fromControlHttp(control), false);
    }
    if (hop.host() == null) {
      return new Step(STEP_HTTP, tx, failure, signals(null), Agreement.UNKNOWN, false);
    }
    List<Row> connects = t.endpoints(t.usableAddresses(hop.host()), hop.port());
    if (connects.isEmpty()) {
      List<Row> answers = t.dns(hop.host()).stream().filter(r -> r.reply() == 0 && r.address() != null).toList();
      boolean onlyBogons = !answers.isEmpty() && answers.stream().allMatch(Row::bogon);
      Signal s = onlyBogons ? Signal.DNS_BOGON : failureSignal(failure);
      return new Step(STEP_DNS, tx, failure, signals(s), dnsAgreement(hop.host(), t, dnsByHost, control), false);
    }
    return endpointStep(tx, hop, connects, control, false);
  }

  /**
   * The hop where the probe went on through an address the user's resolver never gave: the failure is where the
   * user's answer led (no address at all, a bogon, or the endpoints it named).
   */
  private static Step userStep(Hop hop, ObservationTable t, Map<String, HostDns> dnsByHost, Control control) {
    List<Row> connects = t.endpoints(t.userAddresses(hop.host()), hop.port());
    if (connects.isEmpty()) {
      HostDns d = dnsOf(hop.host(), t, dnsByHost);
      String failure = d.userOnlyBogons() ? Failures.DNS_BOGON
          : d.userFailure() != null ? d.userFailure() : Failures.DNS_NO_ANSWER;
      return new Step(STEP_DNS, hop.tx(), failure, signals(failureSignal(failure)),
          dnsAgreement(hop.host(), t, dnsByHost, control), true);
    }
    return endpointStep(hop.tx(), hop, connects, control, true);
  }

  /** The control's view of a DNS step: its DNS for the input host, a proven lie, else its HTTP outcome. */
  private static Agreement dnsAgreement(String host, ObservationTable t, Map<String, HostDns> dnsByHost,
      Control control) {
    HostDns d = dnsOf(host, t, dnsByHost);
    if (host.equals(t.inputHost) && d.consistency() != null) {
      return d.lie() ? Agreement.UNEXPECTED : Agreement.EXPECTED;
    }
    return d.lie() ? Agreement.UNEXPECTED : fromControlHttp(control);
  }

  /** A TCP or TLS failure on these endpoints, each weighed by the control's view of the same endpoint. */
  private static Step endpointStep(HttpTransaction tx, Hop hop, List<Row> connects, Control control,
      boolean left) {
    String failure = left ? connects.stream().map(Row::failure).filter(f -> f != null).findFirst()
        .orElse(tx.failure()) : tx.failure();
    List<Row> connected = connects.stream().filter(Row::connected).toList();
    if (connected.isEmpty() || !hop.https()) {
      Set<Signal> s = EnumSet.noneOf(Signal.class);
      List<Agreement> views = new ArrayList<>();
      for (Row c : connects) {
        if (c.connected()) {
          continue;
        }
        add(s, FailureSignals.tcp(c.failure()));
        views.add(c.controlTcp() == null ? Agreement.UNKNOWN
            : c.controlTcp().status() ? Agreement.UNEXPECTED : Agreement.EXPECTED);
      }
      return new Step(STEP_TCP, tx, failure, s, combine(views, control), left);
    }
    Set<Signal> s = EnumSet.noneOf(Signal.class);
    List<Agreement> views = new ArrayList<>();
    for (Row c : connected) {
      TlsHandshake h = c.tls();
      if (h == null || h.failure() == null || !hop.host().equalsIgnoreCase(h.serverName())) {
        continue;
      }
      if (c.certificate() != null) {
        switch (c.certificate().kind()) {
          case KNOWN_ROOT, INTERCEPTED -> {
            s.add(Signal.TLS_INTERCEPTION);
            views.add(Agreement.UNEXPECTED);
          }
          case GENUINE -> views.add(Agreement.GENUINE);
          case SHARED -> views.add(Agreement.EXPECTED);
          case UNKNOWN -> views.add(Agreement.UNKNOWN);
        }
        continue;
      }
      add(s, FailureSignals.tls(h.failure()));
      ControlResponse.TlsHandshakeResult ct = c.controlTls();
      views.add(ct == null ? Agreement.UNKNOWN : ct.status() ? Agreement.UNEXPECTED : Agreement.EXPECTED);
    }
    return new Step(STEP_TLS, tx, failure, s, combine(views, control), left);
  }

  /** A redirect chain that ended on a redirect the probe did not follow (its hop limit). */
  private static Step cutChain(HttpTransaction tx, Control control) {
    return new Step(STEP_HTTP, tx, Failures.unknown("redirect not followed: stopped after " + (tx.xHop() + 1)
        + " requests"), signals(null), fromControlHttp(control), false);
  }

  /**
   * One view from several endpoints: any unexpected failure wins; all failures shared means shared; a mix with
   * genuine endpoints counts as shared; gaps in the control's per-endpoint data fall back to its HTTP outcome.
   */
  private static Agreement combine(List<Agreement> views, Control control) {
    if (views.contains(Agreement.UNEXPECTED)) {
      return Agreement.UNEXPECTED;
    }
    if (views.isEmpty() || views.contains(Agreement.UNKNOWN)) {
      return fromControlHttp(control);
    }
    return views.stream().allMatch(v -> v == Agreement.GENUINE) ? Agreement.GENUINE : Agreement.EXPECTED;
  }

  /** The control's HTTP outcome for the whole chain (the helper follows redirects too). */
  private static Agreement fromControlHttp(Control control) {
    if (control == null || control.http() == null) {
      return Agreement.UNKNOWN;
    }
    return control.httpSucceeded() ? Agreement.UNEXPECTED : Agreement.EXPECTED;
  }

  /**
   * The response started (status, headers, part of the body) and then ran out of time, while the control fetched
   * the whole page: the transfer was slowed or stalled on the way, not refused. A page that arrives whole, however
   * slowly, is not judged here.
   */
  private static boolean throttled(HttpTransaction tx, Control control) {
    HttpTransaction.Response r = tx.response();
    return Failures.GENERIC_TIMEOUT.equals(tx.failure()) && r.code() != null && r.xBodyLength() > 0
        && control != null && control.httpSucceeded()
        && (control.http().bodyLength() < 0 || control.http().bodyLength() > r.xBodyLength());
  }

  /** OONI's {@code tcp_connect[].status.blocked}: failed here while the control connected; null without its view. */
  private static List<TcpConnect> markBlocked(ObservationTable t, Control control) {
    if (control == null) {
      return t.keys.tcpConnect();
    }
    List<TcpConnect> out = new ArrayList<>();
    for (Row r : t.rows) { // endpoint rows with a connect, in the order of tcp_connect
      TcpConnect c = r.tcp();
      if (c == null) {
        continue;
      }
      Boolean blocked = c.status().success() ? Boolean.FALSE : r.controlTcp() == null ? null : r.controlTcp().status();
      out.add(new TcpConnect(c.ip(), c.port(), new TcpConnect.Status(c.status().success(), c.status().failure(),
          blocked), c.t0(), c.t(), c.transactionId(), c.tags()));
    }
    return out;
  }

  /** The most telling certificate finding: a counted root, then other interception, then a watched root. */
  private static JsonNode interception(List<TlsAnalysis.Finding> certificates, List<HttpTransaction> requests) {
    TlsAnalysis.Finding best = null;
    for (TlsAnalysis.Finding f : certificates) {
      if (f.reportable() && (best == null || rank(f) < rank(best))) {
        best = f;
      }
    }
    return best == null ? null : TlsAnalysis.describe(best, hopOf(best.handshake(), requests));
  }

  private static int rank(TlsAnalysis.Finding f) {
    return f.kind() == TlsAnalysis.Kind.KNOWN_ROOT ? 0 : f.intercepted() ? 1 : 2;
  }

  /** The first hop whose host is the handshake's server name (0 when none is). */
  private static int hopOf(TlsHandshake h, List<HttpTransaction> requests) {
    for (HttpTransaction tx : requests) {
      HttpUrl url = HttpUrl.parse(tx.request().url());
      if (url != null && url.host().equalsIgnoreCase(h.serverName())) {
        return tx.xHop();
      }
    }
    return 0;
  }

  private static ObjectNode failedHop(Step step) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("hop", step.tx().xHop());
    o.put("url", step.tx().request().url());
    o.put("step", step.name());
    o.put("failure", step.failure());
    return o;
  }

  private static boolean redirectNotFollowed(HttpTransaction tx) {
    Integer code = tx.response().code();
    if (code == null || code < 300 || code > 399 || code == 304) {
      return false;
    }
    return tx.response().headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Location"));
  }

  private static Set<Signal> signals(Signal s) {
    Set<Signal> out = EnumSet.noneOf(Signal.class);
    add(out, s);
    return out;
  }

  private static void add(Set<Signal> set, Signal s) {
    if (s != null) {
      set.add(s);
    }
  }

  private static Set<Signal> union(Set<Signal> a, Set<Signal> b) {
    Set<Signal> out = EnumSet.noneOf(Signal.class);
    out.addAll(a);
    out.addAll(b);
    return out;
  }
}
