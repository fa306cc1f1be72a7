package org.kuzet.core.identity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The network a measurement was made from, as OONI's base data format names it: the probe's AS number, country and
 * AS name, and the AS of the resolver the system uses. Never an address: kuzet learns the public address only to
 * derive these, then forgets it.
 *
 * @param probeAsn {@code AS<n>}, {@code AS0} when unknown
 * @param probeCc ISO 3166 two-letter country, {@code ZZ} when unknown
 * @param probeNetworkName the AS's name, empty when unknown
 * @param resolverAsn the system resolver's egress AS ({@code AS0} when unknown)
 * @param resolverNetworkName its name, empty when unknown
 */
public record NetworkIdentity(String probeAsn, String probeCc, String probeNetworkName, String resolverAsn,
    String resolverNetworkName) {
  public static final Pattern ASN = Pattern.compile("AS\\d{1,10}");
  public static final Pattern CC = Pattern.compile("[A-Z]{2}");

  /** Nothing known: OONI's defaults. */
  public static final NetworkIdentity UNKNOWN = new NetworkIdentity("AS0", "ZZ", "", "AS0", "");

  public NetworkIdentity {
    requireAsn(probeAsn, "probe ASN");
    requireCc(probeCc, "probe country");
    requireAsn(resolverAsn, "resolver ASN");
    Objects.requireNonNull(probeNetworkName, "probeNetworkName");
    Objects.requireNonNull(resolverNetworkName, "resolverNetworkName");
  }

  /** Checks an ASN as a person writes it ({@code AS9198}); throws IllegalArgumentException saying what to write. */
  public static String requireAsn(String asn, String what) {
    if (asn == null || !ASN.matcher(asn).matches() || Long.parseLong(asn.substring(2)) > 0xffff_ffffL) {
      throw new IllegalArgumentException(what + " '" + asn + "' is not an AS number: write AS followed by digits,"
          + " e.g. AS9198");
    }
    return asn;
  }

  /** Checks a country code ({@code KZ}); throws IllegalArgumentException saying what to write. */
  public static String requireCc(String cc, String what) {
    if (cc == null || !CC.matcher(cc).matches()) {
      throw new IllegalArgumentException(what + " '" + cc + "' is not a country code: write two upper-case letters"
          + " (ISO 3166-1), e.g. KZ");
    }
    return cc;
  }

  public NetworkIdentity withProbe(String asn, String cc, String name) {
    return new NetworkIdentity(asn, cc, name, resolverAsn, resolverNetworkName);
  }

  /** e.g. {@code AS9198 (JSC Kazakhtelecom), KZ}. */
  public String describe() {
    return probeAsn + (probeNetworkName.isEmpty() ? "" : " (" + probeNetworkName + ")") + ", " + probeCc;
  }
}
