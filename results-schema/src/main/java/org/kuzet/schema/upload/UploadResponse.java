package org.kuzet.schema.upload;

import java.util.List;

/**
 * The 200 answer to a batch: {@code {"results": [{"uid", "status", "reason"}, …]}}, one result per item, in the
 * order of the batch.
 */
public record UploadResponse(List<ItemResult> results) {
  public UploadResponse {
    if (results == null || results.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("\"results\" is missing or holds null");
    }
    results = List.copyOf(results);
  }
}
