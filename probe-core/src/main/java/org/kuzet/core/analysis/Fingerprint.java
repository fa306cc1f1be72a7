package org.kuzet.core.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of OONI's blocking-fingerprints CSV: a pattern that, found in a DNS answer, a response body or a
 * response header, identifies a known blockpage.
 *
 * @param headerName for {@link Location#HEADER}, the header's name (lower case); null otherwise
 */
public record Fingerprint(
    String name,
    String scope,
    List<String> otherNames,
    Location location,
    String headerName,
    PatternType patternType,
    String pattern,
    int confidenceNoFp,
    List<String> expectedCountries,
    String source,
    String expUrl,
    String notes,
    Pattern regex) {

  public enum Location { DNS, BODY, HEADER }

  public enum PatternType {
    FULL, PREFIX, CONTAINS, REGEXP;

    static PatternType parse(String s) {
      return switch (s) {
        case "full" -> FULL;
        case "prefix" -> PREFIX;
        case "contains" -> CONTAINS;
        case "regexp" -> REGEXP;
        default -> throw new IllegalArgumentException(
            "pattern_type must be full, prefix, contains or regexp, got \"" + s + "\"");
      };
    }
  }

  public Fingerprint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(patternType, "patternType");
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("pattern is empty");
    }
    if ((location == Location.HEADER) != (headerName != null && !headerName.isEmpty())) {
      throw new IllegalArgumentException("a header fingerprint needs a header name, others none");
    }
    headerName = headerName == null ? null : headerName.toLowerCase(Locale.ROOT);
    otherNames = List.copyOf(otherNames);
    expectedCountries = List.copyOf(expectedCountries);
    if (patternType == PatternType.REGEXP && regex == null) {
      regex = Pattern.compile(pattern);
    }
  }

  /** The OONI location_found string: {@code dns}, {@code body} or {@code header.<name>}. */
  public String locationFound() {
    return location == Location.HEADER ? "header." + headerName : location.name().toLowerCase(Locale.ROOT);
  }

  /** Does {@code value} (an answer, a body, a header value) match this fingerprint's pattern? */
  public boolean matches(String value) {
    if (value == null) {
      return false;
    }
    return switch (patternType) {
      case FULL -> value.equals(pattern);
      case PREFIX -> value.startsWith(pattern);
      case CONTAINS -> value.contains(pattern);
      case REGEXP -> regex.matcher(value).find();
    };
  }
}
