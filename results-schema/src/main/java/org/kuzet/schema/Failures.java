package org.kuzet.schema;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The closed failure vocabulary of a measurement: OONI's df-007 (ooni/spec {@code data-formats/df-007-errors.md}),
 * every string ooni/probe-cli's netxlite emits, and the legacy strings of ooni/probe-legacy and of OONI's test
 * helpers. A {@code null} failure means success. Anything else is written as {@code "unknown_failure: <detail>"}
 * so that analysis never has to parse free text.
 *
 * <p>Two directions, two rules. kuzet's own writers (the failure classifier, the steps) emit only the constants
 * below, and the records reject any other string ({@link #isValid}). Data read from outside (OONI measurements, an
 * OONI helper's answer) goes through {@link #fromOutside}, which keeps every df-007 string as it is and turns any
 * other into {@code unknown_failure: <string>}: reading never fails on a failure string.
 */
public final class Failures {
  // ---- df-007, emitted by ooni/probe-engine (netxlite) and Measurement Kit, and by kuzet's classifier
  public static final String ANDROID_DNS_CACHE_NO_DATA = "android_dns_cache_no_data";
  public static final String CONNECTION_ABORTED = "connection_aborted";
  public static final String CONNECTION_ALREADY_CLOSED = "connection_already_closed";
  public static final String CONNECTION_REFUSED = "connection_refused";
  public static final String CONNECTION_RESET = "connection_reset";
  public static final String DNS_BOGON = "dns_bogon_error";
  public static final String DNS_NO_ANSWER = "dns_no_answer";
  public static final String DNS_NON_RECOVERABLE_FAILURE = "dns_non_recoverable_failure";
  public static final String DNS_NON_RECURSIVE_NO_ANSWER = "dns_non_recursive_no_answer";
  public static final String DNS_NXDOMAIN = "dns_nxdomain_error";
  public static final String DNS_REFUSED = "dns_refused_error";
  public static final String DNS_REPLY_WITH_WRONG_QUERY_ID = "dns_reply_with_wrong_query_id";
  public static final String DNS_SERVER_MISBEHAVING = "dns_server_misbehaving";
  public static final String DNS_SERVFAIL = "dns_servfail_error";
  public static final String DNS_TEMPORARY_FAILURE = "dns_temporary_failure";
  public static final String EOF = "eof_error";
  public static final String GENERIC_TIMEOUT = "generic_timeout_error";
  public static final String HOST_UNREACHABLE = "host_unreachable";
  public static final String HTTP_INVALID_REDIRECT_LOCATION_HOST = "http_invalid_redirect_location_host";
  public static final String HTTP_REQUEST_FAILED = "http_request_failed";
  public static final String HTTP_UNEXPECTED_REDIRECT_URL = "http_unexpected_redirect_url";
  public static final String HTTP_UNEXPECTED_STATUS_CODE = "http_unexpected_status_code";
  public static final String INTERRUPTED = "interrupted";
  public static final String JSON_PARSE_ERROR = "json_parse_error";
  public static final String NETWORK_DOWN = "network_down";
  public static final String NETWORK_RESET = "network_reset";
  public static final String NETWORK_UNREACHABLE = "network_unreachable";
  public static final String OPERATION_CANCELED = "operation_canceled";
  public static final String QUIC_INCOMPATIBLE_VERSION = "quic_incompatible_version";
  public static final String SSL_FAILED_HANDSHAKE = "ssl_failed_handshake";
  public static final String SSL_INVALID_CERTIFICATE = "ssl_invalid_certificate";
  public static final String SSL_INVALID_HOSTNAME = "ssl_invalid_hostname";
  public static final String SSL_UNKNOWN_AUTHORITY = "ssl_unknown_authority";

  // ---- legacy test helper strings (ooni/probe-legacy's Twisted names, still sent by oohelperd to old probes)
  /** The helper's NXDOMAIN ({@code dns.failure}). */
  public static final String LEGACY_DNS_NAME_ERROR = "dns_name_error";
  /** The helper's SERVFAIL and other server errors ({@code dns.failure}). */
  public static final String LEGACY_DNS_SERVER_FAILURE = "dns_server_failure";
  /** The helper's catch-all ({@code dns.failure}, {@code http_request.failure}). */
  public static final String LEGACY_UNKNOWN_ERROR = "unknown_error";
  public static final String LEGACY_CONNECTION_REFUSED = "connection_refused_error";
  public static final String LEGACY_CONNECT_ERROR = "connect_error";
  /** The helper's "the name did not resolve" ({@code http_request.failure}). */
  public static final String LEGACY_DNS_LOOKUP_ERROR = "dns_lookup_error";

  public static final String UNKNOWN_PREFIX = "unknown_failure: ";
  /**
   * The server's status line and headers were larger than an HTTP client accepts (OkHttp: 256 KiB). df-007 has no
   * string for it; it is the server's fault, not the network's, so it is kept apart from {@link #EOF}.
   */
  public static final String HTTP_RESPONSE_HEADERS_TOO_LARGE = UNKNOWN_PREFIX + "http_response_headers_too_large";

  /**
   * df-007's table, netxlite's {@code errno.go} and its other sentinel strings (the redirect, cancel and
   * non-recursive-resolver failures later probe-cli versions emit).
   */
  private static final Set<String> DF007 = Set.of(
      // df-007's current table
      ANDROID_DNS_CACHE_NO_DATA, CONNECTION_ABORTED, CONNECTION_ALREADY_CLOSED, CONNECTION_REFUSED, CONNECTION_RESET,
      DNS_BOGON, DNS_NO_ANSWER, DNS_NON_RECOVERABLE_FAILURE, DNS_NXDOMAIN, DNS_REPLY_WITH_WRONG_QUERY_ID, DNS_REFUSED,
      DNS_SERVER_MISBEHAVING, DNS_SERVFAIL, DNS_TEMPORARY_FAILURE, EOF, HTTP_REQUEST_FAILED, HOST_UNREACHABLE,
      GENERIC_TIMEOUT, HTTP_UNEXPECTED_REDIRECT_URL, HTTP_UNEXPECTED_STATUS_CODE, INTERRUPTED, JSON_PARSE_ERROR,
      NETWORK_DOWN, NETWORK_RESET, NETWORK_UNREACHABLE, QUIC_INCOMPATIBLE_VERSION, SSL_FAILED_HANDSHAKE,
      SSL_INVALID_HOSTNAME, SSL_UNKNOWN_AUTHORITY, SSL_INVALID_CERTIFICATE,
      // netxlite's errno.go (the system-call errors) and its other sentinel errors
      "address_family_not_supported", "address_in_use", "address_not_available", "already_connected", "bad_address",
      "bad_file_descriptor", "connection_already_in_progress", "destination_address_required",
      HTTP_INVALID_REDIRECT_LOCATION_HOST, "invalid_argument", "message_size", "no_buffer_space",
      "no_protocol_option", "not_a_socket", "not_connected", "operation_would_block", "permission_denied",
      "protocol_not_supported", "timed_out", "wrong_protocol_type", DNS_NON_RECURSIVE_NO_ANSWER, OPERATION_CANCELED,
      // df-007 written with the old spec's typo, as some old measurements may carry it
      "ssl_unknown_autority");

  /** ooni/probe-legacy's strings (df-007's legacy table) and the legacy names OONI's test helpers still send. */
  private static final Set<String> LEGACY = Set.of(
      "socks_error", "address_family_not_supported_error", LEGACY_CONNECT_ERROR, "connection_done",
      "connection_lost_error", LEGACY_CONNECTION_REFUSED, "deferred_timeout_error", LEGACY_DNS_LOOKUP_ERROR,
      LEGACY_DNS_NAME_ERROR, "dns_name_failure", "response_never_received", "socks_address_not_supported",
      "socks_command_not_supported", "socks_connection_not_allowed", "socks_connection_refused",
      "socks_host_unreachable", "socks_network_unreachable", "socks_server_failure", "socks_ttl_expired",
      "task_timed_out", "tcp_timed_out_error",
      // oohelperd's own (model.THDNSNameError and friends)
      LEGACY_DNS_SERVER_FAILURE, LEGACY_UNKNOWN_ERROR);

  private static final Set<String> KNOWN = Stream.concat(DF007.stream(), LEGACY.stream())
      .collect(Collectors.toUnmodifiableSet());

  private Failures() {}

  /** True for {@code null} (success), a df-007 or legacy failure, or an {@code unknown_failure: …} string. */
  public static boolean isValid(String failure) {
    return failure == null || KNOWN.contains(failure) || failure.startsWith(UNKNOWN_PREFIX);
  }

  /** Every known failure string (df-007, netxlite's, legacy), without {@code unknown_failure: …}. */
  public static Set<String> known() {
    return KNOWN;
  }

  /** True for a string of df-007 proper (not a legacy one, not {@code unknown_failure}). */
  public static boolean isDf007(String failure) {
    return failure != null && DF007.contains(failure);
  }

  /** True for a legacy string (ooni/probe-legacy, OONI's test helpers). */
  public static boolean isLegacy(String failure) {
    return failure != null && LEGACY.contains(failure);
  }

  /**
   * A failure string read from outside kuzet (OONI data, a helper's answer), made valid: kept as it is when it is
   * valid, else {@code unknown_failure: <string>}; null stays null (success). Never throws.
   */
  public static String fromOutside(String failure) {
    if (isValid(failure)) {
      return failure;
    }
    // "unknown_failure ..." without the colon, as some old probes wrote it, keeps its detail.
    if (failure.startsWith("unknown_failure")) {
      return unknown(failure.substring("unknown_failure".length()).strip());
    }
    return unknown(failure);
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
