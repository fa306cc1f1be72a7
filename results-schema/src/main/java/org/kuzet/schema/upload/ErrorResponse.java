package org.kuzet.schema.upload;

import java.util.Objects;

/** The body of every non-200 answer of the collector: {@code {"error": "what was wrong"}}. */
public record ErrorResponse(String error) {
  public ErrorResponse {
    Objects.requireNonNull(error, "error");
  }
}
