package org.kuzet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The failure vocabulary, string by string: df-007, netxlite's extras, the legacy helper strings. */
class FailuresTest {

  enum Kind { DF007, LEGACY }

  static Stream<Arguments> vocabulary() {
    return Stream.of(
        // df-007's current table
        Arguments.of("android_dns_cache_no_data", Kind.DF007),
        Arguments.of("connection_aborted", Kind.DF007),
        Arguments.of("connection_already_closed", Kind.DF007),
        Arguments.of("connection_refused", Kind.DF007),
        Arguments.of("connection_reset", Kind.DF007),
        Arguments.of("dns_bogon_error", Kind.DF007),
        Arguments.of("dns_no_answer", Kind.DF007),
        Arguments.of("dns_non_recoverable_failure", Kind.DF007),
        Arguments.of("dns_nxdomain_error", Kind.DF007),
        Arguments.of("dns_reply_with_wrong_query_id", Kind.DF007),
        Arguments.of("dns_refused_error", Kind.DF007),
        Arguments.of("dns_server_misbehaving", Kind.DF007),
        Arguments.of("dns_servfail_error", Kind.DF007),
        Arguments.of("dns_temporary_failure", Kind.DF007),
        Arguments.of("eof_error", Kind.DF007),
        Arguments.of("http_request_failed", Kind.DF007),
        Arguments.of("host_unreachable", Kind.DF007),
        Arguments.of("generic_timeout_error", Kind.DF007),
        Arguments.of("http_unexpected_redirect_url", Kind.DF007),
        Arguments.of("http_unexpected_status_code", Kind.DF007),
        Arguments.of("interrupted", Kind.DF007),
        Arguments.of("json_parse_error", Kind.DF007),
        Arguments.of("network_down", Kind.DF007),
        Arguments.of("network_reset", Kind.DF007),
        Arguments.of("network_unreachable", Kind.DF007),
        Arguments.of("quic_incompatible_version", Kind.DF007),
        Arguments.of("ssl_failed_handshake", Kind.DF007),
        Arguments.of("ssl_invalid_hostname", Kind.DF007),
        Arguments.of("ssl_unknown_authority", Kind.DF007),
        Arguments.of("ssl_invalid_certificate", Kind.DF007),
        Arguments.of("ssl_unknown_autority", Kind.DF007), // the old spec's spelling
        // netxlite's errno.go and sentinel errors
        Arguments.of("address_family_not_supported", Kind.DF007),
        Arguments.of("address_in_use", Kind.DF007),
        Arguments.of("address_not_available", Kind.DF007),
        Arguments.of("already_connected", Kind.DF007),
        Arguments.of("bad_address", Kind.DF007),
        Arguments.of("bad_file_descriptor", Kind.DF007),
        Arguments.of("connection_already_in_progress", Kind.DF007),
        Arguments.of("destination_address_required", Kind.DF007),
        Arguments.of("http_invalid_redirect_location_host", Kind.DF007),
        Arguments.of("invalid_argument", Kind.DF007),
        Arguments.of("message_size", Kind.DF007),
        Arguments.of("no_buffer_space", Kind.DF007),
        Arguments.of("no_protocol_option", Kind.DF007),
        Arguments.of("not_a_socket", Kind.DF007),
        Arguments.of("not_connected", Kind.DF007),
        Arguments.of("operation_would_block", Kind.DF007),
        Arguments.of("permission_denied", Kind.DF007),
        Arguments.of("protocol_not_supported", Kind.DF007),
        Arguments.of("timed_out", Kind.DF007),
        Arguments.of("wrong_protocol_type", Kind.DF007),
        Arguments.of("dns_non_recursive_no_answer", Kind.DF007),
        Arguments.of("operation_canceled", Kind.DF007),
        // ooni/probe-legacy (df-007's legacy table)
        Arguments.of("socks_error", Kind.LEGACY),
        Arguments.of("address_family_not_supported_error", Kind.LEGACY),
        Arguments.of("connect_error", Kind.LEGACY),
        Arguments.of("connection_done", Kind.LEGACY),
        Arguments.of("connection_lost_error", Kind.LEGACY),
        Arguments.of("connection_refused_error", Kind.LEGACY),
        Arguments.of("deferred_timeout_error", Kind.LEGACY),
        Arguments.of("dns_lookup_error", Kind.LEGACY),
        Arguments.of("dns_name_error", Kind.LEGACY),
        Arguments.of("dns_name_failure", Kind.LEGACY),
        Arguments.of("response_never_received", Kind.LEGACY),
        Arguments.of("socks_address_not_supported", Kind.LEGACY),
        Arguments.of("socks_command_not_supported", Kind.LEGACY),
        Arguments.of("socks_connection_not_allowed", Kind.LEGACY),
        Arguments.of("socks_connection_refused", Kind.LEGACY),
        Arguments.of("socks_host_unreachable", Kind.LEGACY),
        Arguments.of("socks_network_unreachable", Kind.LEGACY),
        Arguments.of("socks_server_failure", Kind.LEGACY),
        Arguments.of("socks_ttl_expired", Kind.LEGACY),
        Arguments.of("task_timed_out", Kind.LEGACY),
        Arguments.of("tcp_timed_out_error", Kind.LEGACY),
        // oohelperd's legacy names
        Arguments.of("dns_server_failure", Kind.LEGACY),
        Arguments.of("unknown_error", Kind.LEGACY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vocabulary")
  void everyStringIsValidAndReadAsItIs(String failure, Kind kind) {
    assertTrue(Failures.isValid(failure));
    assertEquals(kind == Kind.DF007, Failures.isDf007(failure));
    assertEquals(kind == Kind.LEGACY, Failures.isLegacy(failure));
    assertEquals(failure, Failures.fromOutside(failure));
    // The records that carry failures accept every one of them.
    assertEquals(failure, new TcpConnect.Status(false, failure, null).failure());
  }

  @Test
  void anUnknownStringFromOutsideIsKeptAsUnknownFailure() {
    assertEquals("unknown_failure: tls: handshake failure", Failures.fromOutside("tls: handshake failure"));
    assertEquals("unknown_failure: no detail", Failures.fromOutside(""));
    assertEquals("unknown_failure: stopped after too many redirects",
        Failures.fromOutside("unknown_failure: stopped after too many redirects"));
    assertEquals("unknown_failure: odd", Failures.fromOutside("unknown_failure odd"));
    assertNull(Failures.fromOutside(null));
    assertTrue(Failures.isValid(Failures.fromOutside("Connection reset by peer")));
  }

  @Test
  void ourOwnRecordsStayStrict() {
    assertFalse(Failures.isValid("it broke"));
    assertThrows(IllegalArgumentException.class, () -> new TcpConnect.Status(false, "it broke", null));
  }

  @Test
  void theExportSchemaListsTheSameVocabulary() throws Exception {
    com.fasterxml.jackson.databind.JsonNode schema;
    try (java.io.InputStream in = MeasurementJson.class.getResourceAsStream("measurement.schema.json")) {
      schema = MeasurementJson.mapper().readTree(in);
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    schema.at("/$defs/failure/anyOf/1/enum").forEach(n -> listed.add(n.asText()));
    assertEquals(new java.util.TreeSet<>(Failures.known()), listed);
    assertEquals(vocabulary().count(), Failures.known().size(), "every known string is in the table above");
  }
}
