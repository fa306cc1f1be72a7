package org.kuzet.core.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.ThrottlingBaseline;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.control.ControlResponse;

/**
 * Throttling by time: a page that arrived whole, but whose TLS handshake or body download was much slower than both
 * the control's and the volunteer's own network (the local baseline of the same run). Pure, like {@link Analysis}:
 * the timings come from the records ({@code t0}/{@code t} of the TLS handshake, {@code x_body_t0}/{@code x_body_t}
 * of the final request; the control's {@code x_handshake_seconds} and {@code x_body_seconds}).
 *
 * <p>The rule, for a measurement the analysis found {@code accessible} with a working control:
 * <ul>
 *   <li>handshake: the final request's TLS handshake took at least {@link Thresholds#handshakeFloor} and at least
 *       {@link Thresholds#factor} times the baseline's median handshake and (when the control sent its timing) the
 *       control's fastest handshake;
 *   <li>download: the final body took at least {@link Thresholds#transferFloor} from its first to its last byte,
 *       at a rate at most 1/factor of the baseline's median rate and (when sent) of the control's rate.
 * </ul>
 * Without a baseline nothing is throttled: a slow network overall is not throttling. The site then turns
 * {@code blocked} with the {@code throttled} signal; OONI's own keys ({@code blocking}, {@code accessible}) stay
 * what OONI's analysis would say, since it does not look at time.
 *
 * <p>What the rule judged against (the baseline's medians and count, the thresholds) is written into the
 * measurement as {@code x_throttling_baseline} ({@link ThrottlingBaseline}) whenever it judged one, so that
 * {@link #judge(TestKeys, ThrottlingBaseline)} over a re-run of the analysis reaches the same verdict from the
 * measurement alone.
 */
public final class Throttling {

  /**
   * @param factor how many times slower than the baseline and the control (3 by default)
   * @param handshakeFloor a handshake shorter than this is never throttling (4 s by default: OONI's analysis of
   *     rus.azattyq.org on AS9198 saw handshakes over 4 s against sub-second ones on the same CDN)
   * @param transferFloor a body transfer shorter than this is never throttling (4 s by default)
   */
  public record Thresholds(double factor, Duration handshakeFloor, Duration transferFloor) {
    public static final Thresholds DEFAULT = new Thresholds(3.0, Duration.ofSeconds(4), Duration.ofSeconds(4));

    public Thresholds {
      if (!(factor > 1)) {
        throw new IllegalArgumentException("throttling factor must be above 1, got " + factor);
      }
      Objects.requireNonNull(handshakeFloor, "handshakeFloor");
      Objects.requireNonNull(transferFloor, "transferFloor");
    }

    double handshakeFloorSeconds() {
      return handshakeFloor.toNanos() / 1e9;
    }

    double transferFloorSeconds() {
      return transferFloor.toNanos() / 1e9;
    }
  }

  /**
   * The timings of one fetch.
   *
   * @param handshakeSeconds the TLS handshake of the endpoint the final request went to; null for plain HTTP or
   *     when it did not complete
   * @param bodySeconds first to last body byte of the final response; null when no body arrived
   * @param bodyBytes the body's length
   */
  public record Timing(Double handshakeSeconds, Double bodySeconds, long bodyBytes) {
    /** A body that came within one read counts as read in a millisecond (loopback, a small page). */
    private static final double MIN_SECONDS = 0.001;

    /** Bytes per second; null without a body. */
    public Double rate() {
      return bodySeconds == null || bodyBytes <= 0 ? null : bodyBytes / Math.max(bodySeconds, MIN_SECONDS);
    }

    boolean isEmpty() {
      return handshakeSeconds == null && rate() == null;
    }
  }

  /** The timings of the run's baseline fetches (the {@code control} list's sites, targets sharing an address). */
  public record Baseline(List<Timing> samples) {
    public static final Baseline NONE = new Baseline(List.of());

    public Baseline {
      samples = List.copyOf(samples);
    }

    /** Median handshake seconds, null when no sample has one. */
    public Double handshakeSeconds() {
      return median(samples.stream().map(Timing::handshakeSeconds).filter(Objects::nonNull).toList());
    }

    /** Median download rate, null when no sample has one. */
    public Double rate() {
      return median(samples.stream().map(Timing::rate).filter(Objects::nonNull).toList());
    }

    /** The figures the rule reads, with the thresholds it applies: what a measurement records. */
    public ThrottlingBaseline figures(Thresholds th) {
      return new ThrottlingBaseline(handshakeSeconds(), rate(), samples.size(), th.factor(),
          th.handshakeFloorSeconds(), th.transferFloorSeconds());
    }
  }

  private Throttling() {}

  /** The probe's timings of its final fetch. */
  public static Timing probe(TestKeys keys) {
    HttpTransaction last = null;
    for (HttpTransaction tx : keys.requests()) {
      if (tx.response().code() != null) {
        last = tx;
      }
    }
    if (last == null) {
      return new Timing(null, null, 0);
    }
    Double handshake = null;
    for (TlsHandshake hs : keys.tlsHandshakes()) {
      boolean same = last.transactionId() != null ? last.transactionId().equals(hs.transactionId())
          : hs.address().equals(last.xAddress());
      if (same && hs.tlsVersion() != null) {
        double s = Math.max(0, hs.t() - hs.t0());
        handshake = handshake == null ? s : Math.min(handshake, s);
      }
    }
    return new Timing(handshake, last.bodySeconds(), last.response().xBodyLength());
  }

  /** The control's timings (kuzet's helper only; OONI's send none): fastest completed handshake, body transfer. */
  public static Timing control(ControlResponse control) {
    if (control == null) {
      return new Timing(null, null, 0);
    }
    Double handshake = null;
    for (ControlResponse.TlsHandshakeResult t : control.tlsHandshake().values()) {
      Double s = t.xHandshakeSeconds();
      if (s != null && t.failure() == null) {
        handshake = handshake == null ? s : Math.min(handshake, s);
      }
    }
    ControlResponse.HttpRequestResult h = control.httpRequest();
    return h == null ? new Timing(handshake, null, 0)
        : new Timing(handshake, h.xBodySeconds(), Math.max(0, h.bodyLength()));
  }

  /** Why a measurement is throttled, or null when it is not. */
  public static String reason(TestKeys analysed, Baseline baseline, Thresholds th) {
    return reason(analysed, baseline.figures(th));
  }

  /** Why a measurement is throttled against these recorded figures, or null when it is not. */
  public static String reason(TestKeys analysed, ThrottlingBaseline baseline) {
    if (baseline == null || baseline.samples() == 0 || !judged(analysed)) {
      return null;
    }
    Timing probe = probe(analysed);
    Timing control = control(analysed.control());
    double factor = baseline.factor();
    Double baseHs = baseline.handshakeSeconds();
    if (probe.handshakeSeconds() != null && baseHs != null) {
      double hs = probe.handshakeSeconds();
      if (hs >= baseline.handshakeFloorSeconds() && hs >= factor * baseHs
          && (control.handshakeSeconds() == null || hs >= factor * control.handshakeSeconds())) {
        return "handshake";
      }
    }
    Double baseRate = baseline.bytesPerSecond();
    Double rate = probe.rate();
    if (rate != null && baseRate != null && probe.bodySeconds() >= baseline.transferFloorSeconds()
        && rate * factor <= baseRate && (control.rate() == null || rate * factor <= control.rate())) {
      return "download";
    }
    return null;
  }

  /** Whether the rule looks at these keys at all: an accessible page with a working control. */
  private static boolean judged(TestKeys analysed) {
    return analysed.xVerdict() == Verdict.ACCESSIBLE && analysed.control() != null
        && analysed.controlFailure() == null && analysed.control().httpRequest() != null
        && analysed.control().httpRequest().failure() == null;
  }

  /**
   * The analysed keys, {@code blocked} with {@code throttled} when {@link #reason} finds throttling. When the rule
   * judged them (an accessible page with a working control) against a baseline with samples, the baseline's
   * figures are recorded ({@code x_throttling_baseline}); else the keys are returned as given.
   */
  public static TestKeys judge(TestKeys analysed, Baseline baseline, Thresholds th) {
    return baseline.samples().isEmpty() ? analysed : judge(analysed, baseline.figures(th));
  }

  /**
   * {@link #judge(TestKeys, Baseline, Thresholds)} against figures a measurement recorded: how a re-run of the
   * analysis ({@code kuzet analyze}) reaches the run's verdict. Null or empty figures judge nothing.
   */
  public static TestKeys judge(TestKeys analysed, ThrottlingBaseline baseline) {
    if (baseline == null || baseline.samples() == 0 || !judged(analysed)) {
      return analysed;
    }
    AnalysisKeys.Builder keys = analysed.analysis().toBuilder().throttlingBaseline(baseline);
    if (reason(analysed, baseline) != null) {
      Set<Signal> signals = EnumSet.of(Signal.THROTTLED);
      if (analysed.xSignals() != null) {
        signals.addAll(analysed.xSignals());
      }
      keys.verdict(Verdict.BLOCKED).signals(List.copyOf(signals));
    }
    return analysed.withAnalysis(keys.build());
  }

  /** The IP of the endpoint the final request went to; null when none answered. */
  public static String finalAddress(TestKeys keys) {
    String address = null;
    for (HttpTransaction tx : keys.requests()) {
      if (tx.response().code() != null && tx.xAddress() != null) {
        address = tx.xAddress();
      }
    }
    if (address == null) {
      return null;
    }
    int colon = address.lastIndexOf(':');
    String ip = colon > 0 ? address.substring(0, colon) : address;
    return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
  }

  private static Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
