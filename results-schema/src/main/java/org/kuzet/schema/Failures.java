package org.kuzet.schema;

import java.util.Set;

/**
 * The closed failure vocabulary of a measurement, after OONI's df-007 (data-formats/df-007-errors.md) and the
 * strings ooni/probe-cli emits. A {@code null} failure means success. Anything not in this set is written as
 * {@code "unknown_failure: <detail>"} so that analysis never has to parse free text.
 */
public final class Failures {
  public static final String CONNECTION_REFUSED = "connection_refused";
  public static final String CONNECTION_RESET = "connection_reset";
  public static final String CONNECTION_ABORTED = "connection_aborted";
  public static final String GENERIC_TIMEOUT = "generic_timeout_error";
  public static final String EOF = "eof_error";
  public static final String HOST_UNREACHABLE = "host_unreachable";
  public static final String NETWORK_UNREACHABLE = "network_unreachable";
  public static final String DNS_NXDOMAIN = "dns_nxdomain_error";
  public static final String DNS_SERVFAIL = "dns_servfail_error";
  public static final String DNS_REFUSED = "dns_refused_error";
  public static final String DNS_NO_ANSWER = "dns_no_answer";
  public static final String DNS_BOGON = "dns_bogon_error";
  public static final String DNS_SERVER_MISBEHAVING = "dns_server_misbehaving";
  public static final String SSL_UNKNOWN_AUTHORITY = "ssl_unknown_authority";
  public static final String SSL_INVALID_HOSTNAME = "ssl_invalid_hostname";
  public static final String SSL_INVALID_CERTIFICATE = "ssl_invalid_certificate";
  public static final String SSL_FAILED_HANDSHAKE = "ssl_failed_handshake";
  public static final String UNKNOWN_PREFIX = "unknown_failure: ";
  /**
   * The server's status line and headers were larger than an HTTP client accepts (OkHttp: 256 KiB). df-007 has no
   * string for it; it is the server's fault, not the network's, so it is kept apart from {@link #EOF}.
   */
  public static final String HTTP_RESPONSE_HEADERS_TOO_LARGE = UNKNOWN_PREFIX + "http_response_headers_too_large";

  private static final Set<String> KNOWN = Set.of(
      CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_ABORTED, GENERIC_TIMEOUT, EOF, HOST_UNREACHABLE,
      NETWORK_UNREACHABLE, DNS_NXDOMAIN, DNS_SERVFAIL, DNS_REFUSED, DNS_NO_ANSWER, DNS_BOGON,
      DNS_SERVER_MISBEHAVING, SSL_UNKNOWN_AUTHORITY, SSL_INVALID_HOSTNAME, SSL_INVALID_CERTIFICATE,
      SSL_FAILED_HANDSHAKE);

  private Failures() {}

  /** True for {@code null} (success), a known failure, or an {@code unknown_failure: …} string. */
  public static boolean isValid(String failure) {
    return failure == null || KNOWN.contains(failure) || failure.startsWith(UNKNOWN_PREFIX);
  }

  public static String unknown(String detail) {
    return UNKNOWN_PREFIX + (detail == null || detail.isBlank() ? "no detail" : detail);
  }

  static String requireValid(String failure, String where) {
    if (!isValid(failure)) {
      throw new IllegalArgumentException(where + ": failure \"" + failure + "\" is not in the df-007 vocabulary");
    }
    return failure;
  }
}
