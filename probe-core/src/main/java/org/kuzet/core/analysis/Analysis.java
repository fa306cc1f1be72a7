package org.kuzet.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;

/**
 * Observations plus control in, verdict out: OONI's analysis keys (ts-017 {@code dns_consistency},
 * {@code body_length_match}, {@code body_proportion}, {@code headers_match}, {@code status_code_match},
 * {@code title_match}, {@code blocking}, {@code accessible}, {@code tcp_connect[].status.blocked}) and kuzet's
 * {@code x_verdict}, {@code x_signals}, {@code x_interception}, {@code x_blockpage}, {@code x_failed_hop}.
 *
 * <p>A pure function: no I/O, no clock, no logging; the observations are returned unchanged. The rules, in the
 * order they are tried:
 * <ol>
 *   <li>Local evidence that needs no control: a counted known interception root in a chain, an HTTP 451 at any
 *       hop, a blockpage fingerprint in any response or DNS answer. Blocked.
 *   <li>A certificate the helper saw differently for the same endpoint (valid there, or another key): blocked,
 *       {@code tls.interception}.
 *   <li>With a control and inconsistent DNS, the input URL fetched from an address that only a second, injected
 *       race's late reply gave: blocked, "dns" (an ordinary client uses the first reply, the lie).
 *   <li>The final response came over HTTPS validated against kuzet's roots: accessible, as in OONI (only the real
 *       server, or a compromised CA, can serve it; a server's own CAPTCHA or geo-page is not censorship).
 *   <li>No usable control: inconclusive, with the local signals.
 *   <li>The final response came over plain HTTP: compared with the control's under OONI's rule (status code and
 *       one of body length, uncommon headers, title); a different page is {@code http.diff}, or DNS blocking when
 *       the DNS was inconsistent. A control that could not fetch the page, or got a 5xx, leaves it inconclusive.
 *   <li>The fetch failed: the failure is attributed to its hop and step (dns, tcp_connect, tls_handshake, http).
 *       A failure the control did not share is blocked with the step's signal; one it shared is down, unless the
 *       DNS was inconsistent and the control fetched the page (it failed only at the lie's address: blocked,
 *       "dns"); without the control's view of that step, inconclusive. A redirect chain cut at the probe's limit is a failure of
 *       the last hop, judged like a page difference when the control completed its chain.
 * </ol>
 * {@code x_signals} name the evidence for a blocked or inconclusive verdict and are empty for accessible and
 * down. Certificates that the helper sees with the same key are the real server's: not interception. If the
 * helper found them valid only kuzet's roots disagree (accessible); if it found them invalid too (expired, wrong
 * host, unknown authority), the site is broken everywhere, a failure the control shares: down.
 */
public final class Analysis {
  /** The {@code control_failure} of a measurement that has neither a control nor a recorded reason. */
  public static final String NO_CONTROL = Failures.unknown("no control response");

  private static final String STEP_DNS = "dns";
  private static final String STEP_TCP = "tcp_connect";
  private static final String STEP_TLS = "tls_handshake";
  private static final String STEP_HTTP = "http";

  /** How the control's view of a failed step compares with the probe's (ts-017's "expected"/"unexpected"). */
  private enum Agreement { UNEXPECTED, EXPECTED, GENUINE, UNKNOWN }

  private record Step(String name, HttpTransaction tx, String failure, Set<Signal> signals, Agreement agreement) {}

  /**
   * What the analysis found before deciding.
   *
   * @param last the final request of the chain, null when none was recorded
   * @param cut the chain ended on a redirect the probe did not follow
   * @param step where the final request failed, null when it did not
   */
  private record Evidence(DnsAnalysis.Result dns, List<TlsAnalysis.Finding> certificates, Set<String> httpBlockpages,
      boolean http451, HttpComparison comparison, HttpTransaction last, boolean cut, Step step,
      boolean pastInjection) {}

  private record Decision(Verdict verdict, Object blocking, Boolean accessible, Set<Signal> signals) {
    static Decision ofAccessible() {
      return new Decision(Verdict.ACCESSIBLE, Boolean.FALSE, Boolean.TRUE, Set.of());
    }

    static Decision down() {
      return new Decision(Verdict.DOWN, Boolean.FALSE, Boolean.FALSE, Set.of());
    }

    static Decision inconclusive(Set<Signal> signals) {
      return new Decision(Verdict.INCONCLUSIVE, null, null, signals);
    }

    static Decision blocked(String method, Set<Signal> signals) {
      return new Decision(Verdict.BLOCKED, method, Boolean.FALSE, signals);
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
    Control control = keys.control() != null && keys.controlFailure() == null ? Control.parse(keys.control()) : null;
    String controlFailure = keys.control() == null && keys.controlFailure() == null ? NO_CONTROL
        : keys.controlFailure();
    List<HttpTransaction> requests = keys.requests();
    HttpTransaction last = requests.isEmpty() ? null : requests.get(requests.size() - 1);
    String inputHost = inputHost(keys);

    DnsAnalysis.Result dns = DnsAnalysis.analyze(inputHost, keys.queries(), keys.tlsHandshakes(), control,
        knowledge.blockpages());
    List<TlsAnalysis.Finding> certificates = new ArrayList<>();
    for (TlsHandshake h : keys.tlsHandshakes()) {
      if (TlsAnalysis.certificateFailure(h.failure())) {
        certificates.add(TlsAnalysis.examine(h, control, knowledge.interceptionRoots()));
      }
    }
    Set<String> httpBlockpages = new LinkedHashSet<>();
    boolean http451 = false;
    for (HttpTransaction tx : requests) {
      http451 |= Integer.valueOf(451).equals(tx.response().code());
      httpBlockpages.addAll(knowledge.blockpages().matchResponse(tx.response()));
    }
    HttpComparison comparison = last != null && last.response().code() != null && control != null
        && control.http() != null ? HttpComparison.compare(last.response(), control.http())
        : new HttpComparison(null, null, null, null, null);
    boolean cut = last != null && last.failure() == null && redirectNotFollowed(last);
    Step step = last == null || (last.failure() == null && !cut) ? null
        : cut ? cutChain(last, control) : locate(last, keys, control, dns, certificates, inputHost);

    boolean pastInjection = !requests.isEmpty() && dns.signals().contains(Signal.DNS_INJECTED)
        && onlyInLateReplies(requests.get(0), inputHost, keys.queries());

    Decision d = decide(control, new Evidence(dns, certificates, httpBlockpages, http451, comparison, last, cut,
        step, pastInjection));

    Set<String> blockpages = new LinkedHashSet<>(httpBlockpages);
    blockpages.addAll(dns.fingerprints());
    return new TestKeys(keys.queries(), markBlocked(keys.tcpConnect(), control), keys.tlsHandshakes(), requests,
        keys.control(), controlFailure, keys.dnsExperimentFailure(), dns.consistency(), d.blocking(), d.accessible(),
        d.verdict(), List.copyOf(d.signals()), interception(certificates, requests), comparison.bodyLengthMatch(),
        comparison.bodyProportion(), comparison.headersMatch(), comparison.statusCodeMatch(), comparison.titleMatch(),
        blockpages.isEmpty() ? null : List.copyOf(blockpages), step == null ? null : failedHop(step));
  }

  private static Decision decide(Control control, Evidence e) {
    DnsAnalysis.Result dns = e.dns();
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
      String method = dns.inconsistent() || !dns.fingerprints().isEmpty() ? "dns"
          : knownRoot ? "http-failure" : "http-diff";
      return Decision.blocked(method, signals);
    }
    // 2. The helper saw this endpoint's certificate differently.
    boolean intercepted = e.certificates().stream()
        .anyMatch(f -> f.kind() == TlsAnalysis.Kind.INTERCEPTED && f.control() != null);
    if (intercepted) {
      return Decision.blocked(dns.inconsistent() ? "dns" : "http-failure",
          union(EnumSet.of(Signal.TLS_INTERCEPTION), dns.signals()));
    }
    // 2b. The probe got past an injected lie only by waiting for the late, true reply; an ordinary client takes
    //     the first reply, so for it the site is blocked by DNS, whatever kuzet then fetched.
    if (e.pastInjection() && control != null && dns.inconsistent()) {
      return Decision.blocked("dns", dns.signals());
    }
    // 3. A validated HTTPS response.
    if (last != null && last.failure() == null && !e.cut() && isHttps(last)) {
      return Decision.ofAccessible();
    }
    // 4. Nothing to compare with.
    if (control == null) {
      return Decision.inconclusive(step == null ? dns.signals() : union(step.signals(), dns.signals()));
    }
    // 5. A plain-HTTP page, or a chain cut at the redirect limit, compared with the control's page.
    if (last != null && last.failure() == null) {
      if (control.http() == null || !control.http().succeeded()) {
        return e.cut() && control.http() != null ? Decision.down() : Decision.inconclusive(dns.signals());
      }
      if (e.comparison().pageMatches()) {
        return Decision.ofAccessible();
      }
      if (e.comparison().controlErrored()) {
        return Decision.inconclusive(dns.signals());
      }
      return Decision.blocked(dns.inconsistent() ? "dns" : "http-diff",
          union(EnumSet.of(Signal.HTTP_DIFF), dns.signals()));
    }
    if (step == null) {
      return Decision.inconclusive(dns.signals()); // no request at all: nothing was measured
    }
    // 6. A failure, judged by the control's view of the same step.
    return switch (step.agreement()) {
      case UNEXPECTED -> Decision.blocked(dns.inconsistent() ? "dns" : method(step.name()),
          union(step.signals(), dns.signals()));
      // The helper failing the same way at an address only the probe's resolver gave, while fetching the page
      // from the addresses it resolved itself, is the lie's failure, not the site's (OONI: "dns").
      case EXPECTED -> dns.inconsistent() && control.httpSucceeded()
          ? Decision.blocked("dns", union(step.signals(), dns.signals())) : Decision.down();
      case GENUINE -> Decision.ofAccessible();
      case UNKNOWN -> Decision.inconclusive(union(step.signals(), dns.signals()));
    };
  }

  private static String method(String step) {
    return switch (step) {
      case STEP_DNS -> "dns";
      case STEP_TCP -> "tcp_ip";
      default -> "http-failure";
    };
  }

  /** Where the final request's failure happened, with its signals and the control's view of that step. */
  private static Step locate(HttpTransaction tx, TestKeys keys, Control control, DnsAnalysis.Result dns,
      List<TlsAnalysis.Finding> certificates, String inputHost) {
    String failure = tx.failure();
    if (tx.xAddress() != null) {
      if (Failures.CONNECTION_REFUSED.equals(failure)) {
        // The HTTP step's own connect was refused although the TCP step's succeeded: TCP blocking (as OONI).
        return new Step(STEP_TCP, tx, failure, signals(Signal.TCP_REFUSED), fromControlHttp(control));
      }
      if (Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE.equals(failure)) {
        // The server answered with more header than a client reads: its own fault, never evidence of blocking.
        // Down when the control could not fetch the page either; otherwise nothing can be concluded.
        Agreement view = fromControlHttp(control) == Agreement.EXPECTED ? Agreement.EXPECTED : Agreement.UNKNOWN;
        return new Step(STEP_HTTP, tx, failure, signals(null), view);
      }
      Signal signal = throttled(tx, control) ? Signal.THROTTLED : httpSignal(failure);
      return new Step(STEP_HTTP, tx, failure, signals(signal), fromControlHttp(control));
    }
    HttpUrl url = HttpUrl.parse(tx.request().url());
    if (url == null) {
      return new Step(STEP_HTTP, tx, failure, signals(null), Agreement.UNKNOWN);
    }
    String host = url.host();
    int port = url.port();
    Set<String> addresses = DnsAnalysis.usableAddresses(host, keys.queries());
    List<TcpConnect> connects = keys.tcpConnect().stream()
        .filter(c -> c.port() == port && addresses.contains(Control.normalizeIp(c.ip()))).toList();
    if (connects.isEmpty()) {
      Signal s = DnsAnalysis.onlyBogons(host, keys.queries()) ? Signal.DNS_BOGON : DnsAnalysis.failureSignal(failure);
      Agreement a = host.equalsIgnoreCase(inputHost) && dns.consistency() != null
          ? (dns.inconsistent() ? Agreement.UNEXPECTED : Agreement.EXPECTED) : fromControlHttp(control);
      return new Step(STEP_DNS, tx, failure, signals(s), a);
    }
    List<TcpConnect> connected = connects.stream().filter(c -> c.status().success()).toList();
    if (connected.isEmpty() || !url.isHttps()) {
      Set<Signal> s = EnumSet.noneOf(Signal.class);
      List<Agreement> views = new ArrayList<>();
      for (TcpConnect c : connects) {
        if (c.status().success()) {
          continue;
        }
        add(s, tcpSignal(c.status().failure()));
        Control.Endpoint ce = control == null ? null : control.tcp().get(Control.normalizeEndpoint(c.endpoint()));
        views.add(ce == null ? Agreement.UNKNOWN : ce.status() ? Agreement.UNEXPECTED : Agreement.EXPECTED);
      }
      return new Step(STEP_TCP, tx, failure, s, combine(views, control));
    }
    Set<String> endpoints = new LinkedHashSet<>();
    connected.forEach(c -> endpoints.add(Control.normalizeEndpoint(c.endpoint())));
    Set<Signal> s = EnumSet.noneOf(Signal.class);
    List<Agreement> views = new ArrayList<>();
    for (TlsHandshake h : keys.tlsHandshakes()) {
      if (h.failure() == null || !host.equalsIgnoreCase(h.serverName())
          || !endpoints.contains(Control.normalizeEndpoint(h.address()))) {
        continue;
      }
      if (TlsAnalysis.certificateFailure(h.failure())) {
        TlsAnalysis.Finding f = certificates.stream().filter(x -> x.handshake() == h).findFirst().orElseThrow();
        switch (f.kind()) {
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
      add(s, tlsSignal(h.failure()));
      Control.Tls ct = control == null ? null : control.tls().get(Control.normalizeEndpoint(h.address()));
      views.add(ct == null ? Agreement.UNKNOWN : ct.status() ? Agreement.UNEXPECTED : Agreement.EXPECTED);
    }
    return new Step(STEP_TLS, tx, failure, s, combine(views, control));
  }

  /** The input URL's request went to an address that no first DNS reply gave (only a later, second reply did). */
  private static boolean onlyInLateReplies(HttpTransaction first, String inputHost, List<DnsQuery> queries) {
    if (first.xAddress() == null || first.xHop() != 0 || inputHost == null) {
      return false;
    }
    String endpoint = Control.normalizeEndpoint(first.xAddress());
    String ip = Control.normalizeIp(endpoint.substring(0, endpoint.lastIndexOf(':')));
    return !DnsAnalysis.firstReplyAddresses(inputHost, queries).contains(ip);
  }

  /** A redirect chain that ended on a redirect the probe did not follow (its hop limit). */
  private static Step cutChain(HttpTransaction tx, Control control) {
    return new Step(STEP_HTTP, tx, Failures.unknown("redirect not followed: stopped after " + (tx.xHop() + 1)
        + " requests"), signals(null), fromControlHttp(control));
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

  private static Signal tcpSignal(String failure) {
    return failure == null ? null : switch (failure) {
      case Failures.GENERIC_TIMEOUT -> Signal.TCP_TIMEOUT;
      case Failures.CONNECTION_REFUSED -> Signal.TCP_REFUSED;
      case Failures.CONNECTION_RESET -> Signal.TCP_RESET;
      default -> null;
    };
  }

  private static Signal tlsSignal(String failure) {
    return failure == null ? null : switch (failure) {
      case Failures.GENERIC_TIMEOUT -> Signal.TLS_TIMEOUT;
      case Failures.CONNECTION_RESET -> Signal.TLS_RESET;
      case Failures.EOF -> Signal.TLS_EOF;
      default -> null;
    };
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

  private static Signal httpSignal(String failure) {
    return failure == null ? null : switch (failure) {
      case Failures.GENERIC_TIMEOUT -> Signal.HTTP_TIMEOUT;
      case Failures.CONNECTION_RESET -> Signal.HTTP_RESET;
      case Failures.EOF -> Signal.HTTP_EOF;
      default -> null;
    };
  }

  /** OONI's {@code tcp_connect[].status.blocked}: failed here while the control connected; null without its view. */
  private static List<TcpConnect> markBlocked(List<TcpConnect> connects, Control control) {
    if (control == null) {
      return connects;
    }
    List<TcpConnect> out = new ArrayList<>();
    for (TcpConnect c : connects) {
      Control.Endpoint ce = control.tcp().get(Control.normalizeEndpoint(c.endpoint()));
      Boolean blocked = c.status().success() ? Boolean.FALSE : ce == null ? null : ce.status();
      out.add(new TcpConnect(c.ip(), c.port(), new TcpConnect.Status(c.status().success(), c.status().failure(),
          blocked), c.t0(), c.t()));
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

  private static String inputHost(TestKeys keys) {
    if (!keys.requests().isEmpty()) {
      HttpUrl url = HttpUrl.parse(keys.requests().get(0).request().url());
      if (url != null) {
        return url.host();
      }
    }
    return keys.queries().isEmpty() ? null : keys.queries().get(0).hostname();
  }

  private static boolean isHttps(HttpTransaction tx) {
    HttpUrl url = HttpUrl.parse(tx.request().url());
    return url != null && url.isHttps();
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
