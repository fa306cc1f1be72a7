package org.kuzet.core.connectivity;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.step.DnsStep;
import org.kuzet.core.step.StepClock;
import org.kuzet.core.step.TcpStep;
import org.kuzet.core.step.TlsStep;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.TlsHandshake;
import org.xbill.DNS.Type;

/**
 * Probes anchors with the same DNS, TCP and TLS steps measurements use, so a connectivity failure is classified
 * exactly like a measurement failure. Timeouts are short: an anchor that needs more than a few seconds is, for
 * the purpose of "is the network up", not answering.
 */
public final class StepAnchorProber implements AnchorProber {
  /** Per-step timeout when none is given: short, since several anchors are tried at once. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  private final Duration timeout;
  private final TrustRoots roots;
  private final Clock clock;

  public StepAnchorProber(Duration timeout, TrustRoots roots, Clock clock) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.roots = Objects.requireNonNull(roots, "roots");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Bundled roots, {@link #DEFAULT_TIMEOUT}, the system clock. */
  public static StepAnchorProber standard() {
    return new StepAnchorProber(DEFAULT_TIMEOUT, TrustRoots.bundled(), Clock.systemUTC());
  }

  @Override
  public AnchorResult probe(Anchor anchor) {
    StepClock steps = new StepClock(clock);
    ProbeEventListener none = ProbeEventListener.NONE;
    return switch (anchor.kind()) {
      case DNS -> {
        // No injection window: any first answer decides; DoH is never used, so no HTTP client is needed.
        DnsStep dns = new DnsStep(timeout, Duration.ZERO, AddressPolicy.STANDARD, roots, null, steps, none);
        DnsQuery q = dns.udp("connectivity", anchor.address(), anchor.name(), Type.A);
        yield new AnchorResult(anchor, q.failure());
      }
      case TCP -> {
        TcpStep.Result r = new TcpStep(timeout, steps, none).connect(anchor.address());
        closeQuietly(r);
        yield new AnchorResult(anchor, r.connect().status().failure());
      }
      case TLS -> {
        TcpStep.Result r = new TcpStep(timeout, steps, none).connect(anchor.address());
        if (r.socket() == null) {
          yield new AnchorResult(anchor, r.connect().status().failure());
        }
        TlsHandshake hs = new TlsStep(timeout, roots, steps, none).handshake(r.socket(), anchor.name());
        yield new AnchorResult(anchor, hs.failure());
      }
    };
  }

  private static void closeQuietly(TcpStep.Result r) {
    if (r.socket() != null) {
      try {
        r.socket().close();
      } catch (java.io.IOException ignored) {
        // the connect already proved what was needed
      }
    }
  }
}
