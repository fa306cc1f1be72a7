package org.kuzet.targets;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One URL to measure and what the list says about it.
 *
 * <p>The constructor normalises {@code url} with {@link UrlNormalizer} (so two targets for the same
 * page compare equal on {@link #url()}) and rejects anything else that is not valid, so a {@code
 * Target} that exists is always usable.
 *
 * @param url the URL in canonical form (see {@link UrlNormalizer})
 * @param categoryCode a code known to {@link Categories}
 * @param country upper-case ISO 3166-1 alpha-2 code of the country the list is for, or {@link
 *     #GLOBAL} (any country) or {@link #UNKNOWN_COUNTRY}
 * @param source where the entry came from: a report, a list, a file name; never blank
 * @param dateAdded when the entry was added to its list, or null when the list does not say
 * @param notes free text, possibly empty, never null
 */
public record Target(
    String url, String categoryCode, String country, String source, LocalDate dateAdded, String notes) {

  /** Country code of lists meant for every country (Citizen Lab's global list). */
  public static final String GLOBAL = "XX";

  /** Country code when nobody said which country a list is for (OONI's "ZZ"). */
  public static final String UNKNOWN_COUNTRY = "ZZ";

  private static final Set<String> ISO_COUNTRIES = Set.of(Locale.getISOCountries());

  public Target {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(categoryCode, "categoryCode");
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(source, "source");
    url = UrlNormalizer.normalize(url);
    if (!Categories.isKnown(categoryCode)) {
      throw new IllegalArgumentException(Categories.unknownCodeMessage(categoryCode));
    }
    if (!isValidCountry(country)) {
      throw new IllegalArgumentException(badCountryMessage(country));
    }
    if (source.isBlank()) {
      throw new IllegalArgumentException("source must not be blank: say where the entry came from");
    }
    notes = notes == null ? "" : notes;
  }

  /** True for an upper-case ISO 3166-1 alpha-2 code, {@link #GLOBAL} or {@link #UNKNOWN_COUNTRY}. */
  public static boolean isValidCountry(String country) {
    return country != null
        && (ISO_COUNTRIES.contains(country) || GLOBAL.equals(country) || UNKNOWN_COUNTRY.equals(country));
  }

  static String badCountryMessage(String country) {
    return "bad country '" + country + "': use an ISO 3166-1 alpha-2 code such as KZ, "
        + GLOBAL + " for a global list or " + UNKNOWN_COUNTRY + " for unknown";
  }

  /** The category of the {@code control} list's sites: expected to be reachable. */
  public static final String CONTROL_CATEGORY = "CTRL";

  /**
   * The URLs of the {@code control} list's sites (category {@code CTRL}) among {@code targets}: the run's baseline
   * of the volunteer's own network speed, against which throttling is judged.
   */
  public static java.util.Set<String> baselineUrls(java.util.Collection<Target> targets) {
    return targets.stream().filter(t -> CONTROL_CATEGORY.equals(t.categoryCode())).map(Target::url)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
