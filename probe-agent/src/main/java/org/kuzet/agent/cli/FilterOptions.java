package org.kuzet.agent.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.schema.Verdict;
import picocli.CommandLine.Option;

/** Which stored measurements an analyst command reads: time range, URL, verdict, run. */
public final class FilterOptions {
  @Option(names = "--since", paramLabel = "T",
      description = "From this time on: an ISO-8601 date (2026-11-01, UTC midnight) or instant (2026-11-01T10:00Z).")
  String since;

  @Option(names = "--until", paramLabel = "T",
      description = "Before this time; a date includes that whole day (UTC).")
  String until;

  @Option(names = "--url", paramLabel = "PATTERN",
      description = "URLs containing PATTERN, or matching it as a glob when it has a * (e.g. 'https://*.kz/*').")
  String url;

  @Option(names = "--verdict", paramLabel = "V", description = "Only this verdict: accessible, blocked, down,"
      + " inconclusive, offline.")
  String verdict;

  @Option(names = "--run", paramLabel = "ID", description = "Only measurements of this run.")
  Long run;

  /** The filter these options describe; anything malformed is a {@link UsageException} naming the flag. */
  public MeasurementFilter toFilter(Integer limit) {
    Instant from = since == null ? null : parseTime("--since", since, false);
    Instant to = until == null ? null : parseTime("--until", until, true);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new UsageException("--since " + since + " is not before --until " + until);
    }
    if (url != null && url.isEmpty()) {
      throw new UsageException("--url: empty pattern");
    }
    return new MeasurementFilter(from, to, url, verdict == null ? null : parseVerdict(verdict), run, limit);
  }

  Instant since() {
    return since == null ? null : parseTime("--since", since, false);
  }

  Instant until() {
    return until == null ? null : parseTime("--until", until, true);
  }

  /**
   * An ISO-8601 date (UTC midnight; for an upper bound, the end of that day) or instant; a date-time without an
   * offset is taken as UTC, as every time kuzet stores is.
   */
  static Instant parseTime(String flag, String value, boolean upperBound) {
    String v = value.strip();
    try {
      if (v.length() == 10) {
        LocalDate d = LocalDate.parse(v);
        return (upperBound ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (v.endsWith("Z") || v.endsWith("z") || v.matches(".*[+-]\\d{2}:?\\d{2}$")) {
        return OffsetDateTime.parse(v.toUpperCase(Locale.ROOT)).toInstant();
      }
      return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new UsageException(flag + " '" + value + "': not an ISO-8601 date or time (use e.g. 2026-11-01 or"
          + " 2026-11-01T10:00:00Z)");
    }
  }

  static Verdict parseVerdict(String value) {
    for (Verdict v : Verdict.values()) {
      if (v.wire().equalsIgnoreCase(value.strip())) {
        return v;
      }
    }
    throw new UsageException("--verdict '" + value + "': not a verdict (one of "
        + Arrays.stream(Verdict.values()).map(Verdict::wire).collect(Collectors.joining(", ")) + ")");
  }
}
