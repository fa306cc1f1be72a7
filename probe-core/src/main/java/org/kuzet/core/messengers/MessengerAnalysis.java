package org.kuzet.core.messengers;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kuzet.core.analysis.FailureSignals;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.Failures;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.MessengerKeys;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;

/**
 * kuzet's verdict on one messenger measurement, pure. A service is blocked as OONI's keys say
 * ({@link MessengerKeys}): WhatsApp when no endpoint connects, or the registration server or WhatsApp Web cannot
 * be fetched; Telegram when no data centre connects or answers HTTP, or Telegram Web cannot be fetched; Signal when
 * any backend cannot be fetched. The app is {@code blocked} when a service is, with the signals of the failed steps
 * of its blocked services; {@code down} when nothing failed on the network but every fetched service answered
 * with a server error (5xx), the one piece of evidence, without a control, that the app itself is broken (OONI's
 * messenger tests have no control either);
 * {@code accessible} otherwise. {@code offline} is the run's, applied during an outage as for web measurements.
 */
public final class MessengerAnalysis {
  private MessengerAnalysis() {}

  public static TestKeys analyze(Messenger app, TestKeys k) {
    Map<String, MessengerKeys.Outcome> services = MessengerKeys.services(app.testName(), k);
    Set<String> blocked = new java.util.LinkedHashSet<>();
    services.forEach((name, o) -> {
      if (o.blocked()) {
        blocked.add(name.equals("dc_http") ? "dc" : name);
      }
    });
    Verdict verdict;
    Set<Signal> signals = EnumSet.noneOf(Signal.class);
    if (!blocked.isEmpty()) {
      verdict = Verdict.BLOCKED;
      for (DnsQuery q : k.queries()) {
        // A name that got an address from either query has no DNS fault; nor has a name without AAAA records.
        if (blocked.contains(MessengerKeys.tag(q.tags(), MessengerKeys.SERVICE)) && !MessengerKeys.resolved(k, q)
            && !("AAAA".equals(q.queryType()) && Failures.DNS_NO_ANSWER.equals(q.failure()))) {
          add(signals, dnsSignal(q));
        }
      }
      for (TcpConnect c : k.tcpConnect()) {
        if (blocked.contains(MessengerKeys.tag(c.tags(), MessengerKeys.SERVICE))) {
          add(signals, FailureSignals.tcp(c.status().failure()));
        }
      }
      for (TlsHandshake h : k.tlsHandshakes()) {
        if (blocked.contains(MessengerKeys.tag(h.tags(), MessengerKeys.SERVICE))) {
          add(signals, tlsSignal(h.failure()));
        }
      }
      for (HttpTransaction tx : k.requests()) {
        if (tx.xAddress() != null && blocked.contains(MessengerKeys.tag(tx.tags(), MessengerKeys.SERVICE))) {
          add(signals, FailureSignals.http(tx.failure()));
        }
      }
    } else if (serverErrorsOnly(k)) {
      verdict = Verdict.DOWN;
    } else {
      verdict = Verdict.ACCESSIBLE;
    }
    return TestKeys.of(k.observations()).withAnalysis(AnalysisKeys.builder().verdict(verdict)
        .signals(new ArrayList<>(signals)).build());
  }

  /** Every fetched service got a response, and every response was a server error. */
  private static boolean serverErrorsOnly(TestKeys k) {
    List<HttpTransaction> fetched = k.requests().stream()
        .filter(tx -> !"dc".equals(MessengerKeys.tag(tx.tags(), MessengerKeys.SERVICE))).toList();
    return !fetched.isEmpty() && fetched.stream().allMatch(tx -> tx.failure() == null
        && tx.response().code() != null && tx.response().code() >= 500);
  }

  private static void add(Set<Signal> signals, Signal s) {
    if (s != null) {
      signals.add(s);
    }
  }

  private static Signal dnsSignal(DnsQuery q) {
    if (q.failure() == null) {
      boolean bogon = q.answers().stream().anyMatch(a -> a.address() != null && a.xBogon());
      return bogon ? Signal.DNS_BOGON : null;
    }
    return switch (q.failure()) {
      case Failures.DNS_NXDOMAIN -> Signal.DNS_NXDOMAIN;
      case Failures.DNS_SERVFAIL -> Signal.DNS_SERVFAIL;
      case Failures.DNS_NO_ANSWER -> Signal.DNS_NO_ANSWER;
      default -> null;
    };
  }

  /** A chain that neither the bundled roots nor the app's own accept for its name: someone else's certificate. */
  private static Signal tlsSignal(String failure) {
    return failure != null && (failure.equals(Failures.SSL_UNKNOWN_AUTHORITY)
        || failure.equals(Failures.SSL_INVALID_HOSTNAME) || failure.equals(Failures.SSL_INVALID_CERTIFICATE))
        ? Signal.TLS_INTERCEPTION : FailureSignals.tls(failure);
  }
}
