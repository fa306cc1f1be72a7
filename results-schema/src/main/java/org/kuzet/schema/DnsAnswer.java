package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One resource record of a DNS reply (OONI df-002 Answer). Exactly one of {@code ipv4}, {@code ipv6},
 * {@code hostname} is set, matching {@code answerType} (A, AAAA, CNAME).
 *
 * @param xBogon the address is not routable on the public internet (RFC 1918, loopback, link-local …)
 */
public record DnsAnswer(
    String answerType,
    @JsonInclude(JsonInclude.Include.NON_NULL) String ipv4,
    @JsonInclude(JsonInclude.Include.NON_NULL) String ipv6,
    @JsonInclude(JsonInclude.Include.NON_NULL) String hostname,
    long ttl,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean xBogon) {

  public DnsAnswer {
    Objects.requireNonNull(answerType, "answerType");
    int set = (ipv4 == null ? 0 : 1) + (ipv6 == null ? 0 : 1) + (hostname == null ? 0 : 1);
    if (set != 1) {
      throw new IllegalArgumentException("a DNS answer carries exactly one of ipv4, ipv6, hostname");
    }
  }

  public static DnsAnswer a(String ip, long ttl, boolean bogon) {
    return new DnsAnswer("A", ip, null, null, ttl, bogon);
  }

  public static DnsAnswer aaaa(String ip, long ttl, boolean bogon) {
    return new DnsAnswer("AAAA", null, ip, null, ttl, bogon);
  }

  public static DnsAnswer cname(String target, long ttl) {
    return new DnsAnswer("CNAME", null, null, target, ttl, false);
  }

  /** The address this answer carries, or null for a CNAME. */
  public String address() {
    return ipv4 != null ? ipv4 : ipv6;
  }
}
