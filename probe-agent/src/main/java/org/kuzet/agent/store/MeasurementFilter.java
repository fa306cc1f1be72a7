package org.kuzet.agent.store;

import java.time.Instant;
import org.kuzet.schema.Verdict;

/**
 * Which measurements an analyst command reads; every field is optional (null: no restriction).
 *
 * @param since start time at or after this instant
 * @param until start time strictly before this instant
 * @param urlPattern a substring of the URL, or a glob when it contains {@code *} (case-sensitive, like URLs)
 * @param limit at most this many (the newest, for {@link Measurements#find})
 */
public record MeasurementFilter(Instant since, Instant until, String urlPattern, Verdict verdict, Long runId,
    Integer limit) {

  public static MeasurementFilter all() {
    return new MeasurementFilter(null, null, null, null, null, null);
  }

  public MeasurementFilter withLimit(Integer n) {
    return new MeasurementFilter(since, until, urlPattern, verdict, runId, n);
  }
}
