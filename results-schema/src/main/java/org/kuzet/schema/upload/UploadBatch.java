package org.kuzet.schema.upload;

import java.util.List;

/** The body of {@code POST /api/v1/measurements} before gzip: {@code {"measurements": [item, …]}}. */
public record UploadBatch(List<UploadItem> measurements) {
  public UploadBatch {
    if (measurements == null || measurements.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("\"measurements\" is missing or holds null");
    }
    measurements = List.copyOf(measurements);
  }
}
