package org.kuzet.core;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Identifiers of measurements and reports, in OONI's shapes. They carry a UTC timestamp and randomness only:
 * nothing about the volunteer, their machine or their network beyond the ASN/CC already in the measurement. Each is
 * made once, when the measurement is taken, and stored with it, so a retried upload carries the same id (uploads are
 * idempotent by it); ids stored before these shapes are kept as they are.
 */
public final class MeasurementIds {
  private static final DateTimeFormatter REPORT_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter UID_STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSSS")
      .withZone(ZoneOffset.UTC);
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
      .toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private MeasurementIds() {}

  /**
   * OONI's measurement_uid shape (its fastpath's), e.g. {@code 20261122101010.123456_KZ_webconnectivity_3037e2fc3f4c9a12}:
   * the start time to the microsecond, the country, the test, 64 random bits in hex.
   */
  public static String measurementUid(Instant start, String cc) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return UID_STAMP.format(start) + "_" + cc + "_webconnectivity_" + HexFormat.of().formatHex(random);
  }

  /**
   * One per run (a `kuzet measure` or `kuzet run` invocation), in OONI's report_id shape, e.g.
   * {@code 20261122T101010Z_webconnectivity_KZ_9198_n1_lG7OkFM4GicboQ36}.
   */
  public static String reportId(Instant start, String cc, String asn) {
    return REPORT_STAMP.format(start) + "_webconnectivity_" + cc + "_" + asn.substring(2) + "_n1_" + random(16);
  }

  private static String random(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
