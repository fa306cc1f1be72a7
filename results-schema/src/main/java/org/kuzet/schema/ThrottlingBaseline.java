package org.kuzet.schema;

/**
 * {@code x_throttling_baseline}: the figures the throttling-by-time rule judged a web measurement against, stored
 * with it so that re-running the analysis ({@code kuzet analyze}) reaches the same verdict without the run's other
 * measurements. Written on a measurement the rule judged (an accessible page with a working control) while the
 * run's local baseline (the {@code control} list's sites, targets served from the same address) held at least one
 * sample; absent otherwise (nothing was judged by time).
 *
 * @param handshakeSeconds median TLS handshake of the baseline, null when no sample had one
 * @param bytesPerSecond median body download rate of the baseline, null when no sample had one
 * @param samples how many baseline fetches the medians are of
 * @param factor how many times slower than the baseline (and the control) counts as throttling
 * @param handshakeFloorSeconds a handshake shorter than this is never throttling
 * @param transferFloorSeconds a body transfer shorter than this is never throttling
 */
public record ThrottlingBaseline(
    Double handshakeSeconds,
    Double bytesPerSecond,
    int samples,
    double factor,
    double handshakeFloorSeconds,
    double transferFloorSeconds) {

  public ThrottlingBaseline {
    if (samples < 0) {
      throw new IllegalArgumentException("samples must not be negative, got " + samples);
    }
  }
}
