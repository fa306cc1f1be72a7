package org.kuzet.core;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Identifiers of measurements and reports. They carry a UTC timestamp and randomness only: nothing about the
 * volunteer, their machine or their network beyond the ASN/CC already in the measurement.
 */
public final class MeasurementIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private MeasurementIds() {}

  /** e.g. {@code 20261122T101010Z_webconnectivity_KZ_9198_n1_4kq0v3x8m2p7d1zs}; 80 random bits. */
  public static String measurementUid(Instant start, String cc, String asn) {
    return STAMP.format(start) + "_webconnectivity_" + cc + "_" + asn.substring(2) + "_n1_" + random(16);
  }

  /** One per run (a `kuzet measure` or `kuzet run` invocation), in OONI's report_id shape. */
  public static String reportId(Instant start, String cc, String asn) {
    return STAMP.format(start) + "_webconnectivity_" + cc + "_" + asn.substring(2) + "_r1_" + random(16);
  }

  private static String random(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
