package org.kuzet.schema.upload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import org.kuzet.schema.MeasurementSignature;

/**
 * One signed measurement in an upload: {@code {"measurement": {…}, "signature": {…}}} (docs/SIGNATURES.md).
 *
 * @param measurement the measurement exactly as signed; its {@code measurement_uid} names the item
 * @param signature the probe's Ed25519 signature over the RFC 8785 bytes of {@code measurement}
 */
public record UploadItem(JsonNode measurement, MeasurementSignature signature) {
  public UploadItem {
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(signature, "signature");
    if (!measurement.isObject()) {
      throw new IllegalArgumentException("an uploaded measurement is a JSON object, got " + measurement.getNodeType());
    }
  }
}
