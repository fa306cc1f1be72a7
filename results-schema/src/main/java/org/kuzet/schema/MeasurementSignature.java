package org.kuzet.schema;

import java.util.Objects;

/**
 * A probe's signature over one measurement, sent beside it in an upload: {@code {"measurement": {…},
 * "signature": {"alg":"Ed25519","public_key":…,"key_id":…,"value":…}}}.
 *
 * @param alg always {@value #ALGORITHM}
 * @param publicKey base64 of the raw 32-byte Ed25519 public key
 * @param keyId {@code ed25519:} + hex SHA-256 of the raw public key; identifies the probe
 * @param value base64 of the 64-byte signature over {@link CanonicalJson} bytes of the measurement
 */
public record MeasurementSignature(String alg, String publicKey, String keyId, String value) {
  public static final String ALGORITHM = "Ed25519";

  public MeasurementSignature {
    Objects.requireNonNull(alg, "alg");
    Objects.requireNonNull(publicKey, "public_key");
    Objects.requireNonNull(keyId, "key_id");
    Objects.requireNonNull(value, "value");
  }
}
