package org.kuzet.backend.collector;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One verified measurement as a collector stores it.
 *
 * @param uid the measurement's {@code measurement_uid}
 * @param keyId the signing probe's key id ({@code ed25519:…}): the only thing that identifies the probe
 * @param receivedAt when the collector received it (the collector's clock)
 * @param measurementJson the measurement in RFC 8785 canonical form: exactly the bytes the signature covers
 * @param signatureJson the signature object as uploaded ({@code {"alg","public_key","key_id","value"}})
 * @param summary values copied out of the measurement for queries; each may be null
 */
public record ReceivedMeasurement(String uid, String keyId, Instant receivedAt, String measurementJson,
    String signatureJson, Summary summary) {

  public ReceivedMeasurement {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(measurementJson, "measurementJson");
    Objects.requireNonNull(signatureJson, "signatureJson");
    Objects.requireNonNull(summary, "summary");
  }

  /**
   * The verdict columns: what an analyst filters on without parsing JSON. Read leniently (a value of the wrong
   * type is null), because the signed measurement, not these copies, is the record.
   */
  public record Summary(String input, String probeCc, String probeAsn, String measurementStartTime, String verdict,
      String signals) {

    public static Summary of(JsonNode measurement) {
      JsonNode keys = measurement.path("test_keys");
      JsonNode signals = keys.path("x_signals");
      String joined = null;
      if (signals.isArray()) {
        StringJoiner j = new StringJoiner(",");
        signals.forEach(s -> {
          if (s.isTextual()) {
            j.add(s.asText());
          }
        });
        joined = j.toString();
      }
      return new Summary(text(measurement, "input"), text(measurement, "probe_cc"), text(measurement, "probe_asn"),
          text(measurement, "measurement_start_time"), text(keys, "x_verdict"), joined);
    }

    private static String text(JsonNode node, String field) {
      JsonNode v = node.path(field);
      return v.isTextual() ? v.asText() : null;
    }
  }
}
